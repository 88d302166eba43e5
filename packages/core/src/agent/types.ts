import type { ChannelType } from '../channels/channel-type.ts';
import type { ConversationSession } from '../session/index.ts';
import type { JSONSchema, TACTool, ToolResult } from '../tools/types.ts';
import type { HistoryItem } from '../turn/history.ts';

/** Options an adapter passes with one tool call. */
export interface BoundToolCallOptions {
  /** The model's id for this call; recorded in history so the next turn can pair call and result. */
  toolCallId?: string;
  /**
   * 1-based index of the model call (step) that asked for this tool, when the
   * framework knows it. Core refuses calls beyond `maxToolRounds`; without it,
   * core counts a new round whenever a call starts while no other call of the
   * turn is running.
   */
  round?: number;
}

/**
 * A tool bound to one turn: validation, context, events, history and limits are
 * handled by core; the adapter only forwards the model's call.
 */
export interface BoundTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: JSONSchema;
  /** The neutral tool (for adapters that want its zod-free validator or formats). */
  readonly tool: TACTool;
  /** Run the tool for the model. Never throws: failures come back as `{ ok: false, error }`. */
  execute(input: unknown, options?: BoundToolCallOptions): Promise<ToolResult>;
}

/** Everything an adapter needs for one turn. */
export interface AgentTurnInput {
  /** System prompt: the agent's instructions composed with the customer's memory (MemoryPromptBuilder). */
  instructions: string;
  /**
   * Compose any base instructions with this turn's memory, exactly as
   * `instructions` was composed from the agent's own. For adapters that run
   * several agents in one turn (OpenAI Agents handoffs), each with its own prompt.
   */
  composeInstructions?(base: string): string;
  /** Earlier turns of this conversation, oldest first. */
  history: readonly HistoryItem[];
  /** The customer's new message (several coalesced messages are joined with newlines). */
  message: string;
  tools: readonly BoundTool[];
  /** Fires on barge-in, a newer message, the turn timeout or shutdown: cancel the model with it. */
  signal: AbortSignal;
  /**
   * The conversation's session. An adapter may keep per-conversation state in
   * `session.metadata` (namespace its keys, e.g. `openaiAgents.activeAgent`):
   * core writes what the turn changed there back through the session store
   * when the turn ends (unless the conversation ended meanwhile), and the next
   * turn sees it, whatever the store.
   */
  session: ConversationSession;
  channel: ChannelType;
  /** Upper bound on model→tool→model rounds in this turn. */
  maxToolRounds: number;
  /** Id of the turn (as in `tac.events`), for logs. */
  turnId?: string;
}

/**
 * An agent any channel can serve. Adapters (`@tac/ai-sdk`, `@tac/openai-agents`,
 * `@tac/langchain`) build one from their framework; `tac.useAgent(agent)` runs it.
 */
export interface TACAgent {
  /** Human-readable name for logs. */
  readonly name: string;
  /** TAC tools the agent can call (checked at registration). */
  readonly tools: readonly TACTool[];
  /** Base instructions, composed with memory by core. */
  readonly instructions?: string;
  /** Stream one turn as text deltas. Stop promptly when `input.signal` fires. */
  stream(input: AgentTurnInput): AsyncIterable<string>;
}
