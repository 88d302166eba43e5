export {
  addressProblem,
  type CustomerChannel,
  normalizeEmail,
  normalizePhone,
  orchestratorChannel,
} from './addresses.ts';
export { registerOrchestratorRoutes } from './orchestrator-routes.ts';
export {
  type AddedCommunication,
  type ConversationRecord,
  type OrchestratorHooks,
  OrchestratorStore,
  type ParticipantInput,
} from './orchestrator-store.ts';
export {
  type ActionRecord,
  CONVERSATION_STATUSES,
  type CommunicationAuthor,
  type CommunicationContent,
  type CommunicationRecipient,
  type CommunicationResource,
  type ConfigurationResource,
  type ConversationResource,
  type ConversationStatus,
  GROUPING_TYPES,
  type GroupingType,
  ORCHESTRATOR_CHANNELS,
  ORCHESTRATOR_EVENT_TYPES,
  type OrchestratorChannel,
  type OrchestratorEvent,
  type OrchestratorEventType,
  PARTICIPANT_TYPES,
  type ParticipantAddress,
  type ParticipantResource,
  type ParticipantType,
  type SendMessagePayload,
  type StatusCallback,
} from './types.ts';
