/**
 * Resource shapes of the Conversation Orchestrator REST API ("Conversations v2",
 * reference §2). Only the fields TAC reads are typed; everything else passes through.
 */

/** Participant types; `AGENT` is legacy and `UNKNOWN` comes from the Conversations v1 bridge. */
export type ParticipantType = 'HUMAN_AGENT' | 'CUSTOMER' | 'AI_AGENT' | 'AGENT' | 'UNKNOWN';

/** Conversation status. */
export type ConversationStatus = 'ACTIVE' | 'INACTIVE' | 'CLOSED';

/** One address of a participant, e.g. `{ channel: 'SMS', address: '+15551230000' }`. */
export interface ParticipantAddress {
  /** Uppercase channel: `SMS`, `WHATSAPP`, `RCS`, `CHAT`, `VOICE`, … */
  channel: string;
  address: string;
  /** Chat: the Conversations v1 channel SID. */
  channelId?: string | null;
}

/** A conversation participant. */
export interface Participant {
  id: string;
  conversationId?: string;
  accountId?: string;
  name?: string | null;
  type: ParticipantType | (string & {});
  profileId?: string | null;
  addresses: ParticipantAddress[];
  createdAt?: string;
  updatedAt?: string;
}

/** Body of `POST …/Participants` and `PUT …/Participants/{id}` (PUT is a full replacement). */
export interface ParticipantInput {
  name?: string | null;
  type: ParticipantType;
  profileId?: string | null;
  addresses: ParticipantAddress[];
}

/** A conversation. */
export interface ConversationResource {
  id: string;
  accountId?: string;
  status?: ConversationStatus | (string & {});
  name?: string | null;
  configurationId?: string;
  createdAt?: string;
  updatedAt?: string;
  [key: string]: unknown;
}

/** Body of `POST /v2/Conversations`. */
export interface CreateConversationInput {
  configurationId: string;
  name?: string;
  participants?: ParticipantInput[];
}

/** Who sends or receives a message in an action: a participant id and/or an address, plus the channel. */
export interface MessageEndpoint {
  channel: string;
  participantId?: string;
  address?: string;
}

/** The `SEND_MESSAGE` action (reference §2.3). */
export interface SendMessageAction {
  type: 'SEND_MESSAGE';
  payload: {
    from: MessageEndpoint;
    to: MessageEndpoint[];
    content: { text: string };
    /** Open pass-through; Chat needs `channelId` and `chatService`. */
    channelSettings?: Record<string, unknown>;
  };
}

/** Answer of `POST …/Actions` (202): the message itself arrives later as `COMMUNICATION_CREATED`. */
export interface ActionResource {
  id: string;
  type: string;
  status?: 'PENDING' | 'COMPLETED' | 'FAILED' | (string & {});
  conversationId?: string;
  createdAt?: string;
  [key: string]: unknown;
}

/** Pagination block of list answers. */
export interface PageMeta {
  key?: string;
  pageSize?: number;
  previousToken?: string | null;
  nextToken?: string | null;
}

/** A communication (message or transcription) as the Orchestrator returns it. */
export interface CommunicationResource {
  id: string;
  conversationId?: string;
  author: { address: string; channel: string; participantId?: string | null };
  content: { type?: string; text?: string | null; transcription?: unknown };
  recipients?: { address: string; channel: string; participantId?: string | null; deliveryStatus?: string }[];
  channelId?: string | null;
  createdAt?: string;
  updatedAt?: string;
  [key: string]: unknown;
}
