import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type AIMessageChunk, type BaseMessage, isBaseMessage, ToolMessage } from '@langchain/core/messages';
import type { Runnable, RunnableConfig } from '@langchain/core/runnables';
import type { StreamEvent } from '@langchain/core/tracers/log_stream';
import {
  type AgentTurnInput,
  isTACTool,
  type TACAgent,
  TACError,
  TACErrorCode,
  type TACTool,
  toolResultText,
} from '@tac/core';
import { z } from 'zod';
import { assertGraphFits } from './assert-graph-fits.ts';
import { TAC_TURN_KEY, type TACTurnData } from './tac-runnable-config.ts';
import { toLangChainMessages } from './to-langchain-messages.ts';
import { toLangChainTools } from './to-langchain-tools.ts';
import { toolRequestsOf } from './tool-requests.ts';

/** Options of {@link createRunnableAgent}. */
export interface RunnableAgentOptions {
  /** TAC tools: bound to a chat model by the adapter, or (for a graph) given to it with `toLangChainTools`. @defaultValue [] */
  tools?: readonly TACTool[];
  /** Name for logs. @defaultValue `langchain:<runnable name>` (a graph's `name`, or `ReactAgent`) */
  name?: string;
  /** System prompt, composed with memory by core and sent as the first `SystemMessage` (omitted when empty). */
  instructions?: string;
  /**
   * What a runnable that is not a bare chat model receives: `messages` (a
   * `BaseMessage[]`, as chat models and their bindings take) or `state`
   * (`{ messages }`, as prompts with a `MessagesPlaceholder('messages')` and
   * `createAgent` graphs take).
   * @defaultValue `messages` when the runnable wraps a chat model, otherwise `state`
   */
  inputShape?: 'messages' | 'state';
  /**
   * Merged into every call (callbacks, tags, metadata, recursionLimit, configurable).
   * `signal` is always the turn's.
   * @defaultValue `{ recursionLimit: max(25, 4 × (maxToolRounds + 1)) }`
   */
  config?: RunnableConfig;
}

// biome-ignore lint/suspicious/noExplicitAny: any runnable shape can be served.
type AnyRunnable = Runnable<any, any>;

/**
 * What the adapter needs of a `createAgent` graph (LangChain's `ReactAgent`,
 * which is not a `Runnable`): `streamEvents` with `version: 'v2'`.
 */
export interface StreamEventsGraph {
  // biome-ignore lint/suspicious/noExplicitAny: graph state and config types vary with the graph.
  streamEvents(input: any, config: any): AsyncIterable<StreamEvent>;
}

/** Anything {@link createRunnableAgent} serves. */
export type ServableRunnable = AnyRunnable | StreamEventsGraph;

