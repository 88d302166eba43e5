import {
  type ConversationSession,
  type HistoryItem,
  InMemorySessionStore,
  type SessionStore,
} from '@tac/core';

/**
 * A {@link SessionStore} that hands out and keeps copies, like a store backed
 * by Redis or a database: a change to a session object is lost unless it is
 * written back with `set`. The in-memory store returns the very object it
 * holds, which hides a missing write.
 */
export class CopyingSessionStore implements SessionStore {
  private readonly inner = new InMemorySessionStore();
  /** Number of `set` calls (to see that a write happened). */
  writes = 0;

  async get(conversationId: string): Promise<ConversationSession | undefined> {
    const session = await this.inner.get(conversationId);
    return session && structuredClone(session);
  }

  async set(session: ConversationSession): Promise<void> {
    this.writes++;
    await this.inner.set(structuredClone(session));
  }

  delete(conversationId: string): Promise<void> {
    return this.inner.delete(conversationId);
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  async getHistory(conversationId: string): Promise<HistoryItem[]> {
    return structuredClone(await this.inner.getHistory(conversationId));
  }

  appendHistory(conversationId: string, items: readonly HistoryItem[], maxItems?: number): Promise<void> {
    return this.inner.appendHistory(conversationId, structuredClone(items), maxItems);
  }

  setHistory(conversationId: string, items: readonly HistoryItem[]): Promise<void> {
    return this.inner.setHistory(conversationId, structuredClone(items));
  }
}
