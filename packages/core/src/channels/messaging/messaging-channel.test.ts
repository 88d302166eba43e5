import { afterEach, describe, expect, it } from 'vitest';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { createSilentLogger } from '../../logging/index.ts';
import { TAC } from '../../tac.ts';
import type { ErrorContext } from '../../turn/handlers.ts';
import {
  CHAT_SERVICE,
  CONFIG_ID,
  communication,
  createFakeTAC,
  type FakeTwilio,
  PHONE,
  until,
  WHATSAPP,
} from './__fixtures__/fake-twilio.ts';
import { ChatChannel } from './chat-channel.ts';
import { RCSChannel } from './rcs-channel.ts';
import { SMSChannel } from './sms-channel.ts';
import { WhatsAppChannel } from './whatsapp-channel.ts';

const CUSTOMER = '+15557654321';
const base = {
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: 'token',
  apiKey: `SK${'b'.repeat(32)}`,
  apiSecret: 'secret',
  phoneNumber: PHONE,
};

let tacs: TAC[] = [];
afterEach(async () => {
  await Promise.all(tacs.map((t) => t.shutdown(1_000)));
  tacs = [];
});

async function setup(extra: Record<string, unknown> = {}) {
  const { tac, fake } = await createFakeTAC(extra);
  tacs.push(tac);
  const errors: { error: Error; context: ErrorContext }[] = [];
  tac.onError((error, context) => {
    errors.push({ error, context });
  });
  return { tac, fake, errors };
}

