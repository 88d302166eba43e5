import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../channels/channel.ts';
import type { MemoryMode } from '../channels/channel-type.ts';
import { TACError, TACErrorCode } from '../errors/index.ts';
import { createSilentLogger } from '../logging/index.ts';
import { TACMemoryResponse } from '../memory/tac-memory-response.ts';
import { type ConversationSession, createSession } from '../session/index.ts';
import { TAC, type TACOptions } from '../tac.ts';
import type { TACEventMap } from './events.ts';
import type { ErrorContext, MessageReadyContext, MessageReadyHandler } from './handlers.ts';
import { runTurn, type TurnOutput } from './run-turn.ts';
import { TurnAbortReason, turnAbortReasonOf } from './turn-abort.ts';

/** The turn events these tests record (all carry a turnId). */
const TURN_EVENTS = ['turn-start', 'memory-retrieved', 'text-delta', 'turn-end'] as const;
type TurnEventName = (typeof TURN_EVENTS)[number];
type Recorded = { [K in TurnEventName]: { name: K; payload: TACEventMap[K] } }[TurnEventName];

/** A relay-only TAC (no REST calls possible: apiBaseUrl points at a closed port) that records events and errors. */
async function setup(options: Partial<TACOptions> = {}) {
  const tac = await TAC.create({
    config: {
      accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
      authToken: 'token',
      apiKey: `SK${'b'.repeat(32)}`,
      apiSecret: 'secret',
      phoneNumber: '+15550001111',
      apiBaseUrl: 'http://127.0.0.1:9',
    },
    logger: createSilentLogger(),
    options,
  });
  const events: Recorded[] = [];
  for (const name of TURN_EVENTS) {
    tac.events.on(name, (payload) => events.push({ name, payload } as Recorded));
  }
  const errors: { error: Error; context: ErrorContext }[] = [];
  tac.onError((error, context) => {
    errors.push({ error, context });
  });
  return { tac, events, errors };
}

function fakeChannel(memoryMode: MemoryMode = 'never'): Channel {
  return { type: 'sms', memoryMode, sendResponse: async () => '' };
}

function newSession(): ConversationSession {
  return createSession({ conversationId: 'conv_1', channel: 'sms' });
}

