import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, type FakeApp, startFakeApp } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { fixture, normalized, shapeMismatches } from './__fixtures__/fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON under test is asserted on, not typed
type Event = { eventType: string; timestamp: string; data: Record<string, any> };

describe('conformance: Conversation Orchestrator wire formats', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;
  const events = () => app.webhooks.map((w) => w.body as Event);

  beforeEach(async () => {
    emu = await TwilioEmulator.start({ phoneNumber: '+15551234567' });
    app = await startFakeApp({ authToken: emu.authToken });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await emu.stop();
    await app.close();
  });

  it('COMMUNICATION_CREATED matches the documented envelopes (WhatsApp, SMS, Chat)', async () => {
    await emu.customer({ channel: 'whatsapp', address: 'whatsapp:+12345678901' }).send('Hello');
    await emu.customer({ channel: 'sms', address: '+12345678901' }).send('hello');
    await emu.customer({ channel: 'chat', address: 'user@example.com' }).send('hi');
    const created = events().filter((e) => e.eventType === 'COMMUNICATION_CREATED');
    const [wa, sms, chat] = created;
    // The WhatsApp example is the most complete: same keys, exactly.
    expect(
      shapeMismatches(wa, fixture('webhook-communication-created-whatsapp.json'), { exact: true }),
    ).toEqual([]);
    expect(shapeMismatches(sms, fixture('webhook-communication-created-sms.json'))).toEqual([]);
    expect(shapeMismatches(chat, fixture('webhook-communication-created-chat.json'))).toEqual([]);
    expect(wa?.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(wa?.data.author).toEqual({
      address: 'whatsapp:+12345678901',
      channel: 'WHATSAPP',
      participantId: expect.stringMatching(/^conv_participant_/),
    });
    expect(wa?.data.content).toEqual(fixture('webhook-communication-created-whatsapp.json').data.content);
    expect(sms?.data.channelId).toBeNull();
    expect(chat?.data.channelId).toMatch(/^CH/);
    expect(chat?.data.recipients[0].address).toBe('ai-assistant');
  });

  it('CONVERSATION_UPDATED and PARTICIPANT_ADDED match the documented envelopes', async () => {
    const { conversationId } = await emu.customer({ channel: 'sms', address: '+15559876543' }).send('hi');
    await emu.orchestrator.closeConversation(conversationId);
    const updated = events().find((e) => e.eventType === 'CONVERSATION_UPDATED');
    expect(
      shapeMismatches(updated, fixture('webhook-conversation-updated.json'), {
        exact: true,
        nullable: ['name'],
      }),
    ).toEqual([]);
    expect(updated?.data.status).toBe('CLOSED');
    const added = events().find((e) => e.eventType === 'PARTICIPANT_ADDED');
    expect(shapeMismatches(added, fixture('webhook-participant-added.json'))).toEqual([]);
    expect(shapeMismatches(added?.data, normalized('participant'), { exact: true })).toEqual([]);
    expect(added?.data.addresses).toEqual(fixture('webhook-participant-added.json').data.addresses);
  });

  it('every webhook is signed with bodySHA256 and validates with twilio.validateRequestWithBody', async () => {
    await emu.customer({ channel: 'sms' }).send('hi');
    expect(app.webhooks.length).toBeGreaterThan(0);
    for (const w of app.webhooks) {
      expect(w.url).toContain('bodySHA256=');
      const sig = String(w.headers['x-twilio-signature']);
      expect(twilio.validateRequestWithBody(emu.authToken, sig, w.url, w.rawBody)).toBe(true);
      expect(twilio.validateRequestWithBody('wrong-token', sig, w.url, w.rawBody)).toBe(false);
      expect(w.headers['content-type']).toBe('application/json');
      expect(w.headers['i-twilio-idempotency-token']).toEqual(expect.any(String));
    }
  });

  it('accepts the documented outbound creation and answers 201, then 409 with X-Conflicting-Resource-Id', async () => {
    const body = fixture('conversation-create-outbound-request.json');
    body.configurationId = emu.configurationId;
    const created = await api(emu, 'POST', '/v2/Conversations', { json: body });
    expect(created.status).toBe(201);
    expect(shapeMismatches(created.body, normalized('conversationResponse'))).toEqual([]);
    const conflict = await api(emu, 'POST', '/v2/Conversations', { json: body });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('x-conflicting-resource-id')).toBe(created.body.id);
    const list = await api(emu, 'GET', '/v2/Conversations?status=ACTIVE');
    expect(shapeMismatches(list.body, normalized('listConversations'), { exact: true })).toEqual([]);
  });

  it('accepts the documented SEND_MESSAGE body and answers 202 with the documented keys', async () => {
    const body = fixture('conversation-create-outbound-request.json');
    body.configurationId = emu.configurationId;
    const { id } = (await api(emu, 'POST', '/v2/Conversations', { json: body })).body;
    const participants = (await api(emu, 'GET', `/v2/Conversations/${id}/Participants`)).body.participants;
    const action = fixture('actions-send-message-request.json');
    action.payload.from.participantId = participants.find((p: { type: string }) => p.type === 'AI_AGENT').id;
    action.payload.to[0].participantId = participants.find((p: { type: string }) => p.type === 'CUSTOMER').id;
    action.payload.channelSettings.channelId = 'CH00000000000000000000000000000000';
    const customer = emu.customer({ channel: 'sms', address: '+15551230000' });
    const res = await api(emu, 'POST', `/v2/Conversations/${id}/Actions`, { json: action });
    expect(res.status).toBe(202);
    expect(shapeMismatches(res.body, normalized('actionsResponse'), { exact: true })).toEqual([]);
    expect((await customer.nextReply()).text).toBe('Hi! How can I help?');
    await emu.waitFor(() => events().some((e) => e.eventType === 'COMMUNICATION_CREATED'));
    const echo = events().find((e) => e.eventType === 'COMMUNICATION_CREATED');
    expect(echo?.data.author).toEqual({
      address: '+15559990000',
      channel: 'SMS',
      participantId: action.payload.from.participantId,
    });
  });

  it('serves the configuration with the documented keys', async () => {
    const res = await api(emu, 'GET', `/v2/ControlPlane/Configurations/${emu.configurationId}`);
    expect(shapeMismatches(res.body, normalized('configuration'), { exact: true })).toEqual([]);
  });
});
