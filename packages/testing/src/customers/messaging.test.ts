import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, type FakeApp, startFakeApp } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';

interface Event {
  eventType: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON under test is asserted on, not typed
  data: Record<string, any>;
}

describe('messaging customers', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;
  let replyText: string | undefined;

  beforeEach(async () => {
    replyText = 'Hi! How can I help?';
    emu = await TwilioEmulator.start({ webhookRetry: { attempts: 3, timeoutMs: 2000, backoffMs: 1 } });
    // An app that answers every customer message through the Actions API, as TAC does.
    app = await startFakeApp({
      authToken: emu.authToken,
      onWebhook: async (event: Event) => {
        if (event.eventType !== 'COMMUNICATION_CREATED' || replyText === undefined) return;
        const { data } = event;
        if (data.author.address === emu.phoneNumber || data.author.address === emu.whatsappNumber) return;
        if (data.author.address === emu.rcsSenderId || data.author.address === 'ai-assistant') return;
        const participants = (await api(emu, 'GET', `/v2/Conversations/${data.conversationId}/Participants`))
          .body.participants as { id: string; type: string }[];
        const agent = participants.find((p) => p.type === 'AI_AGENT');
        await api(emu, 'POST', `/v2/Conversations/${data.conversationId}/Actions`, {
          json: {
            type: 'SEND_MESSAGE',
            payload: {
              from: { participantId: agent?.id, channel: data.author.channel },
              to: [{ participantId: data.author.participantId, channel: data.author.channel }],
              content: { text: replyText },
              ...(data.channelId ? { channelSettings: { channelId: data.channelId } } : {}),
            },
          },
        });
      },
    });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await app.close();
    await emu.stop();
    expect(app.errors).toEqual([]);
  });

  it('delivers an SMS as a signed COMMUNICATION_CREATED webhook and gets the reply back', async () => {
    const alice = emu.customer({ channel: 'sms', address: '+15551230001' });
    const sent = await alice.send('Hello');
    expect(sent.delivery?.ok).toBe(true);
    const reply = await alice.nextReply();
    expect(reply.text).toBe('Hi! How can I help?');
    expect(reply.conversationId).toBe(sent.conversationId);
    expect(alice.conversationId).toBe(sent.conversationId);
    expect(alice.replies).toEqual(['Hi! How can I help?']);

    const created = app.webhooks.filter((w) => (w.body as Event).eventType === 'COMMUNICATION_CREATED');
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(app.webhooks.every((w) => w.signatureValid)).toBe(true);
    expect(created[0]?.url).toMatch(/\/webhook\?bodySHA256=[0-9a-f]{64}$/);
    expect(created[0]?.headers['i-twilio-idempotency-token']).toBeTruthy();
    const data = (created[0]?.body as Event | undefined)?.data ?? {};
    expect(data.author).toMatchObject({ address: '+15551230001', channel: 'SMS' });
    expect(data.content).toEqual({ type: 'TEXT', text: 'Hello' });
    expect(data.recipients[0]).toMatchObject({
      address: emu.phoneNumber,
      channel: 'SMS',
      deliveryStatus: 'DELIVERED',
    });

    // The agent's own message comes back as COMMUNICATION_CREATED too, as on Twilio.
    await emu.waitFor(() => emu.orchestrator.webhooks('COMMUNICATION_CREATED').length === 2);
    const echo = emu.orchestrator.webhooks('COMMUNICATION_CREATED')[1];
    expect(JSON.parse(echo?.body ?? '{}').data.author.address).toBe(emu.phoneNumber);
  });

  it('groups messages of one customer into one conversation and starts a new one after CLOSED', async () => {
    const bob = emu.customer({ channel: 'sms' });
    const first = await bob.send('one');
    const second = await bob.send('two');
    expect(second.conversationId).toBe(first.conversationId);
    await emu.orchestrator.closeConversation(first.conversationId);
    expect(emu.orchestrator.conversation(first.conversationId)?.status).toBe('CLOSED');
    const third = await bob.send('three');
    expect(third.conversationId).not.toBe(first.conversationId);
    expect(emu.orchestrator.conversations({ status: 'ACTIVE' }).map((c) => c.id)).toEqual([
      third.conversationId,
    ]);
  });

  it('reactivates an INACTIVE conversation on a new message', async () => {
    const carol = emu.customer({ channel: 'sms' });
    const { conversationId } = await carol.send('hi');
    await emu.orchestrator.setStatus(conversationId, 'INACTIVE');
    const again = await carol.send('still there?');
    expect(again.conversationId).toBe(conversationId);
    expect(emu.orchestrator.conversation(conversationId)?.status).toBe('ACTIVE');
  });

  it('creates CUSTOMER and AI_AGENT participants, with the seeded profile', async () => {
    const profileId = emu.memory.seedProfile({ phone: '+15551230002' });
    const dave = emu.customer({ channel: 'sms', address: '+15551230002' });
    const { conversationId } = await dave.send('hi');
    const participants = emu.orchestrator.participants(conversationId);
    expect(participants.map((p) => p.type)).toEqual(['CUSTOMER', 'AI_AGENT']);
    expect(participants[0]?.profileId).toBe(profileId);
    expect(participants[1]?.addresses).toEqual([
      { channel: 'SMS', address: emu.phoneNumber, channelId: null },
    ]);
  });

  it('creates UNKNOWN participants with the v1 bridge, and refuses sends from an UNKNOWN participant', async () => {
    replyText = undefined;
    const erin = emu.customer({ channel: 'sms', v1Bridge: true });
    const { conversationId } = await erin.send('hi');
    const participants = emu.orchestrator.participants(conversationId);
    expect(participants.map((p) => p.type)).toEqual(['UNKNOWN', 'UNKNOWN']);
    const res = await api(emu, 'POST', `/v2/Conversations/${conversationId}/Actions`, {
      json: {
        type: 'SEND_MESSAGE',
        payload: {
          from: { participantId: participants[1]?.id, channel: 'SMS' },
          to: [{ participantId: participants[0]?.id, channel: 'SMS' }],
          content: { text: 'hello' },
        },
      },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('x-conflicting-resource-id')).toBe(participants[1]?.id);
  });

  it('serves WhatsApp, RCS and Chat customers with their address formats', async () => {
    const wa = emu.customer({ channel: 'whatsapp' });
    const rcs = emu.customer({ channel: 'rcs' });
    const chat = emu.customer({ channel: 'chat' });
    expect(wa.address).toMatch(/^whatsapp:\+1555\d{7}$/);
    expect(rcs.address).toMatch(/^rcs:\+1555\d{7}$/);
    for (const c of [wa, rcs, chat]) await c.send('hello');
    const [waReply, rcsReply, chatReply] = await Promise.all([
      wa.nextReply(),
      rcs.nextReply(),
      chat.nextReply(),
    ]);
    expect([waReply.text, rcsReply.text, chatReply.text]).toEqual(Array(3).fill('Hi! How can I help?'));
    expect(chatReply.communication.channelId).toBe(chat.chatChannelId);
    const chatEvent = app.webhooks
      .map((w) => w.body as Event)
      .find((e) => e.eventType === 'COMMUNICATION_CREATED' && e.data.author.channel === 'CHAT');
    expect(chatEvent?.data.channelId).toMatch(/^CH[0-9a-f]{32}$/);
    expect(chatEvent?.data.recipients[0].address).toBe('ai-assistant');
  });

  it('sends a duplicate with the same idempotency token on request', async () => {
    replyText = undefined;
    const frank = emu.customer({ channel: 'sms' });
    const sent = await frank.send('once', { duplicate: true });
    expect(sent.duplicate?.idempotencyToken).toBe(sent.delivery?.idempotencyToken);
    const tokens = app.webhooks
      .filter((w) => (w.body as Event).eventType === 'COMMUNICATION_CREATED')
      .map((w) => w.headers['i-twilio-idempotency-token']);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    const again = await emu.redeliverLast();
    expect(again.redelivery).toBe(true);
  });

  it('retries a webhook answered with 5xx, keeping the idempotency token', async () => {
    replyText = undefined;
    await app.close();
    let calls = 0;
    app = await startFakeApp({ authToken: emu.authToken, webhookStatus: () => (++calls <= 2 ? 503 : 200) });
    emu.setApp({ url: app.url });
    const grace = emu.customer({ channel: 'sms' });
    const sent = await grace.send('retry me');
    // CONVERSATION_CREATED got the two 503s; the retries carry the same token.
    const first = emu.orchestrator.webhooks('CONVERSATION_CREATED')[0];
    expect(first?.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    const tokens = app.webhooks.slice(0, 3).map((w) => w.headers['i-twilio-idempotency-token']);
    expect(new Set(tokens).size).toBe(1);
    expect(sent.delivery?.ok).toBe(true);
  });

  it('stops webhooks after PATCH statusCallbacks [] (handoff)', async () => {
    replyText = undefined;
    const heidi = emu.customer({ channel: 'sms' });
    const { conversationId } = await heidi.send('first');
    const patched = await api(emu, 'PATCH', `/v2/Conversations/${conversationId}`, {
      json: { configuration: { statusCallbacks: [] } },
    });
    expect(patched.status).toBe(200);
    const before = app.webhooks.length;
    const sent = await heidi.send('second');
    expect(sent.delivery).toBeUndefined();
    expect(app.webhooks.length).toBe(before);
    expect(emu.orchestrator.communications(conversationId).map((c) => c.content.text)).toEqual([
      'first',
      'second',
    ]);
  });
});
