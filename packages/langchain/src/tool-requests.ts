import { AIMessage, type AIMessageChunk, type ToolCallChunk } from '@langchain/core/messages';
import { argsObject } from './to-langchain-messages.ts';

/** One tool call of a model message, as the adapter's loop runs it. */
export interface ToolRequest {
  id: string | undefined;
  name: string;
  /** An object, or the raw argument string when it is not valid JSON (core's strict parse rejects it). */
  args: unknown;
}

function isJson(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The raw argument string of each streamed tool call, by call id, joined from
 * `tool_call_chunks` grouped as LangChain's `collapseToolCallChunks` groups
 * them (same id and index, else same id, else same index).
 */
function rawArguments(message: AIMessageChunk): Map<string, string> {
  const groups: ToolCallChunk[][] = [];
  for (const chunk of message.tool_call_chunks ?? []) {
    const group = groups.find(([first]) => {
      if (chunk.id && chunk.index !== undefined)
        return chunk.id === first?.id && chunk.index === first?.index;
      if (chunk.id) return chunk.id === first?.id;
      if (chunk.index !== undefined) return chunk.index === first?.index;
      return false;
    });
    if (group) group.push(chunk);
    else groups.push([chunk]);
  }
  const raw = new Map<string, string>();
  for (const group of groups) {
    const id = group.find((c) => c.id)?.id;
    // Custom (free-form) tools take raw text, not JSON: LangChain already passes it as `{ input }`.
    if (!id || group.some((c) => (c as { isCustomTool?: unknown }).isCustomTool === true)) continue;
    raw.set(
      id,
      group
        .map((c) => c.args ?? '')
        .join('')
        .trim(),
    );
  }
  return raw;
}

/**
 * The tool calls of a model message that the adapter's loop must answer, and
 * the message to put before their results.
 *
 * LangChain parses streamed arguments with `parsePartialJson`, so truncated
 * JSON (`{"orderNumber": "A12`) arrives as partial values, and puts arguments
 * it cannot read in `invalid_tool_calls`. Both would otherwise run a tool with
 * half an argument or leave the model without an answer. Here such a call
 * carries its raw string, so core rejects it with an error result the model
 * can correct, as in the other adapters. The message is then rebuilt with
 * every answered call in `tool_calls` (the raw text as `{ input }`, as history
 * shows it next turn): providers send only `tool_calls` back, and a result
 * for a call they do not show is refused.
 */
export function toolRequestsOf(ai: AIMessageChunk): {
  requests: ToolRequest[];
  message: AIMessageChunk | AIMessage;
} {
  const raw = rawArguments(ai);
  let rebuilt = false;
  const requests: ToolRequest[] = (ai.tool_calls ?? []).map((call) => {
    const text = call.id === undefined ? undefined : raw.get(call.id);
    if (text === undefined || isJson(text)) return { id: call.id, name: call.name, args: call.args };
    rebuilt = true;
    return { id: call.id, name: call.name, args: text };
  });
  for (const invalid of ai.invalid_tool_calls ?? []) {
    rebuilt = true;
    requests.push({ id: invalid.id, name: invalid.name ?? '', args: invalid.args ?? '' });
  }
  if (!rebuilt) return { requests, message: ai };
  // The provider's raw calls would stand in for `tool_calls` in some converters; the rebuilt list replaces them.
  const { tool_calls: _providerCalls, ...additional_kwargs } = ai.additional_kwargs;
  const message = new AIMessage({
    id: ai.id,
    content: ai.content,
    additional_kwargs,
    response_metadata: ai.response_metadata,
    tool_calls: requests.map((r) => ({
      id: r.id,
      name: r.name,
      args: argsObject(r.args),
      type: 'tool_call',
    })),
  });
  return { requests, message };
}
