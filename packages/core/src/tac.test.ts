import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from './channels/channel.ts';
import type { ChannelType } from './channels/channel-type.ts';
import { TACConfig, type TACConfigData } from './config/index.ts';
import { TACError, TACErrorCode, TwilioApiError } from './errors/index.ts';
import { createSilentLogger } from './logging/index.ts';
import { createSession, InMemorySessionStore, type SessionStore } from './session/index.ts';
import { TAC } from './tac.ts';
import type { ConversationEndedContext, ErrorContext } from './turn/handlers.ts';

const CONFIG_ID = `conv_configuration_${'0123456789abcdefghijklmnop'}`;
const STORE_ID = `mem_store_${'1'.repeat(26)}`;

const BASE: TACConfigData = {
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: 'token',
  apiKey: `SK${'b'.repeat(32)}`,
  apiSecret: 'secret',
  phoneNumber: '+15550001111',
  apiBaseUrl: 'http://127.0.0.1:9',
};

/** A fetch that fails the test if TAC makes any REST call. */
const noFetch = (async (input: string | URL | Request) => {
  throw new Error(`unexpected request to ${String(input)}`);
}) as typeof fetch;

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake Orchestrator control plane on 127.0.0.1 serving (or failing) one configuration. */
async function controlPlane(answer: { status: number; body: unknown }) {
  const app = Fastify();
  servers.push(app);
  const seen: { url: string; authorization?: string }[] = [];
  app.get('/v2/ControlPlane/Configurations/:id', async (req, reply) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    return reply.code(answer.status).send(answer.body);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { apiBaseUrl: `http://127.0.0.1:${port}`, seen };
}

function relayOnlyTAC(extra: Partial<Parameters<typeof TAC.create>[0]> = {}) {
  return TAC.create({
    config: BASE,
    logger: createSilentLogger(),
    http: { fetch: noFetch },
    ...extra,
  });
}

function fakeChannel(type: ChannelType, extra: Partial<Channel> = {}): Channel {
  return { type, memoryMode: 'never', sendResponse: async () => '', ...extra };
}

/** onError and handler promises settle on later ticks. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('TAC.create', () => {
  it('runs relay-only without a configuration id, calling nothing', async () => {
    const tac = await relayOnlyTAC();
    expect(tac.configuration).toBeUndefined();
    expect(tac.isOrchestratorEnabled()).toBe(false);
    expect(tac.memoryStoreId).toBeUndefined();
    expect(tac.sessions).toBeInstanceOf(InMemorySessionStore);
    expect(tac.options).toMatchObject({
      turnTimeoutMs: 60_000,
      memoryTimeoutMs: 3_000,
      maxHistoryItems: 200,
    });
    expect(tac.apologyMessage).toMatch(/sorry/i);
  });

  it('accepts a TACConfig instance, a session store and partial options', async () => {
    const config = new TACConfig(BASE);
    const sessions: SessionStore = new InMemorySessionStore();
    const tac = await relayOnlyTAC({ config, sessionStore: sessions, options: { apologyMessage: 'Oops.' } });
    expect(tac.config).toBe(config);
    expect(tac.sessions).toBe(sessions);
    expect(tac.apologyMessage).toBe('Oops.');
    expect(tac.options.turnTimeoutMs).toBe(60_000);
  });

  it('fails with TAC_ERR_CONFIG on invalid configuration data', async () => {
    await expect(TAC.create({ config: { ...BASE, accountSid: 'nope' } })).rejects.toMatchObject({
      code: TACErrorCode.CONFIG,
      message: expect.stringContaining('accountSid'),
    });
  });

  it('fetches the Conversation Configuration and reads its memoryStoreId', async () => {
    const fake = await controlPlane({
      status: 200,
      body: { id: CONFIG_ID, memoryStoreId: STORE_ID, conversationsV1Bridge: { serviceId: 'IS1' } },
    });
    const tac = await TAC.create({
      config: { ...BASE, apiBaseUrl: fake.apiBaseUrl, conversationConfigurationId: CONFIG_ID },
      logger: createSilentLogger(),
    });
    expect(fake.seen.map((s) => s.url)).toEqual([`/v2/ControlPlane/Configurations/${CONFIG_ID}`]);
    expect(fake.seen[0]?.authorization).toMatch(/^Basic /);
    expect(tac.isOrchestratorEnabled()).toBe(true);
    expect(tac.memoryStoreId).toBe(STORE_ID);
    expect(tac.configuration?.conversationsV1Bridge?.serviceId).toBe('IS1');
  });

  it('fails with TAC_ERR_CONFIG naming TWILIO_CONVERSATION_CONFIGURATION_ID when the fetch fails', async () => {
    const fake = await controlPlane({
      status: 404,
      body: { code: 20_404, message: 'The requested resource was not found', status: 404 },
    });
    let error: unknown;
    try {
      await TAC.create({
        config: { ...BASE, apiBaseUrl: fake.apiBaseUrl, conversationConfigurationId: CONFIG_ID },
        logger: createSilentLogger(),
      });
    } catch (e) {
      error = e;
    }
    expect(TACError.isInstance(error)).toBe(true);
    const tacError = error as TACError;
    expect(tacError.code).toBe(TACErrorCode.CONFIG);
    expect(tacError.message).toContain('TWILIO_CONVERSATION_CONFIGURATION_ID');
    expect(tacError.message).toContain(CONFIG_ID);
    expect(tacError.context.variables).toEqual(['TWILIO_CONVERSATION_CONFIGURATION_ID']);
    expect(tacError.cause).toBeInstanceOf(TwilioApiError);
    expect((tacError.cause as TwilioApiError).status).toBe(404);
  });

  it('fails with TAC_ERR_CONFIG when the control plane is unreachable', async () => {
    await expect(
      TAC.create({
        config: { ...BASE, conversationConfigurationId: CONFIG_ID },
        logger: createSilentLogger(),
        http: { retries: 0 },
      }),
    ).rejects.toMatchObject({
      code: TACErrorCode.CONFIG,
      message: expect.stringContaining('TWILIO_CONVERSATION_CONFIGURATION_ID'),
    });
  });

  it('keeps its constructor private', () => {
    const Ctor = TAC as unknown as new (token: symbol, init: object) => TAC;
    let error: unknown;
    try {
      new Ctor(Symbol('tac.constructing'), {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: TACErrorCode.INVALID_ARGUMENT,
      message: expect.stringContaining('TAC.create'),
    });
  });
});

describe('TAC channels', () => {
  it('registers channels by type; a second channel of a type replaces the first', async () => {
    const tac = await relayOnlyTAC();
    const first = fakeChannel('sms');
    const second = fakeChannel('sms');
    const voice = fakeChannel('voice');
    expect(tac.registerChannel(first)).toBe(first);
    tac.registerChannel(voice);
    tac.registerChannel(second);
    expect(tac.getChannel('sms')).toBe(second);
    expect(tac.getChannel('voice')).toBe(voice);
    expect(tac.getChannel('whatsapp')).toBeUndefined();
    expect(tac.channels).toHaveLength(2);
    expect(tac.channels).toContain(second);
    expect(tac.channels).not.toContain(first);
  });

  it('shuts down once: drains every channel, then closes the session store', async () => {
    const order: string[] = [];
    const sessions = new InMemorySessionStore();
    const close = vi.fn(async () => {
      order.push('close');
    });
    Object.assign(sessions, { close });
    const tac = await relayOnlyTAC({ sessionStore: sessions });
    const smsDrain = vi.fn(async () => {
      order.push('drain sms');
    });
    const voiceDrain = vi.fn(async () => {
      order.push('drain voice');
      throw new Error('drain failed');
    });
    tac.registerChannel(fakeChannel('sms', { drain: smsDrain }));
    tac.registerChannel(fakeChannel('voice', { drain: voiceDrain }));
    tac.registerChannel(fakeChannel('chat')); // no drain: skipped

    expect(tac.isShuttingDown).toBe(false);
    await tac.shutdown(1_234);
    await tac.shutdown(1_234);

    expect(tac.isShuttingDown).toBe(true);
    expect(smsDrain).toHaveBeenCalledTimes(1);
    expect(smsDrain).toHaveBeenCalledWith(1_234);
    expect(voiceDrain).toHaveBeenCalledTimes(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(order.at(-1)).toBe('close');
  });
});

describe('TAC.endConversation', () => {
  it('removes the session and its history and fires onConversationEnded once', async () => {
    const tac = await relayOnlyTAC();
    const session = createSession({ conversationId: 'conv_1', channel: 'whatsapp' });
    await tac.sessions.set(session);
    await tac.sessions.appendHistory('conv_1', [{ role: 'user', content: 'hi' }]);
    const ended: ConversationEndedContext[] = [];
    tac.onConversationEnded((ctx) => {
      ended.push(ctx);
    });
    const events: unknown[] = [];
    tac.events.on('conversation-ended', (e) => events.push(e));

    await tac.endConversation('conv_1', 'closed');
    await tac.endConversation('conv_1', 'closed');

    expect(await tac.sessions.get('conv_1')).toBeUndefined();
    expect(await tac.sessions.getHistory('conv_1')).toEqual([]);
    expect(ended).toEqual([{ session, reason: 'closed' }]);
    expect(events).toEqual([{ conversationId: 'conv_1', channel: 'whatsapp', reason: 'closed' }]);
  });

  it('does nothing for an unknown conversation', async () => {
    const tac = await relayOnlyTAC();
    const handler = vi.fn();
    tac.onConversationEnded(handler);
    await tac.endConversation('conv_unknown', 'hangup');
    expect(handler).not.toHaveBeenCalled();
  });

  it('reports a throwing onConversationEnded handler and still runs the next one', async () => {
    const tac = await relayOnlyTAC();
    await tac.sessions.set(createSession({ conversationId: 'conv_2', channel: 'voice' }));
    const errors: ErrorContext[] = [];
    tac.onError((_e, ctx) => {
      errors.push(ctx);
    });
    const next = vi.fn();
    tac.onConversationEnded(() => {
      throw new Error('handler bug');
    });
    tac.onConversationEnded(next);
    await tac.endConversation('conv_2', 'hangup');
    await flush();
    expect(next).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([{ conversationId: 'conv_2', channel: 'voice', stage: 'onConversationEnded' }]);
  });
});

describe('TAC.reportError', () => {
  it('hands the error and context to every onError handler, even when one throws or rejects', async () => {
    const tac = await relayOnlyTAC();
    const received: [string, Error, ErrorContext][] = [];
    tac.onError(() => {
      throw new Error('bad observer');
    });
    tac.onError(async () => {
      throw new Error('bad async observer');
    });
    tac.onError((error, context) => {
      received.push(['last', error, context]);
    });
    const error = new TACError(TACErrorCode.SEND_FAILED, 'send failed');

    expect(() => tac.reportError(error, { conversationId: 'conv_1', stage: 'send' })).not.toThrow();
    await flush();
    expect(received).toEqual([['last', error, { conversationId: 'conv_1', stage: 'send' }]]);
  });

  it('wraps a non-Error value in an Error', async () => {
    const tac = await relayOnlyTAC();
    const seen: Error[] = [];
    tac.onError((error) => {
      seen.push(error);
    });
    tac.reportError('plain string failure', {});
    await flush();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Error);
    expect(seen[0]?.message).toBe('plain string failure');
  });
});
