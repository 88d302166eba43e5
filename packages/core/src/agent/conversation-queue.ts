/**
 * Orders agent work per conversation: a turn (or a history trim after a
 * barge-in) starts only once the previous one has written its history, so the
 * next turn's model sees what the caller actually heard.
 */
export class ConversationQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Take the next place in `conversationId`'s line. Resolves when it is our
   * turn; call `release` when done (history written). Entries never reject.
   */
  async enter(conversationId: string): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = this.tails.get(conversationId);
    this.tails.set(conversationId, mine);
    mine.then(() => {
      if (this.tails.get(conversationId) === mine) this.tails.delete(conversationId);
    });
    await before;
    return release;
  }

  /** Run `task` in `conversationId`'s line. */
  async run<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
    const release = await this.enter(conversationId);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
