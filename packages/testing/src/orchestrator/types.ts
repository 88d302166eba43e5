/** Orchestrator channels (reference tac-reference.md §2). */
export const ORCHESTRATOR_CHANNELS = [
  'VOICE',
  'SMS',
  'RCS',
  'EMAIL',
  'WHATSAPP',
  'CHAT',
  'API',
  'SYSTEM',
] as const;
/** One of {@link ORCHESTRATOR_CHANNELS}. */
export type OrchestratorChannel = (typeof ORCHESTRATOR_CHANNELS)[number];

/** Participant types; `UNKNOWN` comes from the Conversations v1 bridge. */
export const PARTICIPANT_TYPES = ['HUMAN_AGENT', 'CUSTOMER', 'AI_AGENT', 'AGENT', 'UNKNOWN'] as const;
/** One of {@link PARTICIPANT_TYPES}. */
export type ParticipantType = (typeof PARTICIPANT_TYPES)[number];

/** Conversation statuses. */
export const CONVERSATION_STATUSES = ['ACTIVE', 'INACTIVE', 'CLOSED'] as const;
/** One of {@link CONVERSATION_STATUSES}. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Grouping rules of a Conversation Configuration. */
export const GROUPING_TYPES = [
  'GROUP_BY_PROFILE',
  'GROUP_BY_PARTICIPANT_ADDRESSES',
  'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
] as const;
/** One of {@link GROUPING_TYPES}. */
export type GroupingType = (typeof GROUPING_TYPES)[number];

/** Orchestrator webhook event types. */
export const ORCHESTRATOR_EVENT_TYPES = [
  'CONVERSATION_CREATED',
  'CONVERSATION_UPDATED',
  'PARTICIPANT_ADDED',
  'PARTICIPANT_UPDATED',
  'PARTICIPANT_REMOVED',
  'COMMUNICATION_CREATED',
  'COMMUNICATION_UPDATED',
] as const;
/** One of {@link ORCHESTRATOR_EVENT_TYPES}. */
export type OrchestratorEventType = (typeof ORCHESTRATOR_EVENT_TYPES)[number];

/** A participant address. */
export interface ParticipantAddress {
  channel: OrchestratorChannel;
  address: string;
  channelId: string | null;
}

/** Participant resource. */
export interface ParticipantResource {
  id: string;
  conversationId: string;
  accountId: string;
  name: string | null;
  type: ParticipantType;
  profileId: string | null;
  addresses: ParticipantAddress[];
  createdAt: string;
  updatedAt: string;
}

/** Author of a communication. */
export interface CommunicationAuthor {
  address: string;
  channel: OrchestratorChannel;
  participantId: string | null;
}

/** Recipient of a communication. */
export interface CommunicationRecipient extends CommunicationAuthor {
  deliveryStatus: 'INITIATED' | 'IN_PROGRESS' | 'DELIVERED' | 'COMPLETED' | 'FAILED';
}

/** Communication content: `TEXT`, or `TRANSCRIPTION` for voice. */
export interface CommunicationContent {
  type: 'TEXT' | 'TRANSCRIPTION';
  text?: string;
  transcription?: {
    channel: 0 | 1;
    confidence: number;
    engine: string;
    words: { text: string; startTime: number; endTime: number }[];
  };
}

/** Communication resource (the `data` of `COMMUNICATION_CREATED`). */
export interface CommunicationResource {
  id: string;
  conversationId: string;
  accountId: string;
  serviceId: string;
  author: CommunicationAuthor;
  content: CommunicationContent;
  channelId: string | null;
  recipients: CommunicationRecipient[];
  createdAt: string;
  updatedAt: string;
}

/** A status-callback target. */
export interface StatusCallback {
  url: string;
  method: 'POST';
}

/** Conversation resource (the `data` of `CONVERSATION_*`). */
export interface ConversationResource {
  id: string;
  accountId: string;
  configurationId: string;
  serviceId: string;
  status: ConversationStatus;
  name: string | null;
  createdAt: string;
  updatedAt: string;
  configuration: { intelligenceServiceIds: string[]; statusCallbacks?: StatusCallback[] };
}

/** Conversation Configuration resource. */
export interface ConfigurationResource {
  id: string;
  displayName: string;
  description: string;
  conversationGroupingType: GroupingType;
  memoryStoreId: string;
  channelSettings: Record<string, unknown>;
  statusCallbacks: StatusCallback[];
  intelligenceConfigurationIds: string[];
  conversationsV1Bridge: { serviceId: string };
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** An Actions API request as recorded (`emu.orchestrator.actions`). */
export interface ActionRecord {
  id: string;
  type: 'SEND_MESSAGE';
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  conversationId: string;
  createdAt: string;
  /** The request payload as the app sent it. */
  payload: SendMessagePayload;
  /** The communication it produced, once completed. */
  communicationId?: string;
}

/** `SEND_MESSAGE` payload. */
export interface SendMessagePayload {
  from: { channel: OrchestratorChannel; participantId?: string; address?: string };
  to: { channel: OrchestratorChannel; participantId?: string; address?: string }[];
  content: { text: string };
  channelSettings?: Record<string, unknown>;
}

/** An Orchestrator webhook envelope. */
export interface OrchestratorEvent<T = unknown> {
  eventType: OrchestratorEventType;
  timestamp: string;
  data: T;
}
