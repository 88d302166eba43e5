import type { ChannelType, MemoryMode } from './channel-type.ts';

/** A Conversation Orchestrator webhook envelope. */
export interface OrchestratorEvent {
  eventType: string;
  timestamp?: string;
  data: Record<string, unknown>;
}

/** Options for {@link Channel.sendResponse}. */
export interface SendResponseOptions {
  /** Stops a streamed reply (barge-in, newer message). */
  signal?: AbortSignal;
}

/**
 * What every channel offers the runtime. Voice and messaging channels add
 * their own methods (outbound, call control).
 */
export interface Channel {
  readonly type: ChannelType;
  readonly memoryMode: MemoryMode;
  /**
   * Send a reply in a conversation: a string, or a stream of text deltas
   * (voice speaks them as they come; messaging sends the whole text). Resolves
   * with the text actually sent.
   */
  sendResponse(
    conversationId: string,
    response: string | AsyncIterable<string>,
    options?: SendResponseOptions,
  ): Promise<string>;
  /** Handle an Orchestrator webhook event addressed to this channel. */
  processWebhook?(event: OrchestratorEvent, meta: { idempotencyToken?: string }): Promise<void>;
  /** Wait for in-flight turns and open calls to finish (graceful shutdown). */
  drain?(timeoutMs: number): Promise<void>;
  /** True when this channel tracks the conversation (routing of CONVERSATION_UPDATED). */
  hasConversation?(conversationId: string): Promise<boolean> | boolean;
}
