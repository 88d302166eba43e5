import { safeJsonStringify } from '../tools/safe-json.ts';
import type { ToolResult } from '../tools/types.ts';
import type { ToolHistoryItem } from '../turn/history.ts';

/**
 * Serialize a tool output for a model: strings as they are, anything else as
 * JSON, also when it holds a `bigint` or a cycle (see `safeJsonStringify`), so
 * the model never reads `[object Object]`.
 */
export function toolOutputText(output: unknown): string {
  return typeof output === 'string' ? output : safeJsonStringify(output);
}

/**
 * The text a model sees for a tool result, the same in every adapter: the
 * output (JSON for non-strings), or `Error: …` for a failure.
 */
export function toolResultText(result: ToolResult): string {
  return result.ok ? toolOutputText(result.output) : `Error: ${result.error}`;
}

/**
 * The text a model sees, on a later turn, for a recorded tool execution:
 * the output, `Error: …`, or `Cancelled: …` for a tool cut off by an abort.
 */
export function toolHistoryText(item: ToolHistoryItem): string {
  if (item.status === 'completed') return toolOutputText(item.output);
  if (item.status === 'cancelled') return `Cancelled: ${item.error ?? 'the tool did not finish'}`;
  return `Error: ${item.error ?? 'the tool failed'}`;
}
