import type { AgentInputItem } from '@openai/agents';
import { type HistoryItem, segmentHistory, type ToolHistoryItem, toolHistoryText } from '@tac/core';

function argumentsText(input: unknown): string {
  if (typeof input === 'string') return input;
  return JSON.stringify(input ?? {});
}

function toolItems(items: readonly ToolHistoryItem[]): AgentInputItem[] {
  const calls: AgentInputItem[] = items.map((i) => ({
    type: 'function_call',
    callId: i.toolCallId,
    name: i.toolName,
    arguments: argumentsText(i.input),
    status: 'completed',
  }));
  const results: AgentInputItem[] = items.map((i) => ({
    type: 'function_call_result',
    callId: i.toolCallId,
    name: i.toolName,
    // The SDK itself records a call cut off by an abort as `incomplete`.
    status: i.status === 'cancelled' ? 'incomplete' : 'completed',
    output: { type: 'text', text: toolHistoryText(i) },
  }));
  return [...calls, ...results];
}

/**
 * TAC history plus the new customer message as OpenAI Agents input items:
 * user and assistant messages, and each tool execution as a `function_call`
 * with its `function_call_result` (cancelled ones `incomplete`), so no call is
 * ever left without a result.
 */
export function toAgentInputItems(history: readonly HistoryItem[], message: string): AgentInputItem[] {
  const items: AgentInputItem[] = [];
  for (const segment of segmentHistory(history)) {
    if (segment.kind === 'tools') items.push(...toolItems(segment.items));
    else if (segment.kind === 'user') items.push({ role: 'user', content: segment.content });
    else {
      items.push({
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: segment.content }],
      });
    }
  }
  items.push({ role: 'user', content: message });
  return items;
}
