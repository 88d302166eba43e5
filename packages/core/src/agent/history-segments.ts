import type { HistoryItem, ToolHistoryItem } from '../turn/history.ts';

/** A run of history that maps to one framework message (or one call/result pair group). */
export type HistorySegment =
  | { kind: 'user'; content: string }
  | { kind: 'assistant'; content: string; interrupted: boolean }
  /** Consecutive tool executions: one assistant message with the calls, then their results. */
  | { kind: 'tools'; items: ToolHistoryItem[] };

function group(history: readonly HistoryItem[]): HistorySegment[] {
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

/**
 * Group neutral history for adapters: consecutive tool items become one
 * `tools` segment (frameworks expect the calls of one step in one assistant
 * message, followed by one result per call), and empty assistant items are
 * dropped (some providers reject empty assistant messages).
 *
 * The segments always start with a `user` one, because some providers
 * (Anthropic, Gemini) reject a conversation that starts with the assistant or
 * a tool result:
 * - a window cut by `maxHistoryItems` starts mid-turn: the segments before its
 *   first `user` are dropped;
 * - a messaging turn superseded by a newer message leaves only its tool
 *   records, before the `user` item that answers its messages again: they are
 *   moved right after that `user` item. When that message is the current one
 *   (the next turn's), they stay last, where the adapter adds it, unless
 *   nothing precedes them; then they are dropped, as a window that starts there.
 *
 * Every call keeps its result: a tool item is moved or dropped whole.
 */
export function segmentHistory(history: readonly HistoryItem[]): HistorySegment[] {
  const grouped = group(history);
  const out: HistorySegment[] = [];
  let moved: HistorySegment | undefined;
  for (const [i, segment] of grouped.entries()) {
    if (segment.kind === 'user') {
      out.push(segment);
      if (moved) out.push(moved);
      moved = undefined;
      continue;
    }
    // Within a turn, tools follow its user item; after an assistant item (or first) they belong to no turn yet.
    const previous = grouped[i - 1];
    if (segment.kind === 'tools' && (previous === undefined || previous.kind === 'assistant')) {
      const next = grouped[i + 1];
      if (next?.kind === 'user') moved = segment;
      else if (next === undefined && out.length > 0) out.push(segment);
      continue;
    }
    if (out.length > 0) out.push(segment);
  }
  return out;
}