function errorOf(fn: () => unknown): TACError {
  try {
    fn();
  } catch (e) {
    if (TACError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a throw');
}

/** The v1 bridge's shape: both participants UNKNOWN. */
function bridgeParticipants(
  fake: FakeTwilio,
  conversationId: string,
  channel = 'SMS',
  agent = PHONE,
  customer = CUSTOMER,
) {
  const c = fake.addParticipant(conversationId, {
    type: 'UNKNOWN',
    name: 'customer',
    addresses: [{ channel, address: customer }],
  });
  const a = fake.addParticipant(conversationId, {
    type: 'UNKNOWN',
    name: null,
    addresses: [{ channel, address: agent }],
  });
  return { customer: c, agent: a };
}

describe('messaging channel construction', () => {
  it('requires orchestrated mode, naming TWILIO_CONVERSATION_CONFIGURATION_ID', async () => {
    const tac = await TAC.create({ config: base, logger: createSilentLogger() });
    const error = errorOf(() => new SMSChannel(tac));
    expect(error.code).toBe(TACErrorCode.NOT_CONFIGURED);
    expect(error.message).toContain('TWILIO_CONVERSATION_CONFIGURATION_ID');
  });

  it('requires the WhatsApp and RCS senders, naming the variable', async () => {
    const { tac } = await setup({ whatsappNumber: undefined, rcsSenderId: undefined });
    expect(errorOf(() => new WhatsAppChannel(tac)).message).toContain('TWILIO_WHATSAPP_NUMBER');
    expect(errorOf(() => new RCSChannel(tac)).message).toContain('TWILIO_RCS_SENDER_ID');
  });

  it('refuses bad and unknown options with an actionable message', async () => {
    const { tac } = await setup();
    const error = errorOf(
      () => new SMSChannel(tac, { burstPolicy: 'drop' as never, autoRetrieveMemory: true } as never),
    );
    expect(error.code).toBe(TACErrorCode.INVALID_ARGUMENT);
    expect(error.message).toMatch(/SMSChannel options/);
    expect(error.message).toMatch(/burstPolicy/);
    expect(error.message).toMatch(/autoRetrieveMemory/);
  });

  it('applies defaults: memoryMode never, coalesce, channel message limits', async () => {
    const { tac } = await setup();
    const sms = new SMSChannel(tac);
    expect(sms.memoryMode).toBe('never');
    expect(sms.settings.burstPolicy).toBe('coalesce');
    expect(sms.maxMessageLength).toBe(1600);
    expect(new WhatsAppChannel(tac).maxMessageLength).toBe(4096);
    const chat = new ChatChannel(tac);
    expect(chat.agentAddress).toBe('ai-assistant');
    expect(new SMSChannel(tac, { maxMessageLength: 100 }).maxMessageLength).toBe(100);
  });

  it('admission control: 0.9 event-loop utilization by default, 1 turns it off, 0 is refused', async () => {
    const { tac } = await setup();
    expect(new SMSChannel(tac).settings.maxEventLoopUtilization).toBe(0.9);
    expect(new SMSChannel(tac, { maxEventLoopUtilization: 1 }).settings.maxEventLoopUtilization).toBe(1);
    const error = errorOf(() => new SMSChannel(tac, { maxEventLoopUtilization: 0 }));
    expect(error.code).toBe(TACErrorCode.INVALID_ARGUMENT);
    expect(error.message).toMatch(/maxEventLoopUtilization/);
  });
});

describe('inbound messages', () => {
  it('reconciles UNKNOWN participants before the model runs, then replies from AI_AGENT to CUSTOMER', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    const { customer, agent } = bridgeParticipants(fake, 'conv1');
    let requestsWhenHandled = -1;
    tac.onMessageReady(({ message, session }) => {
      requestsWhenHandled = fake.requests.length;
      expect(session.profileId).toMatch(/^mem_profile_/);
      return `echo: ${message}`;
    });
    await tac.handleOrchestratorEvent(
      communication('conv1', 'Hello', { address: CUSTOMER, participantId: customer.id }),
    );
    await until(() => fake.actions.length === 1);

    const participants = fake.participants.get('conv1')!;
    expect(participants.find((p) => p.id === agent.id)?.type).toBe('AI_AGENT');
    const promoted = participants.find((p) => p.id === customer.id)!;
    expect(promoted.type).toBe('CUSTOMER');
    expect(promoted.profileId).toMatch(/^mem_profile_/);
    expect(promoted.name).toBe('customer'); // PUT is a full replacement: name kept
    // Both promotions happened before the handler ran.
    const puts = fake.requests.map((r, i) => [r, i] as const).filter(([r]) => r.method === 'PUT');
    expect(puts).toHaveLength(2);
    for (const [, i] of puts) expect(i).toBeLessThan(requestsWhenHandled);

    expect(fake.actions[0]!.body).toEqual({
      type: 'SEND_MESSAGE',
      payload: {
        from: { channel: 'SMS', participantId: agent.id },
        to: [{ channel: 'SMS', participantId: customer.id }],
        content: { text: 'echo: Hello' },
      },
    });
    const session = await tac.sessions.get('conv1');
    expect(session?.authorInfo).toEqual({ address: CUSTOMER, participantId: customer.id });
    expect(session?.aiAgentInfo).toEqual({ address: PHONE, participantId: agent.id });
  });

  it('creates the AI_AGENT participant when it is missing and reuses an existing profile', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    fake.profiles.set(CUSTOMER, 'mem_profile_known');
    const customer = fake.addParticipant('conv1', {
      type: 'UNKNOWN',
      addresses: [{ channel: 'SMS', address: CUSTOMER }],
    });
    tac.onMessageReady(({ session }) => `profile ${session.profileId}`);
    await tac.handleOrchestratorEvent(
      communication('conv1', 'Hi', { address: CUSTOMER, participantId: customer.id }),
    );
    await until(() => fake.actions.length === 1);
    const agent = fake.participants.get('conv1')!.find((p) => p.type === 'AI_AGENT');
    expect(agent?.addresses).toEqual([{ channel: 'SMS', address: PHONE }]);
    expect(fake.sentTexts).toEqual(['profile mem_profile_known']);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/Profiles'))).toBe(false);
  });

  it('reconciles only once per conversation', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    const { customer } = bridgeParticipants(fake, 'conv1');
    tac.onMessageReady(({ message }) => message);
    await tac.handleOrchestratorEvent(
      communication('conv1', 'one', { address: CUSTOMER, participantId: customer.id }),
    );
    await until(() => fake.actions.length === 1);
    await tac.handleOrchestratorEvent(
      communication('conv1', 'two', { address: CUSTOMER, participantId: customer.id }),
    );
    await until(() => fake.actions.length === 2);
    expect(fake.requests.filter((r) => r.path.endsWith('/Participants') && r.method === 'GET')).toHaveLength(
      1,
    );
  });

  it('answers a duplicate delivery once (same token, or same communication id)', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    bridgeParticipants(fake, 'conv1');
    let calls = 0;
    tac.onMessageReady(() => `reply ${++calls}`);
    const event = communication('conv1', 'Hi', { address: CUSTOMER });
    await tac.handleOrchestratorEvent(event, { idempotencyToken: 'tok-1' });
    await tac.handleOrchestratorEvent(event, { idempotencyToken: 'tok-1' });
    await tac.handleOrchestratorEvent(event); // a retry without the header
    await until(() => fake.actions.length === 1);
    await tac.shutdown(1_000);
    expect(calls).toBe(1);
    expect(fake.sentTexts).toEqual(['reply 1']);
  });

  it('ignores its own messages, other AI agents, human agents, and empty text', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    const { customer } = bridgeParticipants(fake, 'conv1');
    const bot = fake.addParticipant('conv1', {
      type: 'AI_AGENT',
      addresses: [{ channel: 'SMS', address: '+15550009999' }],
    });
    const human = fake.addParticipant('conv1', {
      type: 'HUMAN_AGENT',
      addresses: [{ channel: 'SMS', address: '+15550008888' }],
    });
    const seen: string[] = [];
    tac.onMessageReady(({ message }) => {
      seen.push(message);
      return 'ok';
    });
    await tac.handleOrchestratorEvent(communication('conv1', 'echo of my reply', { address: PHONE }));
    await tac.handleOrchestratorEvent(
      communication('conv1', 'from a bot', { address: '+15550009999', participantId: bot.id }),
    );
    await tac.handleOrchestratorEvent(
      communication('conv1', 'from a person', { address: '+15550008888', participantId: human.id }),
    );
    await tac.handleOrchestratorEvent(
      communication('conv1', '   ', { address: CUSTOMER, participantId: customer.id }),
    );
    await tac.handleOrchestratorEvent(
      communication('conv1', 'real one', { address: CUSTOMER, participantId: customer.id }),
    );
    await until(() => fake.actions.length >= 1);
    await tac.shutdown(1_000);
    expect(seen).toEqual(['real one']);
  });

  it('drops the message and reports droppedInbound when reconciliation is refused (409)', async () => {
    const { tac, fake, errors } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    const { customer } = bridgeParticipants(fake, 'conv1');
    fake.fail('PUT', /Participants/, 409);
    let called = false;
    tac.onMessageReady(() => {
      called = true;
      return 'x';
    });
    await tac.handleOrchestratorEvent(
      communication('conv1', 'Hi', { address: CUSTOMER, participantId: customer.id }),
    );
    await until(() => errors.length > 0);
    expect(called).toBe(false);
    expect(errors[0]!.context).toMatchObject({
      conversationId: 'conv1',
      channel: 'sms',
      droppedInbound: true,
    });
    expect((errors[0]!.error as TACError).code).toBe(TACErrorCode.INBOUND_DROPPED);
  });

  it('collects a streamed answer and sends it as one message', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    bridgeParticipants(fake, 'conv1');
    tac.onMessageReady(async function* () {
      yield 'Hello';
      yield ', ';
      yield 'world.';
    });
    await tac.handleOrchestratorEvent(communication('conv1', 'Hi', { address: CUSTOMER }));
    await until(() => fake.actions.length === 1);
    expect(fake.sentTexts).toEqual(['Hello, world.']);
  });
});