function turn(
  tac: TAC,
  init: { channel?: Channel; session?: ConversationSession; signal?: AbortSignal; messages?: string[] } = {},
): Promise<TurnOutput> {
  return runTurn(tac, {
    channel: init.channel ?? fakeChannel(),
    session: init.session ?? newSession(),
    messages: init.messages ?? ['hello'],
    author: '+15557654321',
    signal: init.signal ?? new AbortController().signal,
  });
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

function streamOf(output: TurnOutput): AsyncIterable<string> {
  if (output.kind !== 'stream') throw new Error(`expected a stream, got ${output.kind}`);
  return output.stream;
}

/** onError handlers run on a later microtask: let them. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

const endOf = (events: Recorded[]) => {
  const ends = events.filter((e) => e.name === 'turn-end');
  expect(ends, 'exactly one turn-end per turn').toHaveLength(1);
  return ends[0]?.payload as TACEventMap['turn-end'];
};

/** A producer that yields `first`, then waits forever and ignores every signal. */
async function* stuckAfter(first: string): AsyncGenerator<string> {
  yield first;
  await new Promise(() => {});
}

describe('runTurn: handler results', () => {
  it('sends a string result as text and reports start, delta and a completed end', async () => {
    const { tac, events } = await setup();
    let seen: MessageReadyContext | undefined;
    tac.onMessageReady((ctx) => {
      seen = ctx;
      return `You said: ${ctx.message}`;
    });
    const out = await turn(tac, { messages: ['one', 'two'] });

    expect(out).toMatchObject({ kind: 'text', text: 'You said: one\ntwo' });
    expect(events.map((e) => e.name)).toEqual(['turn-start', 'text-delta', 'turn-end']);
    expect(events[0]?.payload).toMatchObject({
      conversationId: 'conv_1',
      channel: 'sms',
      messages: ['one', 'two'],
    });
    expect(events[1]?.payload).toMatchObject({ text: 'You said: one\ntwo' });
    const end = endOf(events);
    expect(end).toMatchObject({ reason: 'completed', text: 'You said: one\ntwo', turnId: out.turnId });
    expect(end.firstTokenMs).toEqual(expect.any(Number));
    expect(new Set(events.map((e) => e.payload.turnId))).toEqual(new Set([out.turnId]));
    expect(seen).toMatchObject({
      messages: ['one', 'two'],
      author: '+15557654321',
      channel: 'sms',
      turnId: out.turnId,
    });
    expect(seen?.memory).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['a blank string', ' \n '],
    ['null', null],
    ['undefined', undefined],
  ])('sends nothing for %s (turn-end no-reply)', async (_label, result) => {
    const { tac, events, errors } = await setup();
    tac.onMessageReady(async () => result);
    const out = await turn(tac);
    expect(out.kind).toBe('none');
    expect(events.some((e) => e.name === 'text-delta')).toBe(false);
    expect(endOf(events)).toMatchObject({ reason: 'no-reply', text: '' });
    await flush();
    expect(errors).toEqual([]);
  });

  it('guards a streamed result: deltas in order, empty and non-string chunks skipped, completed end', async () => {
    const { tac, events } = await setup();
    tac.onMessageReady(async function* () {
      yield 'Hel';
      yield '';
      yield 42 as unknown as string;
      yield 'lo';
      yield ' world';
    });
    const out = await turn(tac);
    expect(await collect(streamOf(out))).toEqual(['Hel', 'lo', ' world']);
    expect(
      events.filter((e) => e.name === 'text-delta').map((e) => (e.payload as { text: string }).text),
    ).toEqual(['Hel', 'lo', ' world']);
    const end = endOf(events);
    expect(end).toMatchObject({ reason: 'completed', text: 'Hello world' });
    expect(end.firstTokenMs).toEqual(expect.any(Number));
  });

  it('reports turn-end only once the stream is consumed', async () => {
    const { tac, events } = await setup();
    tac.onMessageReady(async function* () {
      yield 'a';
    });
    const out = await turn(tac);
    expect(events.some((e) => e.name === 'turn-end')).toBe(false);
    await collect(streamOf(out));
    expect(endOf(events).reason).toBe('completed');
  });
});

describe('runTurn: failures become an apology', () => {
  it('appends the apology when a stream throws mid-way and reports the error', async () => {
    const { tac, events, errors } = await setup();
    tac.onMessageReady(async function* () {
      yield 'Let me check';
      throw new Error('model exploded');
    });
    const chunks = await collect(streamOf(await turn(tac)));
    expect(chunks).toEqual(['Let me check', ` ${tac.apologyMessage}`]);
    expect(endOf(events)).toMatchObject({ reason: 'error', text: `Let me check ${tac.apologyMessage}` });
    await flush();
    expect(errors).toHaveLength(1);
    const [{ error, context }] = errors as [(typeof errors)[number]];
    expect(TACError.isInstance(error) && error.code).toBe(TACErrorCode.TURN_FAILED);
    expect((error.cause as Error).message).toBe('model exploded');
    expect(context).toMatchObject({ conversationId: 'conv_1', channel: 'sms', stage: 'turn' });
  });

  it('puts one space before the apology, none when the text already ends in one', async () => {
    const { tac } = await setup();
    tac.onMessageReady(async function* () {
      yield 'Let me check. ';
      throw new Error('model exploded');
    });
    expect((await collect(streamOf(await turn(tac)))).join('')).toBe(`Let me check. ${tac.apologyMessage}`);
  });

  it('answers with the apology when the iterable throws as its iterator is requested', async () => {
    const { tac, events, errors } = await setup();
    tac.onMessageReady(() => ({
      [Symbol.asyncIterator](): AsyncIterator<string> {
        throw new Error('no iterator');
      },
    }));
    expect(await collect(streamOf(await turn(tac)))).toEqual([tac.apologyMessage]);
    expect(endOf(events)).toMatchObject({ reason: 'error', text: tac.apologyMessage });
    await flush();
    expect(errors.map((e) => (e.error as TACError).code)).toEqual([TACErrorCode.TURN_FAILED]);
  });

  it('still ends the turn with the apology when the iterator also throws as it is stopped', async () => {
    const { tac, events } = await setup();
    tac.onMessageReady(() => {
      let calls = 0;
      const iterator: AsyncIterator<string> = {
        next: async () => {
          calls += 1;
          if (calls === 1) return { done: false, value: 'a' };
          throw new Error('stream broke');
        },
        return: () => {
          throw new Error('return threw');
        },
      };
      return { [Symbol.asyncIterator]: () => iterator };
    });
    expect(await collect(streamOf(await turn(tac)))).toEqual(['a', ` ${tac.apologyMessage}`]);
    expect(endOf(events)).toMatchObject({ reason: 'error', text: `a ${tac.apologyMessage}` });
  });

  it('answers with the apology alone when a stream throws before any text', async () => {
    const { tac, events } = await setup();
    tac.onMessageReady(async function* () {
      yield* [];
      throw new Error('no tokens');
    });
    expect(await collect(streamOf(await turn(tac)))).toEqual([tac.apologyMessage]);
    expect(endOf(events)).toMatchObject({ reason: 'error', text: tac.apologyMessage });
  });

  it.each([
    [
      'throws synchronously',
      () => {
        throw new Error('sync boom');
      },
    ],
    [
      'rejects',
      async () => {
        throw new Error('async boom');
      },
    ],
  ] as [string, MessageReadyHandler][])(
    'answers with the apology when the handler %s',
    async (_label, handler) => {
      const { tac, events, errors } = await setup({ apologyMessage: 'Sorry!' });
      tac.onMessageReady(handler);
      const out = await turn(tac);
      expect(out).toMatchObject({ kind: 'text', text: 'Sorry!' });
      expect(endOf(events)).toMatchObject({ reason: 'error', text: 'Sorry!' });
      await flush();
      expect(errors.map((e) => (e.error as TACError).code)).toEqual([TACErrorCode.TURN_FAILED]);
      expect((errors[0]?.error.cause as Error | undefined)?.message).toMatch(/boom/);
    },
  );

  it('passes a TACError from the handler through unchanged', async () => {
    const { tac, errors } = await setup();
    const thrown = new TACError(TACErrorCode.TOOL_FAILED, 'tool broke');
    tac.onMessageReady(() => {
      throw thrown;
    });
    await turn(tac);
    await flush();
    expect(errors.map((e) => e.error)).toEqual([thrown]);
  });

  it('answers with the apology and reports NOT_CONFIGURED without a handler', async () => {
    const { tac, events, errors } = await setup();
    const out = await turn(tac);
    expect(out).toMatchObject({ kind: 'text', text: tac.apologyMessage });
    expect(endOf(events).reason).toBe('error');
    await flush();
    expect(errors.map((e) => (e.error as TACError).code)).toEqual([TACErrorCode.NOT_CONFIGURED]);
    expect(errors[0]?.error.message).toContain('onMessageReady');
  });

  it.each([
    ['a number', 42],
    ['a plain object', { text: 'hi' }],
    ['a sync iterable', ['a', 'b']],
  ])('answers with the apology when the handler returns %s', async (_label, value) => {
    const { tac, events, errors } = await setup();
    tac.onMessageReady(() => value as unknown as string);
    const out = await turn(tac);
    expect(out).toMatchObject({ kind: 'text', text: tac.apologyMessage });
    expect(endOf(events).reason).toBe('error');
    await flush();
    expect(errors.map((e) => (e.error as TACError).code)).toEqual([TACErrorCode.TURN_FAILED]);
    expect(errors[0]?.error.message).toContain('AsyncIterable<string>');
  });
});

describe('runTurn: aborts and timeouts', () => {
  it.each(['interrupted', 'superseded'] as const)(
    'ends a stream promptly when the signal fires (%s), even if the producer ignores it',
    async (reason) => {
      const { tac, events, errors } = await setup();
      tac.onMessageReady(() => stuckAfter('first part'));
      const controller = new AbortController();
      const out = await turn(tac, { signal: controller.signal });
      const chunks: string[] = [];
      for await (const chunk of streamOf(out)) {
        chunks.push(chunk);
        controller.abort(new TurnAbortReason(reason));
      }
      expect(chunks).toEqual(['first part']);
      expect(endOf(events)).toMatchObject({ reason, text: 'first part' });
      await flush();
      expect(errors).toEqual([]);
    },
  );

  it("reports 'interrupted' when the signal fires without a TurnAbortReason", async () => {
    const { tac, events } = await setup();
    tac.onMessageReady(() => stuckAfter('x'));
    const controller = new AbortController();
    const out = await turn(tac, { signal: controller.signal });
    const iterator = streamOf(out)[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(endOf(events).reason).toBe('interrupted');
  });

  it('returns nothing when the signal fires while a handler that ignores it is still running', async () => {
    const { tac, events, errors } = await setup();
    const controller = new AbortController();
    tac.onMessageReady(() => {
      controller.abort(new TurnAbortReason('superseded'));
      return new Promise<string>(() => {});
    });
    const out = await turn(tac, { signal: controller.signal });
    expect(out.kind).toBe('none');
    expect(endOf(events)).toMatchObject({ reason: 'superseded', text: '' });
    await flush();
    expect(errors).toEqual([]);
  });

  it('does not call the handler when the turn is aborted before it starts', async () => {
    const { tac, events } = await setup();
    const handler = vi.fn(() => 'never');
    tac.onMessageReady(handler);
    const out = await turn(tac, { signal: AbortSignal.abort(new TurnAbortReason('shutdown')) });
    expect(out.kind).toBe('none');
    expect(handler).not.toHaveBeenCalled();
    expect(endOf(events).reason).toBe('shutdown');
  });

  it('answers with the apology and reports TAC_ERR_TURN_TIMEOUT when the handler exceeds turnTimeoutMs', async () => {
    const { tac, events, errors } = await setup({ turnTimeoutMs: 20 });
    let handlerSignal: AbortSignal | undefined;
    tac.onMessageReady(({ signal }) => {
      handlerSignal = signal;
      return new Promise<string>(() => {});
    });
    const out = await turn(tac);
    expect(out).toMatchObject({ kind: 'text', text: tac.apologyMessage });
    expect(endOf(events)).toMatchObject({ reason: 'timeout', text: tac.apologyMessage });
    expect(handlerSignal?.aborted).toBe(true);
    await flush();
    expect(errors.map((e) => (e.error as TACError).code)).toEqual([TACErrorCode.TURN_TIMEOUT]);
    expect(errors[0]?.context).toMatchObject({ conversationId: 'conv_1', stage: 'turn' });
  });

  it('finishes a stream with the apology when it exceeds turnTimeoutMs', async () => {
    const { tac, events, errors } = await setup({ turnTimeoutMs: 50 });
    tac.onMessageReady(() => stuckAfter('Working on it'));
    const chunks = await collect(streamOf(await turn(tac)));
    expect(chunks).toEqual(['Working on it', ` ${tac.apologyMessage}`]);
    expect(endOf(events)).toMatchObject({ reason: 'timeout', text: `Working on it ${tac.apologyMessage}` });
    await flush();
    expect(errors.map((e) => (e.error as TACError).code)).toEqual([TACErrorCode.TURN_TIMEOUT]);
  });
});

describe('runTurn: the per-turn signal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("passes the channel's abort reason to the handler (agents read what was heard)", async () => {
    const { tac } = await setup();
    let handlerSignal: AbortSignal | undefined;
    tac.onMessageReady(({ signal }) => {
      handlerSignal = signal;
      return stuckAfter('Once upon ');
    });
    const controller = new AbortController();
    const out = await turn(tac, { signal: controller.signal });
    const iterator = streamOf(out)[Symbol.asyncIterator]();
    await iterator.next();
    const reason = new TurnAbortReason('interrupted', 'Once');
    controller.abort(reason);
    expect(handlerSignal?.aborted).toBe(true);
    expect(handlerSignal?.reason).toBe(reason);
    expect(turnAbortReasonOf(handlerSignal as AbortSignal)?.heard).toBe('Once');
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('gives a handler that times out a TimeoutError reason', async () => {
    const { tac } = await setup({ turnTimeoutMs: 10 });
    let handlerSignal: AbortSignal | undefined;
    tac.onMessageReady(({ signal }) => {
      handlerSignal = signal;
      return new Promise<string>(() => {});
    });
    await turn(tac);
    expect(handlerSignal?.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it("clears its timer and unlinks from the channel's signal when the turn ends", async () => {
    const { tac, errors } = await setup({ turnTimeoutMs: 60_000 });
    let handlerSignal: AbortSignal | undefined;
    tac.onMessageReady(({ signal }) => {
      handlerSignal = signal;
      return 'done';
    });
    const controller = new AbortController();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const out = await turn(tac, { signal: controller.signal });
    expect(out).toMatchObject({ kind: 'text', text: 'done' });
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // A finished turn never times out later.
    vi.advanceTimersByTime(120_000);
    expect(handlerSignal?.aborted).toBe(false);
    await flush();
    expect(errors).toEqual([]);
  });

  it('never aborts the handler of a finished turn when turnTimeoutMs later elapses (real timers)', async () => {
    const { tac } = await setup({ turnTimeoutMs: 5 });
    let handlerSignal: AbortSignal | undefined;
    tac.onMessageReady(({ signal }) => {
      handlerSignal = signal;
      return 'done';
    });
    await turn(tac);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(handlerSignal?.aborted).toBe(false);
  });

  it('releases the timer and the channel listener when the consumer stops a stream early', async () => {
    const { tac, events } = await setup({ turnTimeoutMs: 60_000 });
    let handlerSignal: AbortSignal | undefined;
    tac.onMessageReady(async function* ({ signal }) {
      handlerSignal = signal;
      yield 'one';
      yield 'two';
    });
    const controller = new AbortController();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const out = await turn(tac, { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    for await (const chunk of streamOf(out)) {
      expect(chunk).toBe('one');
      break;
    }
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(endOf(events)).toMatchObject({ reason: 'completed', text: 'one' });
    vi.advanceTimersByTime(120_000);
    expect(handlerSignal?.aborted).toBe(false);
  });

  it('adds one abort listener for a whole stream, not one per token', async () => {
    const { tac } = await setup({ turnTimeoutMs: 60_000 });
    let added = 0;
    async function* tokens(): AsyncGenerator<string> {
      for (let i = 0; i < 20; i++) yield `t${i}`;
    }
    tac.onMessageReady(({ signal }) => {
      // Count what is added from here on: the stream's race (the handler's own race was added before).
      const add = signal.addEventListener.bind(signal);
      signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
        added++;
        add(...args);
      }) as AbortSignal['addEventListener'];
      return tokens();
    });
    const chunks = await collect(streamOf(await turn(tac)));
    expect(chunks).toHaveLength(20);
    expect(added).toBe(1);
  });
});

describe('runTurn: memory modes', () => {
  it("'once' retrieves memory on the first turn and serves the session cache afterwards", async () => {
    const { tac, events } = await setup();
    const retrieve = vi.spyOn(tac, 'retrieveMemory');
    const memories: unknown[] = [];
    tac.onMessageReady(({ memory }) => {
      memories.push(memory);
      return 'ok';
    });
    const channel = fakeChannel('once');
    const session = newSession();
    await tac.sessions.set(session);

    await turn(tac, { channel, session });
    expect(session.cachedMemory).toBeDefined();
    expect((await tac.sessions.get('conv_1'))?.cachedMemory).toEqual(session.cachedMemory);
    await turn(tac, { channel, session });

    expect(retrieve).toHaveBeenCalledTimes(1);
    expect(retrieve).toHaveBeenCalledWith(session, undefined);
    const retrieved = events.filter((e) => e.name === 'memory-retrieved');
    expect(retrieved.map((e) => (e.payload as TACEventMap['memory-retrieved']).fromCache)).toEqual([
      false,
      true,
    ]);
    expect(memories).toHaveLength(2);
    expect(memories.every((m) => m instanceof TACMemoryResponse)).toBe(true);
  });

  it("'always' retrieves memory every turn with the messages as the query", async () => {
    const { tac } = await setup();
    const retrieve = vi.spyOn(tac, 'retrieveMemory');
    tac.onMessageReady(() => 'ok');
    const channel = fakeChannel('always');
    const session = newSession();
    await turn(tac, { channel, session, messages: ['a', 'b'] });
    await turn(tac, { channel, session, messages: ['c'] });
    expect(retrieve.mock.calls.map((c) => c[1])).toEqual(['a\nb', 'c']);
    expect(session.cachedMemory).toBeUndefined();
  });

  it("'never' skips memory", async () => {
    const { tac, events } = await setup();
    const retrieve = vi.spyOn(tac, 'retrieveMemory');
    let memory: unknown = 'unset';
    tac.onMessageReady((ctx) => {
      memory = ctx.memory;
      return 'ok';
    });
    await turn(tac, { channel: fakeChannel('never') });
    expect(retrieve).not.toHaveBeenCalled();
    expect(memory).toBeUndefined();
    expect(events.some((e) => e.name === 'memory-retrieved')).toBe(false);
  });

  it('goes on without memory (and reports it) when retrieval fails', async () => {
    const { tac, errors } = await setup();
    vi.spyOn(tac, 'retrieveMemory').mockRejectedValue(new Error('memory down'));
    tac.onMessageReady(({ memory }) => (memory ? 'with memory' : 'without memory'));
    const out = await turn(tac, { channel: fakeChannel('always') });
    expect(out).toMatchObject({ kind: 'text', text: 'without memory' });
    await flush();
    expect(errors.map((e) => e.context.stage)).toEqual(['memory']);
  });
});
