import { describe, expect, it } from 'vitest';
import { turnAbortReasonOf } from '../../turn/turn-abort.ts';
import {
  type BatchOutcome,
  ConversationScheduler,
  type ConversationSchedulerOptions,
  type DropReason,
  STARTS_PER_ITERATION,
} from './conversation-scheduler.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function until(check: () => boolean) {
  for (let i = 0; i < 500 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

/** A scheduler whose turns block until released, recording each batch. */
function harness(overrides: Partial<ConversationSchedulerOptions<string>> = {}) {
  const batches: { key: string; items: string[] }[] = [];
  const gates: ReturnType<typeof deferred>[] = [];
  const drops: { key: string; item: string; reason: DropReason }[] = [];
  const signals: AbortSignal[] = [];
  const scheduler = new ConversationScheduler<string>({
    policy: 'coalesce',
    maxConcurrentTurns: 10,
    maxPendingMessages: 100,
    maxPendingPerConversation: 10,
    process: async (key, items, signal): Promise<BatchOutcome> => {
      batches.push({ key, items: [...items] });
      signals.push(signal);
      const gate = deferred();
      gates.push(gate);
      await Promise.race([gate.promise, new Promise((r) => signal.addEventListener('abort', r))]);
      return signal.aborted ? 'superseded' : 'done';
    },
    onDrop: (key, item, reason) => drops.push({ key, item, reason }),
    ...overrides,
  });
  const release = async (n: number) => {
    await until(() => gates.length >= n);
    gates[n - 1]!.resolve();
  };
  return { scheduler, batches, gates, drops, signals, release };
}

describe('ConversationScheduler', () => {
  it('coalesce: messages arriving during a turn are answered together in one next turn', async () => {
    const h = harness();
    h.scheduler.enqueue('c1', 'hey');
    await until(() => h.batches.length === 1);
    h.scheduler.enqueue('c1', 'quick q');
    h.scheduler.enqueue('c1', 'what are your hours?');
    await h.release(1);
    await h.release(2);
    await until(() => !h.scheduler.has('c1'));
    expect(h.batches.map((b) => b.items)).toEqual([['hey'], ['quick q', 'what are your hours?']]);
  });

  it('queue: one turn per message, in order', async () => {
    const h = harness({ policy: 'queue' });
    for (const m of ['a', 'b', 'c']) h.scheduler.enqueue('c1', m);
    await h.release(1);
    await h.release(2);
    await h.release(3);
    await until(() => !h.scheduler.has('c1'));
    expect(h.batches.map((b) => b.items)).toEqual([['a'], ['b'], ['c']]);
  });

  it('interrupt: a newer message aborts the running turn (superseded) and one turn answers all', async () => {
    const h = harness({ policy: 'interrupt' });
    h.scheduler.enqueue('c1', 'first');
    await until(() => h.batches.length === 1);
    h.scheduler.enqueue('c1', 'second');
    expect(h.signals[0]!.aborted).toBe(true);
    expect(turnAbortReasonOf(h.signals[0]!)?.turnEndReason).toBe('superseded');
    await h.release(2);
    await until(() => !h.scheduler.has('c1'));
    expect(h.batches.map((b) => b.items)).toEqual([['first'], ['first', 'second']]);
  });

  it('runs different conversations in parallel, one turn at a time each', async () => {
    const h = harness();
    h.scheduler.enqueue('c1', 'x');
    h.scheduler.enqueue('c2', 'y');
    await until(() => h.batches.length === 2);
    expect(h.scheduler.runningCount).toBe(2);
    await h.release(1);
    await h.release(2);
    await until(() => h.scheduler.runningCount === 0);
  });

  it('caps concurrent turns globally; waiting conversations start in arrival order', async () => {
    const h = harness({ maxConcurrentTurns: 1 });
    h.scheduler.enqueue('c1', 'a');
    h.scheduler.enqueue('c2', 'b');
    h.scheduler.enqueue('c3', 'c');
    await until(() => h.batches.length === 1);
    await tick();
    expect(h.batches.length).toBe(1);
    await h.release(1);
    await h.release(2);
    await h.release(3);
    await until(() => h.batches.length === 3 && h.scheduler.runningCount === 0);
    expect(h.batches.map((b) => b.key)).toEqual(['c1', 'c2', 'c3']);
  });

  it('drops and reports new messages beyond maxPendingMessages (backpressure)', async () => {
    const h = harness({ maxConcurrentTurns: 1, maxPendingMessages: 2 });
    h.scheduler.enqueue('c1', 'running');
    await until(() => h.batches.length === 1);
    expect(h.scheduler.enqueue('c2', 'w1')).toBe(true);
    expect(h.scheduler.enqueue('c3', 'w2')).toBe(true);
    expect(h.scheduler.enqueue('c4', 'w3')).toBe(false);
    expect(h.drops).toEqual([{ key: 'c4', item: 'w3', reason: 'overloaded' }]);
    for (let i = 1; i <= 3; i++) await h.release(i);
    await until(() => h.scheduler.runningCount === 0 && h.scheduler.pendingCount === 0);
  });

  it('drops the oldest waiting message of a flooded conversation', async () => {
    const h = harness({ maxPendingPerConversation: 2 });
    h.scheduler.enqueue('c1', 'running');
    await until(() => h.batches.length === 1);
    for (const m of ['m1', 'm2', 'm3']) h.scheduler.enqueue('c1', m);
    expect(h.drops).toEqual([{ key: 'c1', item: 'm1', reason: 'conversation-overflow' }]);
    await h.release(1);
    await h.release(2);
    await until(() => !h.scheduler.has('c1'));
    expect(h.batches[1]!.items).toEqual(['m2', 'm3']);
  });

  it('cancel aborts the running turn and drops what waits', async () => {
    const h = harness();
    h.scheduler.enqueue('c1', 'a');
    await until(() => h.batches.length === 1);
    h.scheduler.enqueue('c1', 'b');
    h.scheduler.cancel('c1');
    expect(h.signals[0]!.aborted).toBe(true);
    await until(() => !h.scheduler.has('c1'));
    expect(h.batches.length).toBe(1);
    expect(h.drops.map((d) => [d.item, d.reason])).toEqual([
      ['b', 'cancelled'],
      ['a', 'cancelled'],
    ]);
  });

  it('drain waits for running turns, then refuses new messages', async () => {
    const h = harness();
    h.scheduler.enqueue('c1', 'a');
    await until(() => h.batches.length === 1);
    const drained = h.scheduler.drain(5_000);
    await h.release(1);
    await drained;
    expect(h.scheduler.has('c1')).toBe(false);
    expect(h.scheduler.enqueue('c1', 'late')).toBe(false);
    expect(h.drops.at(-1)).toEqual({ key: 'c1', item: 'late', reason: 'shutdown' });
  });

  it('drain aborts turns still running at the deadline', async () => {
    const h = harness();
    h.scheduler.enqueue('c1', 'a');
    await until(() => h.batches.length === 1);
    await h.scheduler.drain(10);
    expect(turnAbortReasonOf(h.signals[0]!)?.turnEndReason).toBe('shutdown');
    expect(h.scheduler.has('c1')).toBe(false);
  });

  it('a throwing processor counts as done and is reported', async () => {
    const errors: unknown[] = [];
    const scheduler = new ConversationScheduler<string>({
      policy: 'coalesce',
      maxConcurrentTurns: 1,
      maxPendingMessages: 10,
      maxPendingPerConversation: 10,
      process: async () => {
        throw new Error('boom');
      },
      onDrop: () => {},
      onError: (_k, e) => errors.push(e),
    });
    scheduler.enqueue('c1', 'a');
    await until(() => errors.length === 1 && !scheduler.has('c1'));
    expect(scheduler.runningCount).toBe(0);
  });
});

describe('ConversationScheduler admission control', () => {
  const iteration = () => new Promise((r) => setImmediate(r));

  it(`starts at most ${STARTS_PER_ITERATION} turns per event-loop iteration; the rest after pending I/O, in order`, async () => {
    const h = harness({ maxConcurrentTurns: 100, maxPendingPerConversation: 100 });
    h.scheduler.enqueue('c0', 'first');
    expect(h.batches).toHaveLength(1); // nothing else runs: it starts at once
    for (let i = 1; i <= 20; i++) h.scheduler.enqueue(`c${i}`, `m${i}`);
    expect(h.batches).toHaveLength(STARTS_PER_ITERATION);
    await iteration();
    expect(h.batches).toHaveLength(2 * STARTS_PER_ITERATION);
    await until(() => h.batches.length === 21);
    expect(h.batches.map((b) => b.key)).toEqual(Array.from({ length: 21 }, (_, i) => `c${i}`));
    for (let i = 1; i <= 21; i++) await h.release(i);
    await until(() => h.scheduler.runningCount === 0);
  });

  it('while overloaded starts one turn per interval (or when none runs), and all are answered', async () => {
    let overloaded = true;
    const h = harness({ load: { overloaded: () => overloaded } });
    h.scheduler.enqueue('c0', 'a');
    expect(h.batches).toHaveLength(1); // none was running: it starts despite the overload
    for (const key of ['c1', 'c2', 'c3']) h.scheduler.enqueue(key, 'b');
    expect(h.batches).toHaveLength(2); // one throttled start; c2 and c3 wait in the queue
    expect(h.scheduler.pendingCount).toBe(2);
    await iteration();
    expect(h.batches).toHaveLength(2); // no per-iteration pump while throttled
    await until(() => h.batches.length === 3); // the next one after the interval
    overloaded = false;
    await until(() => h.batches.length === 4);
    for (let i = 1; i <= 4; i++) await h.release(i);
    await until(() => h.scheduler.runningCount === 0 && h.scheduler.pendingCount === 0);
    expect(h.batches.map((b) => b.key)).toEqual(['c0', 'c1', 'c2', 'c3']);
  });

  it('keeps answering under permanent overload, coalescing what waits meanwhile', async () => {
    const h = harness({ load: { overloaded: () => true } });
    for (let round = 0; round < 3; round++)
      for (const key of ['c1', 'c2', 'c3']) h.scheduler.enqueue(key, `${key}-${round}`);
    const answered = () => h.batches.flatMap((b) => b.items);
    let released = 0;
    while (answered().length < 9) await h.release(++released);
    while (released < h.batches.length) await h.release(++released);
    await until(() => h.scheduler.runningCount === 0 && h.scheduler.pendingCount === 0);
    expect(answered().sort()).toEqual([
      'c1-0',
      'c1-1',
      'c1-2',
      'c2-0',
      'c2-1',
      'c2-2',
      'c3-0',
      'c3-1',
      'c3-2',
    ]);
    // Fewer turns than messages: what waited was answered together.
    expect(h.batches.length).toBeLessThan(9);
    expect(h.drops).toEqual([]);
  });
});
