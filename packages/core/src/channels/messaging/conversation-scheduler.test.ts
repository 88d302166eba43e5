import { describe, expect, it } from 'vitest';
import { turnAbortReasonOf } from '../../turn/turn-abort.ts';
import {
  type BatchOutcome,
  ConversationScheduler,
  type ConversationSchedulerOptions,
  type DropReason,
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
