import type { ChannelType } from '../channels/channel-type.ts';
import type { TACErrorCode } from '../errors/index.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';

/** A JSON Schema object (as sent to models). */
export type JSONSchema = Record<string, unknown>;

/** What a tool's `execute` receives besides its arguments: bound per call, never captured at definition. */
export interface ToolContext {
  tac: TAC;
  session: ConversationSession;
  channel: ChannelType;
  /** Fires on barge-in, a newer message, turn timeout or shutdown. */
  signal: AbortSignal;
  /** The model's id for this call, when the framework provides one. */
  toolCallId?: string;
}

/** Result of validating tool arguments. */
export type ToolValidation<I> = { success: true; data: I } | { success: false; error: string };

/**
 * The neutral tool spec every adapter consumes: defined once, executed with a
 * per-conversation {@link ToolContext}.
 */
// biome-ignore lint/suspicious/noExplicitAny: tool lists mix input types; `unknown` would reject every typed tool.
export interface TACTool<I = any, O = unknown> {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments (type `object`). */
  readonly parameters: JSONSchema;
  /** Validate raw arguments from a model. */
  validate(input: unknown): ToolValidation<I>;
  execute(input: I, context: ToolContext): Promise<O> | O;
  /**
   * Called by `tac.useAgent` at registration so misconfiguration fails at
   * start-up (e.g. the handoff tool without a Studio flow SID).
   */
  assertUsable?(tac: TAC): void;
  /**
   * Optional async warm-up after registration (e.g. the knowledge tool reads
   * its knowledge base's description). Best effort: never throws, and the tool
   * works without it.
   */
  prepare?(tac: TAC): Promise<void>;
  /** `{type:'function', function:{name, description, parameters}}`. */
  toOpenAIFormat(): {
    type: 'function';
    function: { name: string; description: string; parameters: JSONSchema };
  };
  /** `{name, description, input_schema}`. */
  toAnthropicFormat(): { name: string; description: string; input_schema: JSONSchema };
  toJSON(): { name: string; description: string; parameters: JSONSchema };
}

/**
 * Outcome of one tool execution as given back to the model. A failure is a
 * result, not a crash; `code` says which kind (`TAC_ERR_TOOL_INVALID_ARGS`,
 * `TAC_ERR_TOOL_FAILED`, or `TAC_ERR_ABORTED` when the turn was aborted).
 * From `invokeTool`, `output` is JSON-safe and bounded in size, as the model
 * reads it and history stores it.
 */
export type ToolResult = { ok: true; output: unknown } | { ok: false; error: string; code?: TACErrorCode };
