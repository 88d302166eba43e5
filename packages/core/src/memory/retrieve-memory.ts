import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';
import { TACMemoryResponse } from './tac-memory-response.ts';

/**
 * Retrieve memory for a session (reference §1.6). Never throws: failures fall
 * back to Orchestrator communications, or to an empty response.
 *
 * NOTE: placeholder until the memory module lands; returns an empty response.
 */
export async function retrieveMemory(
  _tac: TAC,
  _session: ConversationSession,
  _query?: string,
): Promise<TACMemoryResponse> {
  return TACMemoryResponse.empty();
}
