import type { Agent, FunctionTool, Handoff, RunContext } from '@openai/agents';
import { TACError, TACErrorCode } from '@tac/core';
import { turnOf } from './tac-run-context.ts';

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type can be wrapped.
type AnyAgent = Agent<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above, for handoff objects.
type AnyHandoff = Handoff<any, any>;
type Instructions = AnyAgent['instructions'];

function isHandoff(value: unknown): value is AnyHandoff {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AnyHandoff).onInvokeHandoff === 'function' &&
    typeof (value as AnyHandoff).clone === 'function'
  );
}

function isAgent(value: unknown): value is AnyAgent {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AnyAgent).clone === 'function' &&
    Array.isArray((value as AnyAgent).handoffs)
  );
}

/**
 * Instructions that compose the agent's own (a string or a function of the run
 * context) with this turn's memory, the same way core composed the entry agent's.
 */
function composedInstructions(original: Instructions): Instructions {
  return async (runContext: RunContext<unknown>, agent: AnyAgent) => {
    const base = typeof original === 'function' ? await original(runContext, agent) : (original ?? '');
    const turn = turnOf(runContext.context);
    if (!turn) return base;
    return turn.input.composeInstructions
      ? turn.input.composeInstructions(base)
      : base || turn.input.instructions;
  };
}

/** The wrapped entry agent, and every wrapped agent reachable through handoffs, by name. */
export interface ClonedAgentGraph {
  root: AnyAgent;
  byName: ReadonlyMap<string, AnyAgent>;
}

/**
 * Clone `root` and every agent reachable through its handoffs (cycles
 * included), adding the TAC tools and memory-composed instructions to each and
 * pointing handoffs at the clones, so a handoff between the user's agents keeps
 * TAC's tools and memory. The user's agents are never mutated.
 */
export function cloneAgentGraph(root: AnyAgent, tacTools: readonly FunctionTool[]): ClonedAgentGraph {
  const clones = new Map<AnyAgent, AnyAgent>();
  const byName = new Map<string, AnyAgent>();

  const visit = (agent: AnyAgent): AnyAgent => {
    const known = clones.get(agent);
    if (known) return known;
    const own = new Set(agent.tools.map((t) => t.name));
    for (const t of tacTools) {
      if (own.has(t.name)) {
        throw new TACError(
          TACErrorCode.INVALID_ARGUMENT,
          `wrapOpenAIAgent: agent "${agent.name}" already has a tool named "${t.name}"; rename one of them.`,
          { context: { agent: agent.name, tool: t.name } },
        );
      }
    }
    const clone = agent.clone({
      tools: [...agent.tools, ...tacTools],
      instructions: composedInstructions(agent.instructions),
      handoffs: [],
    });
    clones.set(agent, clone);
    if (!byName.has(clone.name)) byName.set(clone.name, clone);
    // Filled after registering the clone, so cycles (A -> B -> A) resolve to the same clones.
    clone.handoffs = agent.handoffs.map((h: AnyAgent | AnyHandoff) => {
      if (isHandoff(h)) return h.clone({ agent: visit(h.agent) });
      if (isAgent(h)) return visit(h);
      return h;
    });
    return clone;
  };

  return { root: visit(root), byName };
}
