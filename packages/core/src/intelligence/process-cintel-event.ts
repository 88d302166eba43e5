import type { TAC } from '../tac.ts';

/** Outcome of processing a Conversation Intelligence webhook (reference §6). */
export interface OperatorProcessingResult {
  success: boolean;
  eventType: 'summary' | 'mixed' | null;
  skipped: boolean;
  skipReason?: string;
  error?: string;
  createdCount: number;
}

/**
 * Process a Conversation Intelligence payload.
 *
 * NOTE: placeholder until the messaging/intelligence module lands.
 */
export async function processCintelEvent(_tac: TAC, _payload: unknown): Promise<OperatorProcessingResult> {
  return { success: false, eventType: null, skipped: true, skipReason: 'not implemented', createdCount: 0 };
}
