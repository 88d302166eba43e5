import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TurnEndReason } from './events.ts';

/**
 * The reason a channel gives when it aborts a running turn. Agents read it from
 * `signal.reason` to record history faithfully: after a barge-in the assistant
 * said only `heard` (ConversationRelay's `utteranceUntilInterrupt`).
 */
export class TurnAbortReason extends TACError {
  readonly turnEndReason: TurnEndReason;
  /** What the caller actually heard before the interruption (voice barge-in only). */
  readonly heard: string | undefined;

  constructor(turnEndReason: 'interrupted' | 'superseded' | 'shutdown', heard?: string) {
    super(TACErrorCode.ABORTED, `Turn ${turnEndReason}`);
    this.name = 'AbortError';
    this.turnEndReason = turnEndReason;
    this.heard = heard;
  }
}

/** The {@link TurnAbortReason} behind a signal, if the signal was aborted with one. */
export function turnAbortReasonOf(signal: AbortSignal): TurnAbortReason | undefined {
  const reason = signal.reason as Partial<TurnAbortReason> | undefined;
  return signal.aborted && reason && typeof reason === 'object' && 'turnEndReason' in reason
    ? (reason as TurnAbortReason)
    : undefined;
}