describe('bursts', () => {
  it('answers messages that arrive during a turn once, together', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac));
    bridgeParticipants(fake, 'conv1');
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const turns: (readonly string[])[] = [];
    tac.onMessageReady(async ({ messages }) => {
      turns.push(messages);
      if (turns.length === 1) await gate;
      return `answered ${messages.length}`;
    });
    await tac.handleOrchestratorEvent(communication('conv1', 'hey', { address: CUSTOMER }));
    await until(() => turns.length === 1);
    await tac.handleOrchestratorEvent(communication('conv1', 'quick q', { address: CUSTOMER }));
    await tac.handleOrchestratorEvent(communication('conv1', 'what are your hours?', { address: CUSTOMER }));
    release();
    await until(() => fake.actions.length === 2);
    expect(turns).toEqual([['hey'], ['quick q', 'what are your hours?']]);
    expect(fake.sentTexts).toEqual(['answered 1', 'answered 2']);
  });

  it("interrupt policy: the superseded turn's reply is never sent", async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac, { burstPolicy: 'interrupt' }));
    bridgeParticipants(fake, 'conv1');
    const turns: string[] = [];
    tac.onMessageReady(async ({ message, signal }) => {
      turns.push(message);
      if (turns.length === 1) await new Promise((r) => signal.addEventListener('abort', r));
      return `answer to: ${message}`;
    });
    await tac.handleOrchestratorEvent(communication('conv1', 'first', { address: CUSTOMER }));
    await until(() => turns.length === 1);
    await tac.handleOrchestratorEvent(communication('conv1', 'second', { address: CUSTOMER }));
    await until(() => fake.actions.length === 1);
    await tac.shutdown(1_000);
    expect(fake.sentTexts).toEqual(['answer to: first\nsecond']);
  });
});

