import type { TAC } from '../tac.ts';
import type { TACAgent } from './types.ts';

/** Bounds and fallbacks for {@link TAC.useAgent}. */
export interface UseAgentOptions {
  /** Maximum model→tool→model rounds in one turn. @defaultValue 5 */
  maxToolRounds: number;
}

/**
 * Install `agent` as the message handler of `tac`.
 *
 * NOTE: placeholder until the agent runner lands.
 */
export function useAgent(_tac: TAC, _agent: TACAgent, _options: Partial<UseAgentOptions>): void {
  throw new Error('useAgent is not implemented yet');
}
