/**
 * @tac/core: the Twilio Agent Connect runtime.
 *
 * Sections below are owned by capability folders; keep exports explicit.
 */

export {
  type BindToolsContext,
  type BoundToolCallOptions,
  bindTools,
  type HistorySegment,
  isTACAgent,
  isTACTool,
  segmentHistory,
  toolHistoryText,
  toolOutputText,
  toolResultText,
} from './agent/index.ts';
// Agents
export type { AgentTurnInput, BoundTool, TACAgent } from './agent/types.ts';
export type { UseAgentOptions } from './agent/use-agent.ts';
// Calls API
export { type CallInfo, type CallOptions, CallsClient, createBaseUrlRequestClient } from './calls/index.ts';
// Channels (shared)
export type { Channel, OrchestratorEvent, SendResponseOptions } from './channels/channel.ts';
export {
  CHANNEL_TYPES,
  type ChannelType,
  type MemoryMode,
  type MessagingChannelType,
  orchestratorChannelName,
} from './channels/channel-type.ts';
// Messaging channels (SMS, WhatsApp, RCS, Chat over Conversation Orchestrator)
export {
  type BurstPolicy,
  ChatChannel,
  type ChatChannelOptions,
  DEFAULT_MAX_MESSAGE_LENGTH,
  MessagingChannel,
  type MessagingChannelOptions,
  type MessagingChannelSettings,
  type OutboundMessagingOptions,
  type OutboundResult,
  RCSChannel,
  SMSChannel,
  splitMessage,
  WhatsAppChannel,
} from './channels/messaging/index.ts';
// Voice (ConversationRelay)
export {
  type ActionCallbackContext,
  type ActionCallbackHandler,
  type AmdEvent,
  type CallStatusEvent,
  DEFAULT_WELCOME_GREETING,
  type DtmfContext,
  type DtmfHandler,
  type InboundCallRequest,
  type InboundCallTwiMLCustomizer,
  type InboundFrame,
  type InitiateVoiceConversationOptions,
  type InterruptMode,
  type LanguageOptions,
  type OutboundFrame,
  parseInboundFrame,
  type RecordingEvent,
  type RelayActionCallback,
  type ResolvedTwiMLOptions,
  renderConversationRelayTwiml,
  type SetupFrame,
  studioVoiceHandoffUrl,
  type TextFrame,
  VoiceChannel,
  type VoiceChannelEventMap,
  type VoiceChannelOptions,
  type VoiceOrigins,
  type VoiceTwiMLOptions,
  VoiceTwiMLOptionsSchema,
} from './channels/voice/index.ts';
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
// Handoff
export {
  buildHandoffPayload,
  createStudioHandoffTool,
  type HandoffRequest,
  type HandoffResult,
  initiateHandoff,
  type StudioHandoffInput,
  type StudioHandoffToolOptions,
} from './handoff/index.ts';
// REST
export {
  TwilioHttpClient,
  type TwilioHttpClientOptions,
  type TwilioRequest,
  type TwilioResponse,
} from './http/index.ts';
// Conversation Intelligence
export { type OperatorProcessingResult, parseCintelPayload } from './intelligence/index.ts';
// Knowledge
export {
  type KnowledgeBase,
  type KnowledgeChunk,
  KnowledgeClient,
  type KnowledgeRequestOptions,
  type KnowledgeSearchParams,
} from './knowledge/index.ts';
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
// Memory
export {
  MemoryClient,
  type MemoryProfile,
  MemoryPromptBuilder,
  type MemoryPromptOptions,
  type MemoryRequestOptions,
  type ObservationInfo,
  type ObservationInput,
  type RecallParams,
  type RetrieveMemoryOptions,
  retrieveMemory,
  type SummaryInfo,
  type SummaryInput,
  type TACCommunication,
  type TACCommunicationAuthor,
  type TACMemoryData,
  TACMemoryResponse,
} from './memory/index.ts';
// Conversation Orchestrator
export {
  type ActionResource,
  type ConversationResource,
  type ConversationStatus,
  ConversationsClient,
  type CreateConversationInput,
  type MessageEndpoint,
  type Participant,
  type ParticipantAddress,
  type ParticipantInput,
  type ParticipantType,
  parseOrchestratorEvent,
  type SendMessageAction,
} from './orchestrator/index.ts';
// Server
export {
  type TACPluginOptions,
  TACServer,
  type TACServerOptions,
  type TACServerPaths,
  tacPlugin,
  validateFormSignature,
  validateJsonSignature,
  validateWebSocketSignature,
} from './server/index.ts';
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
// Runtime
export { type OrchestratorConfiguration, TAC, type TACCreateOptions, type TACOptions } from './tac.ts';
// Tools
export {
  type BuiltInToolName,
  BuiltInTools,
  createKnowledgeSearchTool,
  createKnowledgeSearchToolAsync,
  createMemoryRetrievalTool,
  createSendMessageTool,
  DEFAULT_MAX_TOOL_OUTPUT_CHARS,
  defineTool,
  type InvokeToolOptions,
  invokeTool,
  isZodSchema,
  type JSONSchema,
  type KnowledgeSearchInput,
  type KnowledgeSearchToolOptions,
  type MemoryRetrievalInput,
  type MemoryRetrievalOutput,
  type MemoryRetrievalToolOptions,
  type SendMessageInput,
  type SendMessageOutput,
  type SendMessageToolOptions,
  safeJsonStringify,
  type TACTool,
  TOOL_NAME_PATTERN,
  type ToolContext,
  type ToolDefinition,
  type ToolImplementation,
  type ToolInput,
  type ToolParameters,
  type ToolResult,
  type ToolValidation,
  validateJsonSchema,
  type ZodSchema,
} from './tools/index.ts';
export { type TACEventMap, TACEvents, type TurnEndReason } from './turn/events.ts';
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
export { runTurn, type TurnOutput, type TurnRequest } from './turn/run-turn.ts';
export { TurnAbortReason, turnAbortReasonOf } from './turn/turn-abort.ts';
