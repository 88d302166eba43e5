import { parseCommunications, parseObservations, parseSummaries } from './memory-items.ts';

/*
 * Memory for one turn: a Conversation Memory Recall result, or (fallback) the
 * Orchestrator's communications for the conversation.
 */

/** A note Memory keeps about the customer (from Conversation Intelligence or an app). */
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

  /**
   * From a Memory `/Recall` body (`{observations, summaries, communications, meta}`).
   * camelCase and snake_case items are accepted; invalid items are dropped.
   */
  static fromRecall(body: unknown): TACMemoryResponse {
    const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    return new TACMemoryResponse({
      observations: parseObservations(data.observations),
      summaries: parseSummaries(data.summaries),
      communications: parseCommunications(data.communications),
      hasMemoryFeatures: true,
      rawData: body,
    });
  }

  /**
   * From an Orchestrator communications list (`{communications: [...]}` or an
   * array): the fallback when Memory is not configured or failed.
   */
  static fromCommunications(body: unknown): TACMemoryResponse {
    const items = Array.isArray(body) ? body : (body as { communications?: unknown } | null)?.communications;
    return new TACMemoryResponse({
      communications: parseCommunications(items),
      hasMemoryFeatures: false,
      rawData: body,
    });
  }

  /** Rebuild from {@link TACMemoryResponse.toJSON} output. */
  static fromJSON(data: TACMemoryData): TACMemoryResponse {
    return new TACMemoryResponse(data);
  }

  /** True when there is nothing to tell the model. */
  get isEmpty(): boolean {
    return this.observations.length === 0 && this.summaries.length === 0 && this.communications.length === 0;
  }

  /**
   * The memory sections of the prompt (observations, summaries, message
   * history), each omitted when empty. {@link MemoryPromptBuilder} adds the
   * header and the profile section.
   */
  buildMemoryPrompts(): string[] {
    const sections: string[] = [];
    const observations = this.observations.map((o) => o.content).filter((c) => c.trim() !== '');
    if (observations.length > 0) {
      sections.push(
        [
          '## Key Observations',
          'Important notes about the customer from previous interactions:',
          ...observations.map((c) => `- ${c}`),
        ].join('\n'),
      );
    }
    const summaries = this.summaries.map((s) => s.content).filter((c) => c.trim() !== '');
    if (summaries.length > 0) {
      sections.push(
        [
          '## Past Conversation Summaries',
          'Summaries of previous conversations with this customer:',
          ...summaries.map((c) => `- ${c}`),
        ].join('\n'),
      );
    }
    // Orchestrator communications carry no author type, so on fallback every line reads "Assistant" (as in TAC).
    const messages = this.communications
      .filter((c) => typeof c.content.text === 'string' && c.content.text.trim() !== '')
      .map((c) => `${c.author.type === 'CUSTOMER' ? 'User' : 'Assistant'}: ${c.content.text}`);
    if (messages.length > 0) {
      sections.push(
        ['## Recent Message History', 'Recent messages exchanged with this customer:', ...messages].join(
          '\n',
        ),
      );
    }
    return sections;
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
