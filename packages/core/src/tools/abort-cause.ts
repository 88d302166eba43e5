/**
 * Why a turn's signal fired, worded for a model ("… because the turn timed
 * out"). Read from the reason the channel or the turn runner gave: a
 * `TurnAbortReason` (barge-in, newer message, shutdown) or the `TimeoutError`
 * of the turn timeout. Duck-typed so a reason from another copy of core counts.
 */
export function abortCause(signal: AbortSignal): string {
  const reason = (signal.reason as { turnEndReason?: unknown; name?: unknown } | null | undefined) ?? {};
  switch (reason.turnEndReason) {
    case 'interrupted':
      return 'the caller interrupted';
    case 'superseded':
      return 'a newer customer message arrived';
    case 'shutdown':
      return 'the service was shutting down';
  }
  return reason.name === 'TimeoutError' ? 'the turn timed out' : 'the turn was cancelled';
}