describe('replies', () => {
  it('splits a long reply at sentence boundaries and sends the parts in order', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac, { maxMessageLength: 40 }));
    bridgeParticipants(fake, 'conv1');
    tac.onMessageReady(() => 'First sentence is here. Second sentence follows it. Third one ends.');
    await tac.handleOrchestratorEvent(communication('conv1', 'Hi', { address: CUSTOMER }));
    await until(() => fake.actions.length === 3);
    expect(fake.sentTexts).toEqual([
      'First sentence is here.',
      'Second sentence follows it.',
      'Third one ends.',
    ]);
  });

  it('retries a transient send failure (5xx) with backoff', async () => {
    const { tac, fake, errors } = await setup();
    tac.registerChannel(new SMSChannel(tac, { sendRetryBackoffMs: 1 }));
    bridgeParticipants(fake, 'conv1');
    fake.fail('POST', /Actions$/, 503, 2);
    tac.onMessageReady(() => 'made it');
    await tac.handleOrchestratorEvent(communication('conv1', 'Hi', { address: CUSTOMER }));
    await until(() => fake.actions.length === 1);
    expect(fake.sentTexts).toEqual(['made it']);
    expect(errors).toEqual([]);
  });

  it('reports a send that keeps failing through onError with the conversation id (never silent)', async () => {
    const { tac, fake, errors } = await setup();
    tac.registerChannel(new SMSChannel(tac, { sendRetries: 1, sendRetryBackoffMs: 1 }));
    bridgeParticipants(fake, 'conv1');
    fake.fail('POST', /Actions$/, 500, 10);
    tac.onMessageReady(() => 'lost?');
    await tac.handleOrchestratorEvent(communication('conv1', 'Hi', { address: CUSTOMER }));
    await until(() => errors.length === 1);
    expect(errors[0]!.context).toMatchObject({ conversationId: 'conv1', channel: 'sms', stage: 'send' });
    expect((errors[0]!.error as TACError).code).toBe(TACErrorCode.SEND_FAILED);
    expect(fake.requests.filter((r) => r.path.endsWith('/Actions'))).toHaveLength(2);
  });

  it('does not retry a refused send (4xx)', async () => {
    const { tac, fake, errors } = await setup();
    tac.registerChannel(new SMSChannel(tac, { sendRetryBackoffMs: 1 }));
    bridgeParticipants(fake, 'conv1');
    fake.fail('POST', /Actions$/, 400, 10);
    tac.onMessageReady(() => 'nope');
    await tac.handleOrchestratorEvent(communication('conv1', 'Hi', { address: CUSTOMER }));
    await until(() => errors.length === 1);
    expect(fake.requests.filter((r) => r.path.endsWith('/Actions'))).toHaveLength(1);
  });

  it('Chat: sends with the channel id and chat service; leaves the customer to the bridge', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new ChatChannel(tac));
    const customer = fake.addParticipant('conv1', {
      type: 'UNKNOWN',
      addresses: [{ channel: 'CHAT', address: 'user@example.com', channelId: 'CH123' }],
    });
    tac.onMessageReady(() => 'hi chat');
    await tac.handleOrchestratorEvent(
      communication(
        'conv1',
        'hi',
        { address: 'user@example.com', channel: 'CHAT', participantId: customer.id },
        { channelId: 'CH123' },
      ),
    );
    await until(() => fake.actions.length === 1);
    const payload = fake.actions[0]!.body.payload;
    expect(payload.channelSettings).toEqual({ channelId: 'CH123', chatService: CHAT_SERVICE });
    expect(payload.from.channel).toBe('CHAT');
    expect(payload.to).toEqual([{ channel: 'CHAT', participantId: customer.id }]);
    const agent = fake.participants.get('conv1')!.find((p) => p.type === 'AI_AGENT');
    expect(agent?.addresses).toEqual([{ channel: 'CHAT', address: 'ai-assistant', channelId: 'CH123' }]);
    expect(fake.participants.get('conv1')!.find((p) => p.id === customer.id)?.type).toBe('UNKNOWN');
  });

  it('sendResponse refuses a conversation it has no session for', async () => {
    const { tac } = await setup();
    const sms = tac.registerChannel(new SMSChannel(tac));
    await expect(sms.sendResponse('nope', 'x')).rejects.toMatchObject({ code: TACErrorCode.NOT_FOUND });
  });
});

