/**
 * @tac/testing: a local Twilio emulator (Conversation Orchestrator, Memory,
 * Knowledge, Studio, Calls, Messages, ConversationRelay) faithful to Twilio's
 * wire formats, for testing TAC apps (and any Twilio app) offline.
 */

// Products
export type { CallRecord, CallStatus, SentMessage } from './api/index.ts';
// Customers
export {
  type CustomerOptions,
  type CustomerReply,
  MessagingCustomer,
  type SentCustomerMessage,
} from './customers/index.ts';
// Emulator
export {
  type AppTarget,
  type CallControls,
  type EmulatorOptions,
  type OrchestratorControls,
  TwilioEmulator,
} from './emulator/index.ts';
export type { Fault, FaultOptions, Product, TwilioErrorBody } from './http/index.ts';
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
// Voice
export {
  type AnswerOptions,
  type AppFrame,
  type CallEnd,
  ConversationRelayClient,
  type ConversationRelayClientOptions,
  type ConversationRelayTwiml,
  checkAppFrame,
  EmulatedCall,
  type ParsedTwiml,
  type PlaceCallOptions,
  type PromptMessage,
  parseTwiml,
  type RelayClose,
  type RelayProtocolError,
  type RelayReply,
  type SetupMessage,
} from './voice/index.ts';
// Webhooks and signatures
export {
  bodySha256,
  signFormWebhook,
  signJsonWebhook,
  signWebSocketUpgrade,
  type WebhookDelivery,
  type WebhookKind,
  type WebhookRetryPolicy,
} from './webhooks/index.ts';
