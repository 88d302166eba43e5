import type { HistoryItem } from '../turn/history.ts';
import type { ConversationSession } from './conversation-session.ts';

/**
 * Where sessions and per-conversation history live. Async throughout so a
 * shared store (Redis) can back several TAC instances.
 */
export interface SessionStore {
  get(conversationId: string): Promise<ConversationSession | undefined>;
  set(session: ConversationSession): Promise<void>;
  /** Remove the session and its history. */
  delete(conversationId: string): Promise<void>;
  /** Number of sessions held (for cleanup checks and metrics). */
  size(): Promise<number>;
  getHistory(conversationId: string): Promise<HistoryItem[]>;
  /** Append items; keeps at most `maxItems` of the newest (whole turns are the caller's concern). */
  appendHistory(conversationId: string, items: readonly HistoryItem[], maxItems?: number): Promise<void>;
  /**
   * Replace the whole history (e.g. to trim the last reply to what the caller
   * heard when they barged in after it was sent). Optional: without it, that
   * trimming is skipped.
   */
  setHistory?(conversationId: string, items: readonly HistoryItem[]): Promise<void>;
  /** Release resources (connections). */
  close?(): Promise<void>;
}