const OptionsSchema = z.strictObject({
  tools: z
    .array(z.custom<TACTool>(isTACTool, 'expected a TAC tool from defineTool() or a built-in tool'))
    .optional(),
  name: z.string().min(1).optional(),
  instructions: z.string().optional(),
  inputShape: z.enum(['messages', 'state']).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

function isChatModel(value: unknown): value is BaseChatModel {
  const v = value as { bindTools?: unknown; _streamResponseChunks?: unknown; lc_namespace?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.bindTools === 'function' &&
    typeof v._streamResponseChunks === 'function' &&
    Array.isArray(v.lc_namespace) &&
    v.lc_namespace.includes('chat_models')
  );
}

/** A chat model under `.bind*()`, `.withConfig()`, `.withRetry()` or `.withFallbacks()` still takes messages. */
function wrapsChatModel(value: unknown): boolean {
  let current = value as { bound?: unknown; runnable?: unknown } | undefined;
  for (let depth = 0; current && depth < 8; depth++) {
    if (isChatModel(current)) return true;
    current = (current.bound ?? current.runnable) as typeof current;
  }
  return false;
}

function isAIMessageLike(value: unknown): value is AIMessageChunk {
  return isBaseMessage(value) && value.getType() === 'ai';
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (isBaseMessage(chunk)) return chunk.text;
  return '';
}

/** Stream a chat model: text deltas out, the whole message (with its tool calls) as the return value. */
async function* modelStep(
  model: AnyRunnable,
  messages: BaseMessage[],
  config: RunnableConfig,
): AsyncGenerator<string, unknown> {
  let full: AIMessageChunk | undefined;
  for await (const chunk of await model.stream(messages, config)) {
    if (isAIMessageLike(chunk)) full = full ? full.concat(chunk) : chunk;
    const text = chunkText(chunk);
    if (text) yield text;
  }
  return full;
}

/**
 * The turn's bound on model→tool rounds for runnables that loop on their own
 * (a `createAgent` graph): the adapter counts model calls that ask for tools
 * and stops the run at the first one beyond `maxToolRounds`.
 */
interface RoundLimit {
  readonly max: number;
  /** Model calls so far that asked for tools. */
  toolRounds: number;
  /** Aborts the run when the bound is reached (combined with the turn's signal). */
  readonly stop: AbortController;
}

/** The output of a chat-model run, as reported in `on_chat_model_end`. */
function toolCallsOf(output: unknown): number {
  return isAIMessageLike(output) ? (output.tool_calls?.length ?? 0) : 0;
}

/**
 * Stream any runnable through `streamEvents` v2: chat-model tokens (models
 * tagged `nostream` excluded), or the root's string chunks when no chat model
 * ran (plain code such as a `RunnableLambda`). Returns the root's output, or
 * `undefined` when the run was stopped at the round limit.
 */
async function* eventsStep(
  runnable: ServableRunnable,
  payload: unknown,
  config: RunnableConfig,
  limit: RoundLimit,
): AsyncGenerator<string, unknown> {
  let sawModel = false;
  let output: unknown;
  // The first event is the root run's start; its run id tells root events from nested ones.
  let rootRunId: string | undefined;
  for await (const event of runnable.streamEvents(payload, { ...config, version: 'v2' })) {
    rootRunId ??= event.run_id;
    const root = event.run_id === rootRunId;
    if (event.event === 'on_chat_model_start') sawModel = true;
    if (event.event === 'on_chat_model_stream') {
      if (event.tags?.includes('nostream')) continue;
      const text = chunkText(event.data?.chunk);
      if (text) yield text;
    } else if (event.event === 'on_chain_stream' && root && !sawModel) {
      const chunk = event.data?.chunk;
      if (typeof chunk === 'string' && chunk) yield chunk;
    } else if (root && (event.event === 'on_chain_end' || event.event === 'on_chat_model_end')) {
      output = event.data?.output;
    }
    if (event.event === 'on_chat_model_end' && toolCallsOf(event.data?.output) > 0) {
      limit.toolRounds++;
      if (limit.toolRounds > limit.max) {
        // A graph would run these calls and ask the model again: stop it here. Its
        // signal (not a `break`) is what stops a graph that already moved on.
        limit.stop.abort(new Error(`tool round limit (${limit.max}) reached`));
        return undefined;
      }
    }
  }
  return output;
}

/** A name for logs: the runnable's own, a `createAgent` graph's `name` option, or its class. */
function runnableName(runnable: ServableRunnable): string {
  if ('getName' in runnable && typeof runnable.getName === 'function') return runnable.getName();
  const graph = runnable as { options?: { name?: unknown }; constructor?: { name?: string } };
  return typeof graph.options?.name === 'string'
    ? graph.options.name
    : (graph.constructor?.name ?? 'runnable');
}

/** LangGraph's error for a run that exceeded `recursionLimit` (matched by name: no langgraph import). */
function isRecursionLimit(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'GraphRecursionError';
}

/**
 * Serve any LangChain.js runnable on every TAC channel:
 * `tac.useAgent(createRunnableAgent(runnable, { tools }))`.
 *
 * - A chat model (with `bindTools`): the adapter binds the TAC tools and runs
 *   the tool loop itself (stream, run the calls through core, `ToolMessage`s,
 *   again), bounded by `maxToolRounds`.
 * - A chain (prompt | model, a model binding): streamed with `streamEvents`;
 *   when its result carries tool calls, the adapter runs them and calls the
 *   chain again with the results, the same way.
 * - A `createAgent` graph: it runs its own loop. Build it with
 *   `createAgent({ model, tools: toLangChainTools(tools) })` and pass the same
 *   `tools` here (checked at construction), so TAC tools run bound to the turn
 *   (it travels in `config.configurable`); your own LangChain tools may sit
 *   next to them (they run, but only TAC tools are recorded in history). Give
 *   the instructions here, not as `systemPrompt` (core composes memory into
 *   them), and no checkpointer (TAC passes the history every turn). The
 *   adapter stops the graph when a model call beyond `maxToolRounds` asks for
 *   tools; a `GraphRecursionError` (`config.recursionLimit`) ends the turn the
 *   same quiet way.
 *
 * Cancellation goes through `config.signal`; LangChain throws on abort, which
 * ends the turn quietly.
 *
 * @example
 * ```ts
 * import { ChatOpenAI } from '@langchain/openai';
 * tac.useAgent(createRunnableAgent(new ChatOpenAI({ model: 'gpt-4o-mini' }), {
 *   instructions: 'Be brief.', tools: [lookupOrder],
 * }));
 * ```
 */
export function createRunnableAgent(
  runnable: ServableRunnable,
  options: RunnableAgentOptions = {},
): TACAgent {
  if (typeof runnable?.streamEvents !== 'function') {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      'createRunnableAgent(runnable): expected a LangChain Runnable (a chat model, a chain, or a createAgent graph).',
    );
  }
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new TACError(TACErrorCode.INVALID_ARGUMENT, `createRunnableAgent: ${problems.join('; ')}`);
  }
  const tools = options.tools ?? [];
  assertGraphFits(runnable, tools);
  const chatModel = isChatModel(runnable) ? runnable : undefined;
  const shape = options.inputShape ?? (wrapsChatModel(runnable) ? 'messages' : 'state');
  const lcTools = toLangChainTools(tools);

  async function* turn(input: AgentTurnInput, limit: RoundLimit): AsyncGenerator<string> {
    const data: TACTurnData = { input, tools: new Map(input.tools.map((t) => [t.name, t])) };
    const config: RunnableConfig = {
      // Room for every allowed round of a graph (model and tool nodes, plus a few
      // middleware nodes); the adapter's own round count is the real bound.
      recursionLimit: Math.max(25, 4 * (input.maxToolRounds + 1)),
      ...options.config,
      signal: AbortSignal.any([input.signal, limit.stop.signal]),
      configurable: { ...options.config?.configurable, [TAC_TURN_KEY]: data },
    };
    const messages = toLangChainMessages(input.instructions, input.history, input.message);
    // Bound per turn: tool descriptions may have been refined since the last one.
    const withTools =
      chatModel && lcTools.length > 0 ? (chatModel.bindTools?.(lcTools) ?? chatModel) : chatModel;
    for (let round = 1; ; round++) {
      const final = withTools
        ? yield* modelStep(withTools, messages, config)
        : yield* eventsStep(runnable, shape === 'messages' ? messages : { messages }, config, limit);
      if (!isAIMessageLike(final)) return;
      const { requests, message } = toolRequestsOf(final);
      // The round after the last allowed one is for the answer: further calls are ignored.
      if (requests.length === 0 || round > input.maxToolRounds) return;
      messages.push(message);
      const results = await Promise.all(
        requests.map(async (call) => {
          const bound = data.tools.get(call.name);
          const result = bound
            ? await bound.execute(call.args, { toolCallId: call.id, round })
            : { ok: false as const, error: `Unknown tool "${call.name}"; only TAC tools run in this loop.` };
          return new ToolMessage({
            tool_call_id: call.id ?? '',
            name: call.name,
            content: toolResultText(result),
            status: result.ok ? 'success' : 'error',
          });
        }),
      );
      messages.push(...results);
      // A barge-in, newer message or timeout while the tools ran: the turn is over, so no
      // further model call (LangChain would start it even on an aborted signal).
      if (input.signal.aborted) return;
    }
  }

  return {
    name: options.name ?? `langchain:${runnableName(runnable)}`,
    tools,
    instructions: options.instructions,
    async *stream(input) {
      const limit: RoundLimit = { max: input.maxToolRounds, toolRounds: 0, stop: new AbortController() };
      try {
        yield* turn(input, limit);
      } catch (error) {
        // LangChain's iterators throw the abort reason; an abort (the turn's, or ours at the
        // round limit) is a normal end of the turn. So is a graph's recursion limit: like the
        // round limit, it ends the turn with what was said (core fills in a short line if nothing).
        if (input.signal.aborted || limit.stop.signal.aborted || isRecursionLimit(error)) return;
        throw error;
      }
    },
  };
}
