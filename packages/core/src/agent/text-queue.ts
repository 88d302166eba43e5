/**
 * A single-consumer async queue of text deltas. The agent turn runs on its own
 * (so history is written even if nobody reads the stream to the end) and pushes
 * here; the channel reads at its own pace.
 */
export class TextQueue implements AsyncIterable<string> {
  private readonly buffer: string[] = [];
  private waiter: { resolve: (r: IteratorResult<string>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private closed = false;

  /** Queue a delta (dropped once the consumer stopped reading). */
  push(text: string): void {
    if (this.closed || this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: text, done: false });
    } else {
      this.buffer.push(text);
    }
  }

  /** No more deltas. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiter && this.buffer.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  /** End with an error: the consumer's next read throws it (after buffered deltas). */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.ended = true;
    if (this.waiter && this.buffer.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => {
        const value = this.buffer.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.failure) {
          const { error } = this.failure;
          this.failure = undefined;
          return Promise.reject(error);
        }
        if (this.ended || this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
      return: () => {
        this.closed = true;
        this.buffer.length = 0;
        if (this.waiter) {
          const w = this.waiter;
          this.waiter = undefined;
          w.resolve({ value: undefined, done: true });
        }
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
