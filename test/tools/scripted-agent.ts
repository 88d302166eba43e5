import type { AgentTurnInput, TACAgent, TACTool, ToolResult } from '@tac/core';

/** One step of a scripted turn: call tools (by name, with raw arguments), then say something built from their results. */
export interface ScriptedStep {
  calls: { name: string; args: unknown }[];
  reply(results: ToolResult[], input: AgentTurnInput): string;
}

/**
 * A tiny TACAgent standing in for a model: each turn runs the next step,
 * calling tools through the turn's BoundTools (core's single execution path,
 * exactly as the framework adapters do).
 */
export function scriptedAgent(
  tools: TACTool[],
  steps: ScriptedStep[],
): TACAgent & { inputs: AgentTurnInput[] } {
  const inputs: AgentTurnInput[] = [];
  let turn = 0;
  return {
    name: 'scripted',
    tools,
    instructions: 'You are a scripted test agent.',
    inputs,
    async *stream(input) {
      inputs.push(input);
      const step = steps[Math.min(turn++, steps.length - 1)];
      if (!step) return;
      const results: ToolResult[] = [];
      for (const [i, call] of step.calls.entries()) {
        const bound = input.tools.find((t) => t.name === call.name);
        if (!bound) throw new Error(`tool ${call.name} is not bound`);
        results.push(await bound.execute(call.args, { toolCallId: `call_${turn}_${i}`, round: 1 }));
      }
      yield step.reply(results, input);
    },
  };
}
