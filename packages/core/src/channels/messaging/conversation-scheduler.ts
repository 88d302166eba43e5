import { TurnAbortReason } from '../../turn/turn-abort.ts';
import type { LoadSignal } from './event-loop-load.ts';

/**
 * What happens to customer messages that arrive while a turn of the same
 * conversation runs:
 * - `coalesce` (default): they wait, and are answered together in ONE next turn;
 * - `queue`: one turn per message, in order;
 * - `interrupt`: the running turn is aborted (`superseded`) unless its reply is
 *   already being sent, and one new turn answers everything not yet answered.
 */
export type BurstPolicy = 'coalesce' | 'queue' | 'interrupt';

/** How a batch ended: answered (or given up), or aborted before its reply went out and to be answered again. */
export type BatchOutcome = 'done' | 'superseded';

/** Why the scheduler dropped a message without answering it. */
export type DropReason = 'overloaded' | 'conversation-overflow' | 'cancelled' | 'shutdown';

/** Settings of a {@link ConversationScheduler}. */
export interface ConversationSchedulerOptions<T> {
  policy: BurstPolicy;
  /** Wait this long after the first message before starting a turn, to catch a burst. @defaultValue 0 */
  burstWindowMs?: number;
  /** Turns running at once across all conversations; further turns wait their turn (FIFO). */
  maxConcurrentTurns: number;
  /** Messages waiting across all conversations; beyond it new messages are dropped and reported. */
  maxPendingMessages: number;
  /** Messages waiting in one conversation; beyond it that conversation's oldest waiting one is dropped. */
  maxPendingPerConversation: number;
  /** Answer a batch. Must not throw (it is the channel's turn); a throw counts as `done`. */
  process: (key: string, items: T[], signal: AbortSignal) => Promise<BatchOutcome>;
  /** Told about every message dropped unanswered. */
  onDrop: (key: string, item: T, reason: DropReason) => void;
  /** Told when `process` throws anyway. */
  onError?: (key: string, error: unknown) => void;
  /**
   * Admission control: while it reports overload, one turn starts every
   * {@link OVERLOADED_START_INTERVAL_MS} (or whenever none runs) and the
   * rest wait in the bounded queue, so the process keeps its CPU for
   * accepting requests. @defaultValue never overloaded
   */
  load?: LoadSignal;
}

/** Turns started per event-loop iteration; the next ones start after the loop has served pending I/O. */
export const STARTS_PER_ITERATION = 8;
/** While overloaded, one turn starts this often (so turns never starve; coalescing makes each one count). */
export const OVERLOADED_START_INTERVAL_MS = 10;

interface ConversationState<T> {
  pending: T[];
  active: boolean;
  controller: AbortController | undefined;
  cancelled: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Per-conversation ordering with global backpressure: each conversation has at
 * most one turn running; messages arriving meanwhile are buffered and batched
 * by the {@link BurstPolicy}; a global cap on concurrent turns and on waiting
 * messages keeps an overloaded server acknowledging webhooks quickly while
 * turns queue. Nothing is dropped silently: `onDrop` hears about each message.
 *
 * Admission: a turn starts at once when admitted, but at most
 * {@link STARTS_PER_ITERATION} per event-loop iteration (the rest start from
 * `setImmediate`, after the loop served the requests waiting on its sockets),
 * and while `load` reports overload only one every 10 ms (or whenever none
 * runs): the queue, not the request path, absorbs the excess, drops past its
 * bounds, and bursts coalesce meanwhile.
 */
export class ConversationScheduler<T> {
  private readonly options: ConversationSchedulerOptions<T>;
  private readonly states = new Map<string, ConversationState<T>>();
  private readonly slotWaiters: (() => void)[] = [];
  private running = 0;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  /** Turns started since the event loop last reached the check phase (reset by `setImmediate`). */
  private startsThisIteration = 0;
  private lastThrottledStart = Number.NEGATIVE_INFINITY;
  private throttledUntil = Number.NEGATIVE_INFINITY;
  private immediatePending = false;
  private timerPending = false;
  private readonly onImmediate = () => {
    this.immediatePending = false;
    this.startsThisIteration = 0;
    this.pump();
  };
  private readonly onTimer = () => {
    this.timerPending = false;
    this.pump();
  };

  constructor(options: ConversationSchedulerOptions<T>) {
    this.options = options;
  }

  /** Messages waiting for a turn, across conversations. */
  get pendingCount(): number {
    return this.pending;
  }

  /** Turns running now. */
  get runningCount(): number {
    return this.running;
  }

  /** True while a conversation has a running turn or waiting messages. */
  has(key: string): boolean {
    return this.states.has(key);
  }

  /**
   * Add a message to its conversation. Returns false when it was dropped
   * (scheduler closed or overloaded; `onDrop` was called). Synchronous, so
   * messages keep their arrival order.
   */
  enqueue(key: string, item: T): boolean {
    if (this.closed) {
      this.options.onDrop(key, item, 'shutdown');
      return false;
    }
    if (this.pending >= this.options.maxPendingMessages) {
      this.options.onDrop(key, item, 'overloaded');
      return false;
    }
    let state = this.states.get(key);
    // A cancelled conversation's worker is winding down; a new message starts afresh.
    if (!state || state.cancelled) {
      state = { pending: [], active: false, controller: undefined, cancelled: false };
      this.states.set(key, state);
    }
    if (state.pending.length >= this.options.maxPendingPerConversation) {
      // The newest text matters most in a flood, so the oldest waiting message goes.
      const dropped = state.pending.shift() as T;
      this.pending--;
      this.options.onDrop(key, dropped, 'conversation-overflow');
    }
    state.pending.push(item);
    this.pending++;
    if (this.options.policy === 'interrupt' && state.controller && !state.controller.signal.aborted) {
      state.controller.abort(new TurnAbortReason('superseded'));
    }
    if (!state.active) {
      state.active = true;
      void this.work(key, state);
    }
    return true;
  }

