import { monoMs } from '../lib/clock.ts';

/**
 * The reply of the stub model: 20 tokens. Twenty because it is a typical
 * first sentence, and enough frames that per-frame costs show.
 */
export const STUB_TOKENS: readonly string[] = [
  'We ',
  'are ',
  'open ',
  'from ',
  'nine ',
  'in ',
  'the ',
  'morning ',
  'until ',
  'five ',
  'in ',
  'the ',
  'evening ',
  'on ',
  'weekdays, ',
  'and ',
  'until ',
  'noon ',
  'on ',
  'Saturdays.',
];

/**
 * A model that streams {@link STUB_TOKENS} immediately: no timers, no I/O, so
 * everything measured around it is the server's own cost.
 */
export async function* stubModel(signal?: AbortSignal): AsyncGenerator<string> {
  for (const token of STUB_TOKENS) {
    if (signal?.aborted) return;
    yield token;
  }
}

/** When each conversation's model saw its signal abort (shared monotonic clock, ms). */
export const abortLog = new Map<string, number[]>();

/**
 * A model that keeps talking (a token every `intervalMs`, up to `maxTokens`)
 * until its signal aborts, and records when the abort reached it: the
 * barge-in benchmark measures interrupt-sent → this moment.
 */
export async function* endlessModel(
  conversationId: string,
  signal: AbortSignal,
  intervalMs = 1,
  maxTokens = 5_000,
): AsyncGenerator<string> {
  let wake: (() => void) | undefined;
  const onAbort = () => {
    const at = monoMs();
    const list = abortLog.get(conversationId);
    if (list) list.push(at);
    else abortLog.set(conversationId, [at]);
    // Wake a pending token wait at once, as a real HTTP stream would end on abort.
    wake?.();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    for (let i = 0; i < maxTokens && !signal.aborted; i++) {
      yield `word${i} `;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** Drain the abort log (the orchestrator joins it with the caller's interrupt times). */
export function takeAbortLog(): Record<string, number[]> {
  const out = Object.fromEntries(abortLog);
  abortLog.clear();
  return out;
}
