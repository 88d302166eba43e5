import { EmulatorError, EmulatorErrorCode } from './emulator-error.ts';

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A FIFO that test code awaits: `next()` returns the oldest item not taken yet,
 * or waits for one. Items pushed before anyone waits are kept, so a reply that
 * arrives before `nextReply()` is called is never lost.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private closedWith: Error | undefined;
  private readonly what: string;

  /** @param what - described in timeout errors, e.g. "a reply to +1555…" */
  constructor(what: string) {
    this.what = what;
  }

  /** Add an item; hands it to the oldest waiter if there is one. */
  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(item);
    } else {
      this.items.push(item);
    }
  }

  /** Items pushed and not taken yet. */
  get pending(): readonly T[] {
    return this.items;
  }

  /** Take the next item, waiting up to `timeoutMs`. */
  next(timeoutMs: number): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(
            new EmulatorError(
              EmulatorErrorCode.TIMEOUT,
              `Timed out after ${timeoutMs} ms waiting for ${this.what}`,
              {
                context: { timeoutMs },
              },
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Fail current and future waiters (items already queued can still be taken). */
  close(error: Error): void {
    this.closedWith = error;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }
}
