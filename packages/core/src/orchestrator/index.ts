export { BoundedSet } from './bounded-set.ts';
export {
  type ActionRetryOptions,
  ConversationsClient,
  conflictingConversationId,
  isRetriableSendError,
} from './conversations-client.ts';
export { DISPATCH_DEDUP_CAPACITY, dispatchOrchestratorEvent } from './dispatch-event.ts';
export type {
  ActionResource,
  CommunicationResource,
  ConversationResource,
  ConversationStatus,
  CreateConversationInput,
  MessageEndpoint,
  PageMeta,
  Participant,
  ParticipantAddress,
  ParticipantInput,
  ParticipantType,
  SendMessageAction,
} from './orchestrator-types.ts';
export {
  type CommunicationCreatedData,
  CommunicationCreatedDataSchema,
  type ConversationUpdatedData,
  ConversationUpdatedDataSchema,
  OrchestratorEventSchema,
  parseOrchestratorEvent,
} from './webhook-event.ts';
