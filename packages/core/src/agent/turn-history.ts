import type { ChannelType } from '../channels/channel-type.ts';
import { apologySuffix } from '../turn/apology.ts';
import type { AssistantHistoryItem, HistoryItem, ToolHistoryItem } from '../turn/history.ts';
import { turnAbortReasonOf } from '../turn/turn-abort.ts';

/** What happened in one agent turn, as needed to write its history. */
export interface AgentTurnRecord {
  /** The customer's message(s) of the turn. */
  messages: readonly string[];
  channel: ChannelType;
  /** Tool executions, settled (completed, error or cancelled). */
  tools: readonly ToolHistoryItem[];
  /** Text handed to the channel (streamed or sent). */
  produced: string;
  /** True when the agent failed and the customer got the apology. */
  failed: boolean;
  /** The turn's signal (its reason tells barge-in, newer message, timeout, shutdown apart). */
  signal: AbortSignal;
  apology: string;
}

function joinApology(produced: string, apology: string): string {
  return produced + apologySuffix(produced, apology);
}

/**
 * The history items one turn leaves, so the next turn's model sees what the
 * customer actually got:
 * - completed: the message(s), tool items, then the full reply;
 * - failed or timed out: the reply so far followed by the apology the turn runner sent;
 * - barge-in (`interrupted`): the reply is what the caller heard
 *   (`utteranceUntilInterrupt`), marked `interrupted`, not the unspoken rest;
 * - superseded by a newer message on messaging: only the tool items. Nothing
 *   was delivered, and the messaging channel answers these messages again
 *   together with the newer ones, so recording them here would duplicate
 *   them; tool effects are kept because they happened. On voice a newer
 *   utterance replaces the turn (it is not answered again), so the caller's
 *   words are kept like any other abort;
 * - shutdown or another abort: what was produced, marked `interrupted`.
 *
 * Tools come before the reply: text a model wrote before a tool call is merged
 * into the one reply of the turn (simple, and truncation stays exact).
 */
export function historyForTurn(record: AgentTurnRecord): HistoryItem[] {
  const { signal, produced } = record;
  const abort = turnAbortReasonOf(signal);
  const tools = record.tools.map((t) => ({ ...t }));
  if (abort?.turnEndReason === 'superseded' && record.channel !== 'voice') return tools;

  const items: HistoryItem[] = [{ role: 'user', content: record.messages.join('\n') }, ...tools];
  if (record.failed) {
    items.push({ role: 'assistant', content: joinApology(produced, record.apology) });
  } else if (!signal.aborted) {
    if (produced) items.push({ role: 'assistant', content: produced });
  } else if (abort?.turnEndReason === 'interrupted') {
    const heard = abort.heard ?? produced;
    if (heard) items.push({ role: 'assistant', content: heard, interrupted: true });
  } else if (!abort && (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError') {
    // The turn runner finished the reply with the apology.
    items.push({ role: 'assistant', content: joinApology(produced, record.apology) });
  } else if (produced) {
    items.push({ role: 'assistant', content: produced, interrupted: true });
  }
  return items;
}

/**
 * History with the last reply cut to what the caller heard, for a barge-in
 * that came after the reply was fully streamed (TTS was still speaking); or
 * `undefined` when there is nothing to change (no reply in the last turn, it
 * is already marked interrupted, or the caller heard all of it).
 */
export function trimToHeard(history: readonly HistoryItem[], heard: string): HistoryItem[] | undefined {
  const lastUser = history.findLastIndex((h) => h.role === 'user');
  const index = history.findLastIndex((h) => h.role === 'assistant');
  if (index < 0 || index < lastUser) return undefined;
  const reply = history[index] as AssistantHistoryItem;
  if (reply.interrupted || heard.trim().length >= reply.content.trim().length) return undefined;
  return history.with(index, { role: 'assistant', content: heard, interrupted: true });
}