describe('outbound', () => {
  it('creates the conversation with both participants, sends, and the reply reaches the handler', async () => {
    const { tac, fake } = await setup();
    const wa = tac.registerChannel(new WhatsAppChannel(tac));
    const { conversationId, session } = await wa.initiateOutboundConversation({
      to: '+15557654321',
      message: 'Your order shipped.',
      metadata: { campaign: 'x' },
    });
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v2/Conversations')!;
    expect(create.body).toEqual({
      configurationId: CONFIG_ID,
      participants: [
        { type: 'CUSTOMER', addresses: [{ channel: 'WHATSAPP', address: 'whatsapp:+15557654321' }] },
        { type: 'AI_AGENT', addresses: [{ channel: 'WHATSAPP', address: WHATSAPP }] },
      ],
    });
    expect(session.metadata).toMatchObject({ direction: 'outbound', campaign: 'x' });
    expect(fake.sentTexts).toEqual(['Your order shipped.']);
    expect(await tac.sessions.getHistory(conversationId)).toEqual([
      { role: 'assistant', content: 'Your order shipped.' },
    ]);

    const replies: string[] = [];
    tac.onMessageReady(({ message, session: s }) => {
      replies.push(`${message}|${s.metadata.direction}`);
      return 'great';
    });
    await tac.handleOrchestratorEvent(
      communication(conversationId, 'thanks!', { address: 'whatsapp:+15557654321', channel: 'WHATSAPP' }),
    );
    await until(() => fake.actions.length === 2);
    expect(replies).toEqual(['thanks!|outbound']);
  });

  it('reuses the active conversation named by a 409', async () => {
    const { tac, fake } = await setup();
    const sms = tac.registerChannel(new SMSChannel(tac));
    const { customer } = bridgeParticipants(fake, 'conv_existing');
    fake.conflictWith = 'conv_existing';
    const { conversationId, session } = await sms.initiateOutboundConversation({
      to: CUSTOMER,
      message: 'Hello again',
    });
    expect(conversationId).toBe('conv_existing');
    expect(session.authorInfo?.participantId).toBe(customer.id);
    expect(fake.actions[0]!.conversationId).toBe('conv_existing');
  });

  it('closes a conversation it created when the first message cannot be sent', async () => {
    const { tac, fake } = await setup();
    const sms = tac.registerChannel(new SMSChannel(tac, { sendRetries: 0 }));
    fake.fail('POST', /Actions$/, 500, 5);
    await expect(sms.initiateOutboundConversation({ to: CUSTOMER, message: 'Hi' })).rejects.toMatchObject({
      code: TACErrorCode.SEND_FAILED,
    });
    const [conversation] = [...fake.conversations.values()];
    expect(conversation?.status).toBe('CLOSED');
    expect(await tac.sessions.size()).toBe(0);
  });

  it('validates its options; Chat needs a channel id', async () => {
    const { tac } = await setup();
    const chat = tac.registerChannel(new ChatChannel(tac));
    await expect(
      chat.initiateOutboundConversation({ to: 'user@example.com', message: 'hi' }),
    ).rejects.toMatchObject({
      code: TACErrorCode.INVALID_ARGUMENT,
    });
    const sms = tac.registerChannel(new SMSChannel(tac));
    await expect(sms.initiateOutboundConversation({ to: '', message: ' ' })).rejects.toMatchObject({
      code: TACErrorCode.INVALID_ARGUMENT,
    });
  });
});

describe('lifecycle', () => {
  const updated = (id: string, status: string) => ({
    eventType: 'CONVERSATION_UPDATED',
    timestamp: new Date().toISOString(),
    data: { id, status, configurationId: CONFIG_ID },
  });

  it('INACTIVE drops the once-memory cache; CLOSED ends the session and fires onConversationEnded', async () => {
    const { tac, fake } = await setup();
    tac.registerChannel(new SMSChannel(tac, { memoryMode: 'once' }));
    bridgeParticipants(fake, 'conv1');
    tac.onMessageReady(() => 'ok');
    const ended: string[] = [];
    tac.onConversationEnded(({ session, reason }) => {
      ended.push(`${session.conversationId}:${reason}`);
    });
    await tac.handleOrchestratorEvent(communication('conv1', 'Hi', { address: CUSTOMER }));
    await until(() => fake.actions.length === 1);
    const session = (await tac.sessions.get('conv1'))!;
    session.cachedMemory = { observations: [] };
    await tac.sessions.set(session);

    await tac.handleOrchestratorEvent(updated('conv1', 'INACTIVE'));
    expect((await tac.sessions.get('conv1'))?.cachedMemory).toBeUndefined();

    await tac.handleOrchestratorEvent(updated('conv1', 'CLOSED'));
    expect(ended).toEqual(['conv1:closed']);
    expect(await tac.sessions.get('conv1')).toBeUndefined();
    await tac.handleOrchestratorEvent(updated('conv1', 'CLOSED'));
    expect(ended).toHaveLength(1);
  });
});
