import type { HistoryItem } from '../turn/history.ts';
import type { ConversationSession } from './conversation-session.ts';
import type { SessionStore } from './session-store.ts';

/** Default {@link SessionStore}: process-local maps. Sessions are deleted when their conversation ends. */
export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, ConversationSession>();
  private readonly history = new Map<string, HistoryItem[]>();

  async get(conversationId: string): Promise<ConversationSession | undefined> {
    return this.sessions.get(conversationId);
  }

  async set(session: ConversationSession): Promise<void> {
    this.sessions.set(session.conversationId, session);
  }

  async delete(conversationId: string): Promise<void> {
    this.sessions.delete(conversationId);
    this.history.delete(conversationId);
  }

  async size(): Promise<number> {
    return this.sessions.size;
  }

  async getHistory(conversationId: string): Promise<HistoryItem[]> {
    return [...(this.history.get(conversationId) ?? [])];
  }

  async setHistory(conversationId: string, items: readonly HistoryItem[]): Promise<void> {
    this.history.set(conversationId, [...items]);
  }

  async appendHistory(conversationId: string, items: readonly HistoryItem[], maxItems = 200): Promise<void> {
    const list = this.history.get(conversationId) ?? [];
    list.push(...items);
    if (list.length > maxItems) list.splice(0, list.length - maxItems);
    this.history.set(conversationId, list);
  }
}
