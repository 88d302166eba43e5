import type { HistoryItem, ToolHistoryItem } from '../turn/history.ts';

/** A run of history that maps to one framework message (or one call/result pair group). */
export type HistorySegment =
  | { kind: 'user'; content: string }
  | { kind: 'assistant'; content: string; interrupted: boolean }
  /** Consecutive tool executions: one assistant message with the calls, then their results. */
  | { kind: 'tools'; items: ToolHistoryItem[] };

/**
 * Group neutral history for adapters: consecutive tool items become one
 * `tools` segment (frameworks expect the calls of one step in one assistant
 * message, followed by one result per call), and empty assistant items are
 * dropped (some providers reject empty assistant messages).
 */
export function segmentHistory(history: readonly HistoryItem[]): HistorySegment[] {
  const out: HistorySegment[] = [];
  for (const item of history) {
    if (item.role === 'tool') {
      const last = out.at(-1);
      if (last?.kind === 'tools') last.items.push(item);
      else out.push({ kind: 'tools', items: [item] });
    } else if (item.role === 'user') {
      out.push({ kind: 'user', content: item.content });
    } else if (item.content !== '') {
      out.push({ kind: 'assistant', content: item.content, interrupted: item.interrupted === true });
    }
  }
  return out;
}
