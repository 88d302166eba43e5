/**
 * Framework-neutral conversation history, kept per conversation in the
 * {@link SessionStore}. Adapters translate it to their framework's message format.
 */
export type HistoryItem = UserHistoryItem | AssistantHistoryItem | ToolHistoryItem;

/** What the customer said or wrote. */
export interface UserHistoryItem {
  role: 'user';
  content: string;
}

/**
 * What the agent said. After a barge-in `content` is what the caller actually
 * heard (`utteranceUntilInterrupt`), not what the model wrote, and `interrupted` is true.
 */
export interface AssistantHistoryItem {
  role: 'assistant';
  content: string;
  interrupted?: boolean;
}

/**
 * One tool execution in a turn. A tool running when the turn is aborted is
 * recorded as `cancelled` (never left as a dangling call without a result).
 */
export interface ToolHistoryItem {
  role: 'tool';
  toolCallId: string;
  toolName: string;
  input: unknown;
  status: 'completed' | 'error' | 'cancelled';
  /** The result given to the model (status `completed`). */
  output?: unknown;
  /** The error given to the model (status `error` or `cancelled`). */
  error?: string;
}
