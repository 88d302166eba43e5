import { type HistoryItem, segmentHistory, type ToolHistoryItem, toolHistoryText } from '@tac/core';
import type { ModelMessage } from 'ai';

/** Tool-call inputs are JSON objects for the AI SDK; a raw JSON string is parsed. */
function inputObject(input: unknown): unknown {
  if (typeof input !== 'string') return input ?? {};
  try {
    return JSON.parse(input);
  } catch {
    return { input };
  }
}

function toolMessages(items: readonly ToolHistoryItem[]): ModelMessage[] {
  return [
    {
      role: 'assistant',
      content: items.map((i) => ({
        type: 'tool-call' as const,
        toolCallId: i.toolCallId,
        toolName: i.toolName,
        input: inputObject(i.input),
      })),
    },
    {
      role: 'tool',
      content: items.map((i) => ({
        type: 'tool-result' as const,
        toolCallId: i.toolCallId,
        toolName: i.toolName,
        output:
          i.status === 'completed'
            ? { type: 'text' as const, value: toolHistoryText(i) }
            : { type: 'error-text' as const, value: toolHistoryText(i) },
      })),
    },
  ];
}

/**
 * TAC history plus the new customer message as AI SDK `ModelMessage`s: tool
 * executions become an assistant message with `tool-call` parts followed by a
 * `tool` message with one result each (cancelled and failed calls as
 * `error-text`), so no call is ever left without a result.
 */
export function toModelMessages(history: readonly HistoryItem[], message: string): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const segment of segmentHistory(history)) {
    if (segment.kind === 'tools') messages.push(...toolMessages(segment.items));
    else messages.push({ role: segment.kind, content: segment.content });
  }
  messages.push({ role: 'user', content: message });
  return messages;
}
