import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import { type HistoryItem, segmentHistory, type ToolHistoryItem, toolHistoryText } from '@tac/core';

/** Tool-call arguments as the object LangChain wants: raw text that is not a JSON object becomes `{ input }`. */
export function argsObject(input: unknown): Record<string, unknown> {
  if (typeof input === 'string') {
    try {
      const parsed = JSON.parse(input);
      return typeof parsed === 'object' && parsed !== null ? parsed : { input: parsed };
    } catch {
      return { input };
    }
  }
  return typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
}

function toolMessages(items: readonly ToolHistoryItem[]): BaseMessage[] {
  return [
    new AIMessage({
      content: '',
      tool_calls: items.map((i) => ({
        id: i.toolCallId,
        name: i.toolName,
        args: argsObject(i.input),
        type: 'tool_call',
      })),
    }),
    ...items.map(
      (i) =>
        new ToolMessage({
          tool_call_id: i.toolCallId,
          name: i.toolName,
          content: toolHistoryText(i),
          status: i.status === 'completed' ? 'success' : 'error',
        }),
    ),
  ];
}

/**
 * The turn as LangChain messages: the composed instructions as a
 * `SystemMessage` (when not empty), the history (tool executions as an
 * `AIMessage` with `tool_calls` followed by one `ToolMessage` each, so no call
 * is ever left without a result), and the new `HumanMessage`.
 */
export function toLangChainMessages(
  instructions: string,
  history: readonly HistoryItem[],
  message: string,
): BaseMessage[] {
  const messages: BaseMessage[] = [];
  if (instructions) messages.push(new SystemMessage(instructions));
  for (const segment of segmentHistory(history)) {
    if (segment.kind === 'tools') messages.push(...toolMessages(segment.items));
    else if (segment.kind === 'user') messages.push(new HumanMessage(segment.content));
    else messages.push(new AIMessage(segment.content));
  }
  messages.push(new HumanMessage(message));
  return messages;
}
