import {
  type BindToolsContext,
  type BoundTool,
  bindTools,
  isTACTool,
  type TACTool,
  toolOutputText,
} from '@tac/core';
import { jsonSchema, type ToolSet, tool } from 'ai';

/**
 * A tool output the AI SDK can serialize: it JSON-encodes results for the next
 * model call, and a BigInt or a cycle would throw there and fail the whole turn.
 * Such a value becomes core's text for it, as the other adapters send.
 */
function jsonSafe(output: unknown): unknown {
  if (output === undefined) return null;
  try {
    JSON.stringify(output);
    return output;
  } catch {
    return toolOutputText(output);
  }
}

/**
 * AI SDK tools that run bound TAC tools. Failures reach the model as the AI
 * SDK's own tool errors (`error-text`), so the loop goes on: a tool error is a
 * result, not a crash. `round` tells core which step asked (for `maxToolRounds`).
 */
export function boundToAiSdkTools(tools: readonly BoundTool[], round?: () => number | undefined): ToolSet {
  const set: ToolSet = {};
  for (const bound of tools) {
    set[bound.name] = tool({
      description: bound.description,
      // Core validates (with the tool's own zod or JSON Schema), so no validator here.
      inputSchema: jsonSchema(bound.parameters),
      execute: async (input: unknown, { toolCallId }) => {
        const result = await bound.execute(input, { toolCallId, round: round?.() });
        if (!result.ok) throw new Error(result.error);
        return jsonSafe(result.output);
      },
    });
  }
  return set;
}

/**
 * Convert TAC tools to an AI SDK `ToolSet` for your own `streamText` loop, e.g.
 * in `tac.onMessageReady`. Pass tools already bound to a turn, or TAC tools and
 * the turn's context (a `MessageReadyContext` fits).
 *
 * @example
 * ```ts
 * tac.onMessageReady(async (ctx) =>
 *   streamText({ model, prompt: ctx.message, tools: toAiSdkTools([lookupOrder], ctx),
 *     stopWhen: stepCountIs(5), abortSignal: ctx.signal }).textStream);
 * ```
 */
export function toAiSdkTools(tools: readonly BoundTool[]): ToolSet;
export function toAiSdkTools(tools: readonly TACTool[], context: BindToolsContext): ToolSet;
export function toAiSdkTools(tools: readonly (BoundTool | TACTool)[], context?: BindToolsContext): ToolSet {
  const unbound = tools.filter(isTACTool);
  if (unbound.length === 0) return boundToAiSdkTools(tools as readonly BoundTool[]);
  if (!context) {
    throw new TypeError(
      'toAiSdkTools(tools, context): TAC tools need the turn context (tac, session, channel, signal) to run; ' +
        'pass the MessageReadyContext of your onMessageReady handler.',
    );
  }
  const bound = bindTools(unbound, context);
  const byTool = new Map(unbound.map((t, i) => [t, bound[i] as BoundTool]));
  return boundToAiSdkTools(tools.map((t) => (isTACTool(t) ? (byTool.get(t) as BoundTool) : t)));
}
