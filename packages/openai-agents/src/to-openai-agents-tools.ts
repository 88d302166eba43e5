import { type FunctionTool, type RunContext, tool } from '@openai/agents';
import {
  type BoundTool,
  bindTools,
  type ChannelType,
  type ConversationSession,
  type TAC,
  type TACTool,
  toolResultText,
} from '@tac/core';
import { turnOf } from './tac-run-context.ts';

interface ToolContextFields {
  tac?: TAC;
  session?: ConversationSession;
  channel?: ChannelType;
  signal?: AbortSignal;
}

/** The bound tool for this call: from a wrapped agent's turn, or bound now from a `MessageReadyContext`. */
function boundFor(tacTool: TACTool, context: unknown, signal: AbortSignal | undefined): BoundTool | string {
  const turn = turnOf(context);
  if (turn) {
    return turn.tools.get(tacTool.name) ?? `Tool "${tacTool.name}" is not available in this turn.`;
  }
  const c = (context ?? {}) as ToolContextFields;
  if (c.tac && c.session && c.channel) {
    const [bound] = bindTools([tacTool], {
      tac: c.tac,
      session: c.session,
      channel: c.channel,
      signal: signal ?? c.signal ?? new AbortController().signal,
    });
    if (bound) return bound;
  }
  return (
    `Tool "${tacTool.name}" needs a TAC turn: use wrapOpenAIAgent(), or run the agent with ` +
    '{ context: ctx } where ctx is the MessageReadyContext of your onMessageReady handler.'
  );
}

/**
 * OpenAI Agents `FunctionTool`s that run TAC tools. Inside `wrapOpenAIAgent`
 * they run bound to the turn; in your own `run(...)` pass the handler's
 * `MessageReadyContext` as `context` (it carries tac, session, channel, signal).
 * Parameters go as plain JSON Schema with `strict: false`: core validates the
 * arguments with the tool's own schema, so optional fields stay optional.
 * Results are text (`Error: …` for a failure): a tool error is a result.
 *
 * @example
 * ```ts
 * const agent = new Agent({ name: 'support', tools: toOpenAIAgentsTools([lookupOrder]) });
 * tac.onMessageReady(async (ctx) => {
 *   const result = await run(agent, ctx.message, { stream: true, context: ctx, signal: ctx.signal });
 *   return result.toTextStream();
 * });
 * ```
 */
export function toOpenAIAgentsTools(tools: readonly TACTool[]): FunctionTool[] {
  return tools.map((tacTool) => {
    const functionTool = tool({
      name: tacTool.name,
      description: tacTool.description,
      // TAC tools carry JSON Schema; strict mode would rewrite optional fields as required-and-nullable.
      parameters: tacTool.parameters as never,
      strict: false,
      execute: async (args: unknown, runContext?: RunContext<unknown>, details?) => {
        const bound = boundFor(tacTool, runContext?.context, details?.signal);
        if (typeof bound === 'string') return `Error: ${bound}`;
        const round = runContext?.usage?.requests;
        const result = await bound.execute(args, {
          toolCallId: details?.toolCall?.callId,
          round: round && round > 0 ? round : undefined,
        });
        return toolResultText(result);
      },
      // execute never throws; anything else (a framework failure) still reaches the model as text.
      errorFunction: (_ctx, error) => `Error: ${error instanceof Error ? error.message : String(error)}`,
    }) as unknown as FunctionTool;
    // Some tools refine their description after start-up (the knowledge tool reads its knowledge base's).
    Object.defineProperty(functionTool, 'description', { get: () => tacTool.description, enumerable: true });
    return functionTool;
  });
}
