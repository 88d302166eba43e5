/**
 * Memory for one turn: a Conversation Memory Recall result, or (fallback) the
 * Orchestrator's communications for the conversation.
 *
 * NOTE: skeleton owned by the memory module; parsing and prompts are filled in there.
 */
export interface ObservationInfo {
  id?: string;
  content: string;
  source?: string;
  occurredAt?: string;
  createdAt?: string;
  updatedAt?: string;
  conversationIds?: string[];
}

/** A past conversation summary. */
export interface SummaryInfo {
  id?: string;
  content: string;
  conversationId?: string;
  source?: string;
  occurredAt?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** A participant of a communication (Orchestrator and Memory shapes merged). */
export interface TACCommunicationAuthor {
  address?: string;
  channel?: string;
  participantId?: string;
  deliveryStatus?: string;
  id?: string;
  name?: string;
  type?: string;
  profileId?: string;
}

/** One message of a conversation, normalized. */
export interface TACCommunication {
  id?: string;
  author: TACCommunicationAuthor;
  content: { type?: string; text?: string; transcription?: unknown };
  recipients: TACCommunicationAuthor[];
  channelId?: string;
  createdAt?: string;
  updatedAt?: string;
  conversationId?: string;
  accountId?: string;
}

/** Serializable form (stored in the session for `memoryMode: 'once'`). */
export interface TACMemoryData {
  observations: ObservationInfo[];
  summaries: SummaryInfo[];
  communications: TACCommunication[];
  hasMemoryFeatures: boolean;
  rawData?: unknown;
}

/** Memory attached to a turn; see the reference §1.6. */
export class TACMemoryResponse implements TACMemoryData {
  readonly observations: ObservationInfo[];
  readonly summaries: SummaryInfo[];
  readonly communications: TACCommunication[];
  /** True when the data came from Conversation Memory (not the Orchestrator fallback). */
  readonly hasMemoryFeatures: boolean;
  readonly rawData: unknown;

  constructor(data: Partial<TACMemoryData> = {}) {
    this.observations = data.observations ?? [];
    this.summaries = data.summaries ?? [];
    this.communications = data.communications ?? [];
    this.hasMemoryFeatures = data.hasMemoryFeatures ?? false;
    this.rawData = data.rawData;
  }

  /** An empty response (relay-only mode, or nothing found). */
  static empty(): TACMemoryResponse {
    return new TACMemoryResponse();
  }

  /** Rebuild from {@link TACMemoryResponse.toJSON} output. */
  static fromJSON(data: TACMemoryData): TACMemoryResponse {
    return new TACMemoryResponse(data);
  }

  toJSON(): TACMemoryData {
    return {
      observations: this.observations,
      summaries: this.summaries,
      communications: this.communications,
      hasMemoryFeatures: this.hasMemoryFeatures,
      rawData: this.rawData,
    };
  }
}
