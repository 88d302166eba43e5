import type { ChannelType } from '../channels/channel-type.ts';

/** A participant address (`+1555…`, `whatsapp:+1555…`, an email for chat) with its Orchestrator participant id. */
export interface AuthorInfo {
  address: string;
  participantId?: string;
}

/** A Memory profile attached to the session. */
export interface SessionProfile {
  id: string;
  createdAt?: string;
  traits?: Record<string, unknown>;
}

/** What a Studio/voice handoff passes on (`HandoffData`). */
export interface HandoffPayload {
  conversationId: string;
  storeId: string;
  profileId: string;
  attributes: Record<string, unknown>;
}

/**
 * State of one conversation (a call or a messaging thread). Plain JSON so any
 * {@link SessionStore} (in-memory, Redis) can hold it.
 */
export interface ConversationSession {
  /** Orchestrator conversation id, or the CallSid in relay-only voice. */
  conversationId: string;
  channel: ChannelType;
  /** ISO-8601 start time. */
  startedAt: string;
  /** Voice: the call's CallSid (equals `conversationId` in relay-only mode). */
  callSid?: string;
  profileId?: string;
  serviceId?: string;
  profile?: SessionProfile;
  /** The customer. */
  authorInfo?: AuthorInfo;
  /** TAC's own participant (undefined in relay-only voice). */
  aiAgentInfo?: AuthorInfo;
  /** e.g. `channelId` (chat), `direction: 'outbound'`, voice `customParameters`. */
  metadata: Record<string, unknown>;
  /** Set by the handoff tool; voice sends it in the `end` frame after the final reply. */
  pendingHandoffData?: HandoffPayload;
  /** `memoryMode: 'once'` cache: the raw Recall/communications data. */
  cachedMemory?: unknown;
}

/** Build a new session with defaults. */
export function createSession(
  init: Pick<ConversationSession, 'conversationId' | 'channel'> & Partial<ConversationSession>,
): ConversationSession {
  return { startedAt: new Date().toISOString(), metadata: {}, ...init };
}
