import type { AgentTurnInput, BoundTool } from '@tac/core';

/** `config.configurable` key under which a TAC turn reaches tools made by `toLangChainTools`. */
export const TAC_TURN_KEY = 'tac_turn';

/** Per-turn data tools read from `runtime.configurable[TAC_TURN_KEY]`. */
export interface TACTurnData {
  input: AgentTurnInput;
  tools: ReadonlyMap<string, BoundTool>;
}

/** The TAC turn in a runnable config, if any. */
export function turnOfConfig(
  config: { configurable?: Record<string, unknown> } | undefined,
): TACTurnData | undefined {
  const value = config?.configurable?.[TAC_TURN_KEY] as TACTurnData | undefined;
  return value && typeof value === 'object' && value.tools instanceof Map ? value : undefined;
}
