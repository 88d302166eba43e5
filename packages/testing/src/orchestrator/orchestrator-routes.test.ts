import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, type FakeApp, startFakeApp } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';

describe('Conversation Orchestrator REST', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;

  beforeEach(async () => {
    emu = await TwilioEmulator.start();
    app = await startFakeApp({ authToken: emu.authToken });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await emu.stop();
    await app.close();
  });

  const create = (to: string) =>
    api(emu, 'POST', '/v2/Conversations', {
      json: {
        configurationId: emu.configurationId,
        participants: [
          { type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: to }] },
          { type: 'AI_AGENT', addresses: [{ channel: 'SMS', address: emu.phoneNumber }] },
        ],
      },
    });

  it('serves the configuration with the memory store and the app as status callback', async () => {
    const res = await api(emu, 'GET', `/v2/ControlPlane/Configurations/${emu.configurationId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: emu.configurationId,
      memoryStoreId: emu.memoryStoreId,
      conversationGroupingType: 'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
      statusCallbacks: [{ url: `${app.url}/webhook`, method: 'POST' }],
      conversationsV1Bridge: { serviceId: expect.stringMatching(/^IS[0-9a-f]{32}$/) },
    });
    expect(res.body.memoryStoreId).toMatch(/^mem_store_[0-7][0-9a-z]{25}$/);
  });

  it('checks Basic auth on every request (API key or AccountSid + AuthToken)', async () => {
    const anonymous = await api(emu, 'GET', '/v2/Conversations', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    const wrong = await api(emu, 'GET', '/v2/Conversations', undefined, { user: emu.apiKey, pass: 'nope' });
    expect(wrong.status).toBe(401);
    const asAccount = await api(emu, 'GET', '/v2/Conversations', undefined, {
      user: emu.accountSid,
      pass: emu.authToken,
    });
    expect(asAccount.status).toBe(200);
  });

  it('creates a conversation with inline participants, then answers 409 with X-Conflicting-Resource-Id', async () => {
    const first = await create('+15551230000');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      configurationId: emu.configurationId,
      status: 'ACTIVE',
      accountId: emu.accountSid,
    });
    expect(first.body.id).toMatch(/^conv_conversation_[0-9a-z]{26}$/);
    const again = await create('+15551230000');
    expect(again.status).toBe(409);
    expect(again.headers.get('x-conflicting-resource-id')).toBe(first.body.id);
    expect(again.body).toMatchObject({
      status: 409,
      code: expect.any(Number),
      more_info: expect.any(String),
    });
    const other = await create('+15551239999');
    expect(other.status).toBe(201);
    await emu.orchestrator.closeConversation(first.body.id);
    expect((await create('+15551230000')).status).toBe(201);
  });

  it('validates bodies with Twilio-style 400s', async () => {
    const missing = await api(emu, 'POST', '/v2/Conversations', { json: { participants: [] } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/configurationId/);
    expect(missing.body.more_info).toBe(`https://www.twilio.com/docs/errors/${missing.body.code}`);
    const badAddress = await create('5551230000');
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.message).toMatch(/E\.164/);
    // The path names the field as it is in the request body.
    expect(badAddress.body.message).toMatch(/^participants\.0\.addresses\.0\.address: /);
    const badJson = await fetch(`${emu.baseUrl}/v2/Conversations`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${emu.apiKey}:${emu.apiSecret}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
    const unknown = await api(emu, 'GET', '/v2/Conversations/conv_conversation_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe(20404);
  });

  it('lists by status and channelId, with pagination', async () => {
    const a = (await create('+15551230001')).body.id;
    const b = (await create('+15551230002')).body.id;
    await api(emu, 'PUT', `/v2/Conversations/${a}`, { json: { status: 'INACTIVE' } });
    const active = await api(emu, 'GET', '/v2/Conversations?status=ACTIVE');
    expect(active.body.conversations.map((c: { id: string }) => c.id)).toEqual([b]);
    const page1 = await api(emu, 'GET', '/v2/Conversations?pageSize=1');
    expect(page1.body.conversations).toHaveLength(1);
    expect(page1.body.meta).toMatchObject({ key: 'conversations', pageSize: 1, previousToken: null });
    const page2 = await api(
      emu,
      'GET',
      `/v2/Conversations?pageSize=1&pageToken=${page1.body.meta.nextToken}`,
    );
    expect(page2.body.conversations[0].id).toBe(b);
    expect(page2.body.meta.nextToken).toBeNull();
    const none = await api(emu, 'GET', '/v2/Conversations?channelId=CA00000000000000000000000000000000');
    expect(none.body.conversations).toEqual([]);
  });

  it('sends CONVERSATION_UPDATED on status changes', async () => {
    const id = (await create('+15551230003')).body.id;
    const res = await api(emu, 'PUT', `/v2/Conversations/${id}`, { json: { status: 'INACTIVE' } });
    expect(res.body.status).toBe('INACTIVE');
    await emu.waitFor(() =>
      app.webhooks.some((w) => (w.body as { eventType: string }).eventType === 'CONVERSATION_UPDATED'),
    );
    const event = app.webhooks
      .map((w) => w.body as { eventType: string; data: Record<string, unknown> })
      .at(-1);
    expect(event).toMatchObject({
      eventType: 'CONVERSATION_UPDATED',
      data: { id, status: 'INACTIVE', configurationId: emu.configurationId },
    });
  });

  it('changes nothing when a PATCH is rejected (status change on a CLOSED conversation)', async () => {
    const id = (await create('+15551230008')).body.id;
    await emu.orchestrator.closeConversation(id);
    const before = emu.orchestrator.conversation(id);
    const patched = await api(emu, 'PATCH', `/v2/Conversations/${id}`, {
      json: { status: 'ACTIVE', configuration: { statusCallbacks: [] } },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toMatch(/CLOSED/);
    expect(emu.orchestrator.conversation(id)).toEqual(before);
    const record = emu.orchestrator.store.get(id);
    expect(emu.orchestrator.store.statusCallbacksOf(record)).toEqual([
      { url: `${app.url}/webhook`, method: 'POST' },
    ]);
    const ok = await api(emu, 'PATCH', `/v2/Conversations/${id}`, {
      json: { name: 'archived', configuration: { statusCallbacks: [] } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'archived', configuration: { statusCallbacks: [] } });
  });

  it('manages participants: 409 on a taken address, PUT as full replacement', async () => {
    const id = (await create('+15551230004')).body.id;
    const dup = await api(emu, 'POST', `/v2/Conversations/${id}/Participants`, {
      json: { type: 'AI_AGENT', addresses: [{ channel: 'SMS', address: emu.phoneNumber }] },
    });
    expect(dup.status).toBe(409);
    const list = await api(emu, 'GET', `/v2/Conversations/${id}/Participants`);
    const agent = list.body.participants.find((p: { type: string }) => p.type === 'AI_AGENT');
    expect(dup.headers.get('x-conflicting-resource-id')).toBe(agent.id);
    const put = await api(emu, 'PUT', `/v2/Conversations/${id}/Participants/${agent.id}`, {
      json: { type: 'HUMAN_AGENT', name: 'Sam', addresses: agent.addresses },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: agent.id, type: 'HUMAN_AGENT', name: 'Sam', profileId: null });
    const added = await api(emu, 'POST', `/v2/Conversations/${id}/Participants`, {
      json: { type: 'AI_AGENT', addresses: [{ channel: 'WHATSAPP', address: emu.whatsappNumber }] },
    });
    expect(added.status).toBe(201);
    expect(added.body.id).toMatch(/^conv_participant_/);
  });

  it('accepts SEND_MESSAGE with 202, then stores the message and announces it', async () => {
    const id = (await create('+15551230005')).body.id;
    const customer = emu.customer({ channel: 'sms', address: '+15551230005' });
    const action = await api(emu, 'POST', `/v2/Conversations/${id}/Actions`, {
      json: {
        type: 'SEND_MESSAGE',
        payload: {
          from: { address: emu.phoneNumber, channel: 'SMS' },
          to: [{ address: '+15551230005', channel: 'SMS' }],
          content: { text: 'Your order shipped.' },
        },
      },
    });
    expect(action.status).toBe(202);
    expect(Object.keys(action.body).sort()).toEqual(['conversationId', 'createdAt', 'id', 'status', 'type']);
    expect(action.body).toMatchObject({ type: 'SEND_MESSAGE', status: 'PENDING', conversationId: id });
    const reply = await customer.nextReply();
    expect(reply.text).toBe('Your order shipped.');
    expect(reply.communication.author.participantId).toMatch(/^conv_participant_/);
    await emu.waitFor(() => emu.orchestrator.actions[0]?.status === 'COMPLETED');
    const fetched = await api(emu, 'GET', `/v2/Conversations/${id}/Actions/${action.body.id}`);
    expect(fetched.body.status).toBe('COMPLETED');
    const comms = await api(emu, 'GET', `/v2/Conversations/${id}/Communications`);
    expect(comms.body.communications.map((c: { content: { text: string } }) => c.content.text)).toEqual([
      'Your order shipped.',
    ]);
  });

  it('rejects bad Actions', async () => {
    const id = (await create('+15551230006')).body.id;
    const post = (payload: unknown, type = 'SEND_MESSAGE') =>
      api(emu, 'POST', `/v2/Conversations/${id}/Actions`, { json: { type, payload } });
    const ok = {
      from: { address: emu.phoneNumber, channel: 'SMS' },
      to: [{ address: '+15551230006', channel: 'SMS' }],
      content: { text: 'x' },
    };
    expect((await post(ok, 'SEND_EMAIL')).status).toBe(400);
    expect((await post({ ...ok, content: { text: '' } })).status).toBe(400);
    expect((await post({ ...ok, to: [{ address: '+15551230006', channel: 'WHATSAPP' }] })).status).toBe(400);
    expect(
      (await post({ ...ok, from: { participantId: 'conv_participant_nope', channel: 'SMS' } })).status,
    ).toBe(400);
    const chat = await post({
      from: { address: 'ai-assistant', channel: 'CHAT' },
      to: [{ address: 'a@b.c', channel: 'CHAT' }],
      content: { text: 'x' },
    });
    expect(chat.status).toBe(400);
    expect(chat.body.message).toMatch(/channelId/);
    await emu.orchestrator.closeConversation(id);
    expect((await post(ok)).status).toBe(400);
  });

  it('creates communications directly and filters them by channelId', async () => {
    const id = (await create('+15551230007')).body.id;
    const res = await api(emu, 'POST', `/v2/Conversations/${id}/Communications`, {
      json: {
        author: { address: emu.phoneNumber, channel: 'SMS' },
        recipients: [{ address: '+15551230007', channel: 'SMS' }],
        content: { type: 'TEXT', text: 'hello' },
        channelId: 'CH00000000000000000000000000000001',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^conv_communication_[0-9a-z]{26}$/);
    const filtered = await api(
      emu,
      'GET',
      `/v2/Conversations/${id}/Communications?channelId=CH00000000000000000000000000000001`,
    );
    expect(filtered.body.communications).toHaveLength(1);
    const other = await api(emu, 'GET', `/v2/Conversations/${id}/Communications?channelId=CHx`);
    expect(other.body.communications).toHaveLength(0);
  });
});
