import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createSilentLogger, type TACLogger } from '../../logging/index.ts';
import { TAC } from '../../tac.ts';
import { TurnAbortReason, turnAbortReasonOf } from '../../turn/turn-abort.ts';
import { VoiceChannel } from './voice-channel.ts';

// Count every TurnAbortReason built (it is an Error: building one captures a stack).
const built = vi.hoisted(() => ({ reasons: 0 }));
vi.mock('../../turn/turn-abort.ts', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../turn/turn-abort.ts')>();
  class CountedTurnAbortReason extends mod.TurnAbortReason {
    constructor(...args: ConstructorParameters<typeof mod.TurnAbortReason>) {
      super(...args);
      built.reasons++;
    }
  }
  return { ...mod, TurnAbortReason: CountedTurnAbortReason };
});

const CALL_SID = `CA${'0'.repeat(31)}1`;

type Frame = { type: string; token?: string; last?: boolean };

/**
 * A relay-only TAC + VoiceChannel behind a bare `ws` server on 127.0.0.1, and
 * a client socket that records what the app sends. The server side's socket
 * writes are counted (`_write` + `_writev` on the TCP socket under `ws`).
 */
async function start(logger: TACLogger = createSilentLogger()) {
  const tac = await TAC.create({
    logger,
    config: {
      accountSid: `AC${'0'.repeat(32)}`,
      authToken: 'token',
      apiKey: `SK${'1'.repeat(32)}`,
      apiSecret: 'secret',
      phoneNumber: '+15550001111',
      apiBaseUrl: 'http://127.0.0.1:9',
    },
  });
  const voice = tac.registerChannel(new VoiceChannel(tac));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const writes = { count: 0 };
  wss.on('connection', (ws) => {
    const socket = (ws as unknown as { _socket: Record<string, (...args: unknown[]) => unknown> })._socket;
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name]?.bind(socket);
      if (!original) continue;
      socket[name] = (...args: unknown[]) => {
        writes.count++;
        return original(...args);
      };
    }
    void voice.handleWebSocket(ws);
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    for (const wake of waiters) wake();
  });
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const until = (check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => reject(new Error('condition not met in time')), 5_000);
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
    });
  const send = (frame: Record<string, unknown>) => client.send(JSON.stringify(frame));
  return {
    tac,
    voice,
    frames,
    writes,
    client,
    send,
    setup: () => send({ type: 'setup', callSid: CALL_SID, from: '+15557654321', to: '+15550001111' }),
    prompt: (voicePrompt: string) => send({ type: 'prompt', voicePrompt, last: true }),
    /** Resolves once `n` frames ending with a `last: true` arrived. */
    replyEnded: (n: number) => until(() => frames.length >= n && frames[n - 1]?.last === true),
    until,
    async close() {
      client.terminate();
      await voice.drain(0);
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

describe('RelayCall over a real socket', () => {
  let app: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    built.reasons = 0;
  });

  it('sends a burst of tokens in order, the first at once and the rest in one socket write', async () => {
    app = await start();
    const tokens = Array.from({ length: 20 }, (_, i) => `t${i} `);
    app.tac.onMessageReady(async function* () {
      yield* tokens;
    });
    const ready = new Promise((resolve) => app?.voice.on('setup', resolve));
    app.setup();
    await ready;
    app.writes.count = 0;
    app.prompt('go');
    await app.replyEnded(21);
    expect(app.frames).toEqual([
      ...tokens.map((token) => ({ type: 'text', token, last: false })),
      { type: 'text', token: '', last: true },
    ]);
    // One write for the first frame, one for the other 20 (without corking: 21).
    expect(app.writes.count).toBeLessThanOrEqual(2);
  });

  it('builds a TurnAbortReason only when a turn is live, and the live turn gets it with what was heard', async () => {
    app = await start();
    let storySignal: AbortSignal | undefined;
    app.tac.onMessageReady(async function* ({ message, signal }) {
      if (message !== 'story') {
        yield 'ok';
        return;
      }
      storySignal = signal;
      yield 'Once upon ';
      await new Promise(() => {}); // ignores the signal: TAC must stop anyway
    });
    const interrupts: string[] = [];
    app.voice.on('interrupt', ({ utteranceUntilInterrupt }) => interrupts.push(utteranceUntilInterrupt));
    app.setup();
    app.prompt('one');
    await app.replyEnded(2);
    app.prompt('two');
    await app.replyEnded(4);
    app.send({ type: 'interrupt', utteranceUntilInterrupt: 'o', durationUntilInterruptMs: 10 });
    await vi.waitFor(() => expect(interrupts).toEqual(['o']));
    // Two prompts and a late interrupt, nothing running: nothing to abort, nothing built.
    expect(built.reasons).toBe(0);

    app.prompt('story');
    await app.until(() => app?.frames.at(-1)?.token === 'Once upon ');
    app.send({ type: 'interrupt', utteranceUntilInterrupt: 'Once', durationUntilInterruptMs: 300 });
    await app.replyEnded(6);
    expect(app.frames.slice(4)).toEqual([
      { type: 'text', token: 'Once upon ', last: false },
      { type: 'text', token: '', last: true },
    ]);
    expect(built.reasons).toBe(1);
    const reason = turnAbortReasonOf(storySignal as AbortSignal);
    expect(reason).toBeInstanceOf(TurnAbortReason);
    expect(reason).toMatchObject({ turnEndReason: 'interrupted', heard: 'Once' });

    // A hang-up with nothing running builds none either.
    app.client.close();
    await vi.waitFor(() => expect(app?.voice.openCalls).toBe(0));
    expect(built.reasons).toBe(1);
  });

  it('makes one child logger per call, only when it first logs, with the ids known then', async () => {
    const logger = createSilentLogger();
    const child = vi.spyOn(logger, 'child');
    app = await start(logger);
    app.tac.onMessageReady(() => 'hi');
    const voiceChildren = () => child.mock.calls.filter(([bindings]) => bindings.channel === 'voice');
    app.setup();
    app.prompt('hello');
    await app.replyEnded(1);
    expect(voiceChildren()).toEqual([]);

    app.client.close();
    await vi.waitFor(() => expect(app?.voice.openCalls).toBe(0));
    // The close is logged: one child, made then, with both ids.
    expect(voiceChildren()).toEqual([[{ channel: 'voice', callSid: CALL_SID, conversationId: CALL_SID }]]);
  });
});
