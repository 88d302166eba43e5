export { type BindToolsContext, bindTools } from './bind-tools.ts';
export { type HistorySegment, segmentHistory } from './history-segments.ts';
export { isTACTool } from './is-tac-tool.ts';
export { toolHistoryText, toolOutputText, toolResultText } from './tool-text.ts';
export type { AgentTurnInput, BoundTool, BoundToolCallOptions, TACAgent } from './types.ts';
export { useAgent } from './use-agent.ts';
export { isTACAgent, parseUseAgentOptions, type UseAgentOptions } from './use-agent-options.ts';
