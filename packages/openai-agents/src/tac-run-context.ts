import type { AgentTurnInput, BoundTool } from '@tac/core';

/** Where the turn hides in the run context: a symbol, so it never collides with the user's fields. */
export const TAC_TURN = Symbol.for('tac.openai-agents.turn');

/** Per-turn data the wrapped agents and TAC tools read from `runContext.context`. */
export interface TACTurnData {
  input: AgentTurnInput;
  tools: ReadonlyMap<string, BoundTool>;
}

/**
 * The default run context of a wrapped agent (what your own tools and dynamic
 * instructions see as `runContext.context`).
 */
export interface TACRunContext {
  conversationId: string;
  session: AgentTurnInput['session'];
  channel: AgentTurnInput['channel'];
  [TAC_TURN]?: TACTurnData;
}

/** The TAC turn attached to a run context, if any. */
export function turnOf(context: unknown): TACTurnData | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  return (context as { [TAC_TURN]?: TACTurnData })[TAC_TURN];
}
