/**
 * Signal-aware async primitives shared by the turn, voice delivery and memory: a
 * producer or API that ignores its AbortSignal must never hold a customer's turn.
 */
/** Marker for "the signal fired first". */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Each `next()` of one iterator raced against `signal`, so a producer that
 * ignores the signal can't hold a turn or a call's delivery loop (it keeps
 * running unobserved and is returned later). One abort listener serves the
 * iterator's whole life: adding and removing one per token is measurable on
 * the voice hot path. For one consumer awaiting one `next()` at a time (a
 * `for await` shape); call {@link AbortableIterator.dispose} when done.
 */
export class AbortableIterator<T> {
  private readonly it: AsyncIterator<T>;
  private readonly signal: AbortSignal;
  /** Resolves the `next()` in flight with ABORTED. */
  private pending: ((value: typeof ABORTED) => void) | undefined;
  private readonly onAbort = (): void => {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(ABORTED);
  };

  constructor(it: AsyncIterator<T>, signal: AbortSignal) {
    this.it = it;
    this.signal = signal;
    if (!signal.aborted) signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The iterator's next result, or {@link ABORTED} as soon as the signal fires (the producer is not waited for). */
  next(): Promise<IteratorResult<T> | typeof ABORTED> {
    if (this.signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve, reject) => {
      this.pending = resolve;
      // `for await` accepts an iterator whose next() returns a plain result: so do we.
      Promise.resolve(this.it.next()).then(
        (r) => {
          if (this.pending === resolve) this.pending = undefined;
          resolve(r);
        },
        (e) => {
          if (this.pending === resolve) this.pending = undefined;
          reject(e);
        },
      );
    });
  }

  /** Remove the abort listener (idempotent). */
  dispose(): void {
    this.pending = undefined;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}

/** Settle with `promise`, or reject with the signal's reason as soon as it fires. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Resolve with `promise` or after `ms`, whichever comes first (never rejects). */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      () => {
        clearTimeout(t);
        resolve();
      },
    );
  });
}
