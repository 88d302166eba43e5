import { ToolMessage } from '@langchain/core/messages';
import { type DynamicStructuredTool, tool } from '@langchain/core/tools';
import {
  type BoundTool,
  bindTools,
  type ChannelType,
  type ConversationSession,
  type TAC,
  type TACTool,
  toolResultText,
} from '@tac/core';
import { turnOfConfig } from './tac-runnable-config.ts';

/** Marks a LangChain tool made by {@link toLangChainTools} with the name of its TAC tool. */
export const TAC_TOOL_MARK: unique symbol = Symbol.for('tac.langchain.tool');

/** The TAC tool name behind a LangChain tool made by {@link toLangChainTools}, if it is one. */
export function tacToolNameOf(lcTool: unknown): string | undefined {
  if (typeof lcTool !== 'object' || lcTool === null) return undefined;
  const name = (lcTool as { [TAC_TOOL_MARK]?: unknown })[TAC_TOOL_MARK];
  return typeof name === 'string' ? name : undefined;
}

interface ToolRuntimeLike {
  configurable?: Record<string, unknown>;
  context?: unknown;
  signal?: AbortSignal;
  toolCall?: { id?: string };
}

interface ContextFields {
  tac?: TAC;
  session?: ConversationSession;
  channel?: ChannelType;
  signal?: AbortSignal;
}

function boundFor(tacTool: TACTool, runtime: ToolRuntimeLike | undefined): BoundTool | string {
  const turn = turnOfConfig(runtime);
  if (turn) return turn.tools.get(tacTool.name) ?? `Tool "${tacTool.name}" is not available in this turn.`;
  const c = (runtime?.context ?? {}) as ContextFields;
  if (c.tac && c.session && c.channel) {
    const [bound] = bindTools([tacTool], {
      tac: c.tac,
      session: c.session,
      channel: c.channel,
      signal: runtime?.signal ?? c.signal ?? new AbortController().signal,
    });
    if (bound) return bound;
  }
  return (
    `Tool "${tacTool.name}" needs a TAC turn: use createRunnableAgent(), or pass the MessageReadyContext ` +
    'of your onMessageReady handler as the run context (agent.stream(input, { context: ctx })).'
  );
}

/**
 * LangChain tools that run TAC tools, for a `createAgent` graph or your own
 * chain. Inside `createRunnableAgent` they run bound to the turn (through
 * `config.configurable`); elsewhere pass the handler's `MessageReadyContext`
 * as the run `context`. A failure comes back as a `ToolMessage` with status
 * `error` and an `Error: …` text: a tool error is a result.
 *
 * @example
 * ```ts
 * const graph = createAgent({ model, tools: toLangChainTools([lookupOrder]) });
 * tac.useAgent(createRunnableAgent(graph, { tools: [lookupOrder] }));
 * ```
 */
export function toLangChainTools(tools: readonly TACTool[]): DynamicStructuredTool[] {
  return tools.map((tacTool) => {
    const lcTool = tool(
      async (args: unknown, runtime?: ToolRuntimeLike) => {
        const bound = boundFor(tacTool, runtime);
        const id = runtime?.toolCall?.id;
        const result =
          typeof bound === 'string'
            ? { ok: false as const, error: bound }
            : await bound.execute(args, { toolCallId: id });
        const content = toolResultText(result);
        if (!id) return content;
        return new ToolMessage({
          content,
          tool_call_id: id,
          name: tacTool.name,
          status: result.ok ? 'success' : 'error',
        });
      },
      {
        name: tacTool.name,
        description: tacTool.description,
        // Plain JSON Schema: LangChain passes it to the model as is; core validates the arguments.
        schema: tacTool.parameters as never,
      },
    ) as unknown as DynamicStructuredTool;
    // Some tools refine their description after start-up (the knowledge tool reads its knowledge base's).
    Object.defineProperty(lcTool, 'description', { get: () => tacTool.description, enumerable: true });
    // Lets createRunnableAgent check at start-up that a graph was built with these tools.
    Object.defineProperty(lcTool, TAC_TOOL_MARK, { value: tacTool.name });
    return lcTool;
  });
}
