/**
 * @tac/core: the Twilio Agent Connect runtime.
 *
 * Sections below are owned by capability folders; keep exports explicit.
 */

// Runtime
export { type OrchestratorConfiguration, TAC, type TACCreateOptions, type TACOptions } from './tac.ts';
// Configuration
export {
  ENV_VARS,
  type MemoryConfig,
  TACConfig,
  type TACConfigData,
  TACConfigSchema,
  type TACConfigValues,
  type TwilioProduct,
} from './config/index.ts';
// Errors
export { isAbortError, TACError, TACErrorCode, TwilioApiError } from './errors/index.ts';
// Logging and PII
export {
  type CreateLoggerOptions,
  createLogger,
  createSilentLogger,
  maskAddress,
  maskEmail,
  maskPhone,
  scrubObject,
  scrubPii,
  type TACLogger,
} from './logging/index.ts';
// REST
export {
  TwilioHttpClient,
  type TwilioHttpClientOptions,
  type TwilioRequest,
  type TwilioResponse,
} from './http/index.ts';
// Sessions
export {
  type AuthorInfo,
  type ConversationSession,
  createSession,
  type HandoffPayload,
  InMemorySessionStore,
  type SessionProfile,
  type SessionStore,
} from './session/index.ts';
// Channels (shared)
export type { Channel, OrchestratorEvent, SendResponseOptions } from './channels/channel.ts';
export {
  CHANNEL_TYPES,
  type ChannelType,
  type MemoryMode,
  type MessagingChannelType,
  orchestratorChannelName,
} from './channels/channel-type.ts';
// Turn
export type {
  ConversationEndedContext,
  ConversationEndedHandler,
  ConversationEndReason,
  ErrorContext,
  ErrorHandler,
  InterruptContext,
  InterruptHandler,
  MessageHandlerResult,
  MessageReadyContext,
  MessageReadyHandler,
} from './turn/handlers.ts';
export type { AssistantHistoryItem, HistoryItem, ToolHistoryItem, UserHistoryItem } from './turn/history.ts';
export { type TACEventMap, TACEvents, type TurnEndReason } from './turn/events.ts';
export { TurnAbortReason, turnAbortReasonOf } from './turn/turn-abort.ts';
export { runTurn, type TurnOutput, type TurnRequest } from './turn/run-turn.ts';
// Agents
export type { AgentTurnInput, BoundTool, TACAgent } from './agent/types.ts';
export type { UseAgentOptions } from './agent/use-agent.ts';
// Tools
export type { JSONSchema, TACTool, ToolContext, ToolResult, ToolValidation } from './tools/types.ts';
// Memory
export {
  type ObservationInfo,
  type SummaryInfo,
  type TACCommunication,
  type TACCommunicationAuthor,
  type TACMemoryData,
  TACMemoryResponse,
} from './memory/tac-memory-response.ts';
