/**
 * @tac/testing: a local Twilio emulator (Conversation Orchestrator, Memory,
 * Knowledge, Studio, Calls, Messages, ConversationRelay) faithful to Twilio's
 * wire formats, for testing TAC apps (and any Twilio app) offline.
 *
 * Exports are grouped by folder (sorted by path): Calls/Messages and the
 * `twilio` client, customers, the emulator, faults and errors, Conversation
 * Intelligence, products' records, voice (caller, client, frames, TwiML),
 * webhook signatures.
 */

export {
  type CallRecord,
  type CallStatus,
  createTwilioClient,
  EmulatorRequestClient,
  type SentMessage,
} from './api/index.ts';
export {
  type CustomerOptions,
  type CustomerReply,
  MessagingCustomer,
  type SentCustomerMessage,
} from './customers/index.ts';
export {
  type AppTarget,
  type CallControls,
  type EmulatorOptions,
  type OrchestratorControls,
  TwilioEmulator,
} from './emulator/index.ts';
export type { Fault, FaultOptions, Product, TwilioErrorBody } from './http/index.ts';
export type {
  DeliverIntelligenceOptions,
  IntelligenceControls,
  IntelligenceOperator,
  IntelligencePayload,
  IntelligenceResponse,
  OperatorOutputFormat,
  OperatorResult,
  OperatorResultInput,
} from './intelligence/index.ts';
export {
  type KnowledgeChunk,
  type KnowledgeSearchRecord,
  type KnowledgeSeed,
  rankBm25,
} from './knowledge/index.ts';
export type {
  LookupRecord,
  ObservationResource,
  ProfileSeed,
  RecallRecord,
  SummaryResource,
  Traits,
} from './memory/index.ts';
export type {
  ActionRecord,
  CommunicationResource,
  ConfigurationResource,
  ConversationResource,
  ConversationStatus,
  CustomerChannel,
  OrchestratorEvent,
  OrchestratorEventType,
  ParticipantResource,
  ParticipantType,
} from './orchestrator/index.ts';
export type { StudioExecution } from './studio/index.ts';
export { EmulatorError, EmulatorErrorCode, type WaitForOptions } from './util/index.ts';
export {
  type AnswerOptions,
  type AppFrame,
  type CallEnd,
  type CallEvents,
  ConversationRelayClient,
  type ConversationRelayClientOptions,
  type ConversationRelayTwiml,
  checkAppFrame,
  type DtmfMessage,
  EmulatedCall,
  type EndFrame,
  type ErrorMessage,
  type InterruptMessage,
  type ParsedTwiml,
  type PlaceCallOptions,
  type PromptMessage,
  parseTwiml,
  type RelayClose,
  type RelayEvents,
  type RelayProtocolError,
  type RelayReply,
  type SetupMessage,
  type TextFrame,
} from './voice/index.ts';
export {
  bodySha256,
  signFormWebhook,
  signJsonWebhook,
  signWebSocketUpgrade,
  type WebhookDelivery,
  type WebhookKind,
  type WebhookRetryPolicy,
} from './webhooks/index.ts';
