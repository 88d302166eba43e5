import { type Agent, type Runner, run, type ToolNotFoundBehavior } from '@openai/agents';
import {
  type AgentTurnInput,
  type BoundTool,
  isTACTool,
  type TACAgent,
  TACError,
  TACErrorCode,
  type TACTool,
} from '@tac/core';
import { z } from 'zod';
import { cloneAgentGraph } from './clone-agent-graph.ts';
import { TAC_TURN, type TACRunContext, type TACTurnData } from './tac-run-context.ts';
import { toAgentInputItems } from './to-agent-input-items.ts';
import { toOpenAIAgentsTools } from './to-openai-agents-tools.ts';

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type can be wrapped.
type AnyAgent = Agent<any, any>;

/**
 * Where the agent that last spoke is remembered (`session.metadata`), so a
 * handed-off conversation stays with it. The adapter only changes the turn's
 * session object; core writes the change back through the session store when
 * the turn ends, so it works with any store (including ones that hand out copies).
 */
export const ACTIVE_AGENT_METADATA_KEY = 'openaiAgents.activeAgent';

/** Options of {@link wrapOpenAIAgent}. */
export interface WrapOpenAIAgentOptions {
  /** TAC tools added to the agent (and to every agent it hands off to). @defaultValue [] */
  tools?: readonly TACTool[];
  /** Name for logs. @defaultValue `openai-agents:<agent name>` */
  name?: string;
  /**
   * Runs with this `Runner` (model provider, tracing, guardrails config). Its
   * `toolNotFoundBehavior` is not used: set {@link WrapOpenAIAgentOptions.toolNotFoundBehavior} here.
   * @defaultValue the SDK's default `run()`
   */
  runner?: Runner;
  /**
   * The run context your own tools and dynamic instructions see. TAC attaches
   * the turn to it under a symbol. @defaultValue `{ conversationId, session, channel }`
   */
  context?: (input: AgentTurnInput) => object;
  /** Model calls per turn (a handoff takes one). @defaultValue `maxToolRounds + 1` */
  maxTurns?: number;
  /**
   * Start each turn with the agent that answered last in this conversation
   * (after a handoff between your agents), kept in `session.metadata` under
   * {@link ACTIVE_AGENT_METADATA_KEY} (persisted by core at the end of the turn).
   * @defaultValue true
   */
  resumeLastAgent?: boolean;
  /**
   * What happens when the model calls a tool the agent does not have. With
   * `return_error_to_model` the call gets an error result the model can
   * correct, and its other calls still run, as in the other adapters;
   * `raise_error` (the SDK's own default) fails the turn (core retries, then
   * apologizes). Passed with every run, so it applies with your `runner` too.
   * @defaultValue 'return_error_to_model'
   */
  toolNotFoundBehavior?: ToolNotFoundBehavior;
}

const OptionsSchema = z.strictObject({
  tools: z
    .array(z.custom<TACTool>(isTACTool, 'expected a TAC tool from defineTool() or a built-in tool'))
    .optional(),
  name: z.string().min(1).optional(),
  runner: z
    .custom<Runner>((v) => typeof (v as Runner | undefined)?.run === 'function', 'expected a Runner')
    .optional(),
  context: z
    .custom<(input: AgentTurnInput) => object>((v) => typeof v === 'function', 'expected a function')
    .optional(),
  maxTurns: z.number().int().min(1).optional(),
  resumeLastAgent: z.boolean().optional(),
  toolNotFoundBehavior: z.enum(['raise_error', 'return_error_to_model']).optional(),
});

/**
 * Serve an existing OpenAI Agents SDK `Agent` on every TAC channel:
 * `tac.useAgent(wrapOpenAIAgent(agent, { tools }))`.
 *
 * The agent (and every agent reachable through its handoffs) is cloned once
 * with the TAC tools added and its instructions composed with the customer's
 * memory; your agents are not mutated. Each turn runs
 * `run(agent, [...history, message], { stream: true, signal, context, maxTurns, toolNotFoundBehavior })`
 * and streams `output_text_delta` events. Handoffs between your agents work
 * within a turn, and the next turn continues with the agent that answered.
 *
 * @example
 * ```ts
 * const support = new Agent({ name: 'support', instructions: 'Be brief.', handoffs: [billing] });
 * tac.useAgent(wrapOpenAIAgent(support, { tools: [createKnowledgeSearchTool()] }));
 * ```
 */
export function wrapOpenAIAgent(agent: AnyAgent, options: WrapOpenAIAgentOptions = {}): TACAgent {
  if (typeof agent?.clone !== 'function' || !Array.isArray(agent.tools)) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      'wrapOpenAIAgent(agent): expected an Agent from @openai/agents (new Agent({ name, instructions, ... })).',
    );
  }
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new TACError(TACErrorCode.INVALID_ARGUMENT, `wrapOpenAIAgent: ${problems.join('; ')}`);
  }
  const tools = options.tools ?? [];
  const graph = cloneAgentGraph(agent, toOpenAIAgentsTools(tools));
  const resume = options.resumeLastAgent ?? true;

  return {
    name: options.name ?? `openai-agents:${agent.name}`,
    tools,
    instructions: typeof agent.instructions === 'string' ? agent.instructions : undefined,
    async *stream(input) {
      const turn: TACTurnData = {
        input,
        tools: new Map(input.tools.map((t): [string, BoundTool] => [t.name, t])),
      };
      const base: object =
        options.context?.(input) ??
        ({
          conversationId: input.session.conversationId,
          session: input.session,
          channel: input.channel,
        } satisfies TACRunContext);
      // The user's own context object keeps its identity; the turn rides on a symbol.
      const context = Object.assign(base, { [TAC_TURN]: turn });
      const activeName = input.session.metadata[ACTIVE_AGENT_METADATA_KEY];
      const start = (resume && typeof activeName === 'string' && graph.byName.get(activeName)) || graph.root;
      const runOptions = {
        stream: true as const,
        signal: input.signal,
        context,
        maxTurns: options.maxTurns ?? input.maxToolRounds + 1,
        // Too many rounds ends the turn without text (core then says its short line) instead of throwing.
        errorHandlers: { maxTurns: () => ({ finalOutput: '', includeInHistory: false }) },
        // Per run, because a Runner's resolved config reads 'raise_error' whether or not its
        // owner chose it; the adapter option is where that choice is made.
        toolNotFoundBehavior: options.toolNotFoundBehavior ?? 'return_error_to_model',
      };
      const items = toAgentInputItems(input.history, input.message);
      const result = options.runner
        ? await options.runner.run(start, items, runOptions)
        : await run(start, items, runOptions);
      for await (const event of result) {
        if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
          yield event.data.delta;
        }
      }
      await result.completed;
      if (result.error) throw result.error;
      if (!result.cancelled && resume) {
        const last = result.lastAgent as AnyAgent | undefined;
        if (last && last !== graph.root && graph.byName.get(last.name) === last) {
          input.session.metadata[ACTIVE_AGENT_METADATA_KEY] = last.name;
        } else {
          delete input.session.metadata[ACTIVE_AGENT_METADATA_KEY];
        }
      }
    },
  };
}
