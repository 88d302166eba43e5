/**
 * @tac/langchain: serve a LangChain.js runnable (chat model, chain or graph) on every Twilio Agent Connect channel.
 */
export {
  createRunnableAgent,
  type RunnableAgentOptions,
  type ServableRunnable,
  type StreamEventsGraph,
} from './create-runnable-agent.ts';
export { TAC_TURN_KEY, type TACTurnData, turnOfConfig } from './tac-runnable-config.ts';
export { toLangChainMessages } from './to-langchain-messages.ts';
export { toLangChainTools } from './to-langchain-tools.ts';
