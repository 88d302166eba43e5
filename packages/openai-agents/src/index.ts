/**
 * @tac/openai-agents: serve an OpenAI Agents SDK agent on every Twilio Agent Connect channel.
 */
export { type ClonedAgentGraph, cloneAgentGraph } from './clone-agent-graph.ts';
export { TAC_TURN, type TACRunContext, type TACTurnData, turnOf } from './tac-run-context.ts';
export { toAgentInputItems } from './to-agent-input-items.ts';
export { toOpenAIAgentsTools } from './to-openai-agents-tools.ts';
export {
  ACTIVE_AGENT_METADATA_KEY,
  type WrapOpenAIAgentOptions,
  wrapOpenAIAgent,
} from './wrap-openai-agent.ts';
