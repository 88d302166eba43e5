import type { OrchestratorEvent } from '../channels/channel.ts';
import type { TAC } from '../tac.ts';

/**
 * Route an Orchestrator webhook event to channels (reference §2.2).
 *
 * NOTE: placeholder until the messaging module lands.
 */
export async function dispatchOrchestratorEvent(
  _tac: TAC,
  _event: OrchestratorEvent,
  _meta: { idempotencyToken?: string },
): Promise<void> {}