  /** Stop a conversation: abort its running turn and drop what waits (e.g. the conversation CLOSED). */
  cancel(key: string): void {
    const state = this.states.get(key);
    if (!state) return;
    state.cancelled = true;
    const dropped = state.pending.splice(0);
    this.pending -= dropped.length;
    for (const item of dropped) this.options.onDrop(key, item, 'cancelled');
    state.controller?.abort(new TurnAbortReason('shutdown'));
    if (!state.active) this.states.delete(key);
  }

  /**
   * Stop accepting messages and wait for running and waiting turns; after
   * `timeoutMs` abort what still runs (reason `shutdown`) and drop what waits.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.states.size === 0) return;
    if (await this.idleWithin(timeoutMs)) return;
    for (const key of [...this.states.keys()]) {
      const state = this.states.get(key);
      if (!state) continue;
      state.cancelled = true;
      const dropped = state.pending.splice(0);
      this.pending -= dropped.length;
      for (const item of dropped) this.options.onDrop(key, item, 'shutdown');
      state.controller?.abort(new TurnAbortReason('shutdown'));
    }
    // Aborted turns end promptly (the turn runner races the signal); give them a moment.
    await this.idleWithin(1_000);
  }

  /** Resolves true once no conversation is active, false after `ms`. */
  private async idleWithin(ms: number): Promise<boolean> {
    if (this.states.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([idle, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Take a turn slot: at once when admitted and nobody waits before us
   * (undefined), otherwise a promise the pump resolves, FIFO, once it counted
   * us in `running`.
   */
  private acquireSlot(): Promise<void> | undefined {
    if (this.slotWaiters.length === 0 && this.admit()) return undefined;
    const slot = new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.rearm();
    return slot;
  }

  private releaseSlot(): void {
    this.running--;
    this.rearm();
  }

  /**
   * Whether one more turn may start now (counted in `running` if so). With
   * none running a turn always starts, whatever the load: at least one is in
   * flight while messages wait. Otherwise at most {@link STARTS_PER_ITERATION}
   * start per event-loop iteration, and while the process is overloaded one
   * per {@link OVERLOADED_START_INTERVAL_MS}.
   */
  private admit(): boolean {
    if (this.running >= this.options.maxConcurrentTurns) return false;
    if (this.running > 0) {
      if (this.startsThisIteration >= STARTS_PER_ITERATION) return false;
      if (this.options.load?.overloaded()) {
        const next = this.lastThrottledStart + OVERLOADED_START_INTERVAL_MS;
        if (performance.now() < next) {
          this.throttledUntil = next;
          return false;
        }
        this.lastThrottledStart = performance.now();
      }
    }
    this.running++;
    // The first start of an iteration arms the reset (and a pump) for the next one.
    if (this.startsThisIteration++ === 0) this.scheduleImmediate();
    return true;
  }

  /** Start waiting turns, FIFO, as far as {@link admit} allows. */
  private pump(): void {
    while (this.slotWaiters.length > 0 && this.admit()) (this.slotWaiters.shift() as () => void)();
    this.rearm();
  }

  /**
   * Make sure the pump runs again when waiting turns could start: after the
   * event loop served pending I/O (`setImmediate`), or when the overload
   * throttle allows the next start. A full house waits for a release instead.
   */
  private rearm(): void {
    if (this.slotWaiters.length === 0 || this.running >= this.options.maxConcurrentTurns) return;
    const wait = this.throttledUntil - performance.now();
    if (wait <= 0) this.scheduleImmediate();
    else if (!this.timerPending) {
      this.timerPending = true;
      setTimeout(this.onTimer, Math.ceil(wait));
    }
  }

  private scheduleImmediate(): void {
    if (this.immediatePending) return;
    this.immediatePending = true;
    setImmediate(this.onImmediate);
  }

  private async work(key: string, state: ConversationState<T>): Promise<void> {
    try {
      while (state.pending.length > 0 && !state.cancelled) {
        const window = this.options.burstWindowMs ?? 0;
        if (window > 0 && this.options.policy !== 'queue') await sleep(window);
        const slot = this.acquireSlot();
        if (slot) await slot;
        try {
          if (state.cancelled || state.pending.length === 0) continue;
          const items =
            this.options.policy === 'queue' ? state.pending.splice(0, 1) : state.pending.splice(0);
          this.pending -= items.length;
          const controller = new AbortController();
          state.controller = controller;
          let outcome: BatchOutcome = 'done';
          try {
            outcome = await this.options.process(key, items, controller.signal);
          } catch (error) {
            this.options.onError?.(key, error);
          } finally {
            state.controller = undefined;
          }
          if (outcome === 'superseded') {
            if (state.cancelled || this.closed) {
              for (const item of items)
                this.options.onDrop(key, item, this.closed ? 'shutdown' : 'cancelled');
            } else {
              // Not answered yet: answer these first, together with what arrived meanwhile.
              state.pending.unshift(...items);
              this.pending += items.length;
            }
          }
        } finally {
          this.releaseSlot();
        }
      }
    } finally {
      state.active = false;
      if (this.states.get(key) === state) this.states.delete(key);
      if (this.states.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}
