import { setTimeout as delay } from 'node:timers/promises';
import { TACError, TACErrorCode, TwilioApiError } from '../errors/index.ts';
import type { TwilioHttpClient } from '../http/index.ts';
import type {
  ActionResource,
  CommunicationResource,
  ConversationResource,
  ConversationStatus,
  CreateConversationInput,
  PageMeta,
  Participant,
  ParticipantInput,
  SendMessageAction,
} from './orchestrator-types.ts';

/** Retry settings of {@link ConversationsClient.createAction}. */
export interface ActionRetryOptions {
  /** Attempts after the first. @defaultValue 3 */
  retries?: number;
  /** First backoff delay in ms; doubles each attempt (a 429's `Retry-After` wins when longer). @defaultValue 250 */
  backoffMs?: number;
  signal?: AbortSignal;
}

const MAX_PAGES = 20;
const MAX_RETRY_AFTER_MS = 10_000;

const seg = (id: string) => encodeURIComponent(id);

/** Wait `ms`; rejects (AbortError) as soon as `signal` fires. */
const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

/**
 * True when sending the same action again cannot double-deliver in practice:
 * the Orchestrator answered 5xx/429, or the connection failed without an
 * answer. A timeout is NOT retried: the action may have been accepted, and a
 * duplicate text to a customer is worse than a reported failure.
 */
export function isRetriableSendError(error: unknown): boolean {
  if (!TACError.isInstance(error)) return false;
  if (error instanceof TwilioApiError || error.code === TACErrorCode.TWILIO_API) {
    return (error as TwilioApiError).isTransient;
  }
  return error.code === TACErrorCode.NETWORK && error.context.timedOut !== true;
}

function retryAfterMs(error: unknown): number | undefined {
  const header = (error as TwilioApiError).headers?.['retry-after'];
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * Client of the Conversation Orchestrator REST API (`conversations.twilio.com`,
 * reference §2.3–2.5) on top of TAC's {@link TwilioHttpClient} (auth, region,
 * `TWILIO_API_BASE_URL`, timeouts, retries of idempotent calls).
 *
 * @example
 * ```ts
 * const client = ConversationsClient.for(tac);
 * const participants = await client.listParticipants(conversationId);
 * ```
 */
export class ConversationsClient {
  private static readonly cache = new WeakMap<object, ConversationsClient>();
  private readonly http: TwilioHttpClient;

  constructor(http: TwilioHttpClient) {
    this.http = http;
  }

  /** The client of a TAC instance (one per instance). */
  static for(tac: { readonly http: TwilioHttpClient }): ConversationsClient {
    let client = ConversationsClient.cache.get(tac);
    if (!client) {
      client = new ConversationsClient(tac.http);
      ConversationsClient.cache.set(tac, client);
    }
    return client;
  }

  /**
   * `POST /v2/Conversations`. A 409 (an active conversation with the same
   * addresses exists) surfaces as a {@link TwilioApiError} whose
   * `headers['x-conflicting-resource-id']` names it; see {@link conflictingConversationId}.
   */
  async createConversation(input: CreateConversationInput): Promise<ConversationResource> {
    const res = await this.http.request<ConversationResource>({
      product: 'conversations',
      method: 'POST',
      path: '/v2/Conversations',
      json: input,
    });
    return res.body;
  }

  /** `GET /v2/Conversations/{id}`. */
  async getConversation(conversationId: string): Promise<ConversationResource> {
    const res = await this.http.request<ConversationResource>({
      product: 'conversations',
      method: 'GET',
      path: `/v2/Conversations/${seg(conversationId)}`,
    });
    return res.body;
  }

  /** `GET /v2/Conversations` filtered by status and channel id (a voice call's CallSid), one page. */
  async listConversations(
    query: { status?: ConversationStatus; channelId?: string; pageSize?: number; pageToken?: string } = {},
  ): Promise<{ conversations: ConversationResource[]; meta?: PageMeta }> {
    const res = await this.http.request<{ conversations?: ConversationResource[]; meta?: PageMeta }>({
      product: 'conversations',
      method: 'GET',
      path: '/v2/Conversations',
      query,
    });
    return { conversations: res.body?.conversations ?? [], meta: res.body?.meta };
  }

  /** `PUT /v2/Conversations/{id}` with a new status (and optionally name). */
  async updateConversation(
    conversationId: string,
    update: { status: ConversationStatus; name?: string },
  ): Promise<ConversationResource> {
    const res = await this.http.request<ConversationResource>({
      product: 'conversations',
      method: 'PUT',
      path: `/v2/Conversations/${seg(conversationId)}`,
      json: update,
    });
    return res.body;
  }

  /** Every participant of a conversation (follows `meta.nextToken`). */
  async listParticipants(conversationId: string): Promise<Participant[]> {
    const all: Participant[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.http.request<{ participants?: Participant[]; meta?: PageMeta }>({
        product: 'conversations',
        method: 'GET',
        path: `/v2/Conversations/${seg(conversationId)}/Participants`,
        query: { pageSize: 100, pageToken },
      });
      all.push(...(res.body?.participants ?? []));
      const next = res.body?.meta?.nextToken;
      if (!next) break;
      pageToken = next;
    }
    return all;
  }

  /** `POST …/Participants`. */
  async createParticipant(conversationId: string, input: ParticipantInput): Promise<Participant> {
    const res = await this.http.request<Participant>({
      product: 'conversations',
      method: 'POST',
      path: `/v2/Conversations/${seg(conversationId)}/Participants`,
      json: input,
    });
    return res.body;
  }

  /** `PUT …/Participants/{id}`: a full replacement, so send name and addresses again. */
  async updateParticipant(
    conversationId: string,
    participantId: string,
    input: ParticipantInput,
  ): Promise<Participant> {
    const res = await this.http.request<Participant>({
      product: 'conversations',
      method: 'PUT',
      path: `/v2/Conversations/${seg(conversationId)}/Participants/${seg(participantId)}`,
      json: input,
    });
    return res.body;
  }

  /** One page of a conversation's communications, oldest first as the API returns them. */
  async listCommunications(
    conversationId: string,
    query: { channelId?: string; pageSize?: number; pageToken?: string } = {},
  ): Promise<{ communications: CommunicationResource[]; meta?: PageMeta }> {
    const res = await this.http.request<{ communications?: CommunicationResource[]; meta?: PageMeta }>({
      product: 'conversations',
      method: 'GET',
      path: `/v2/Conversations/${seg(conversationId)}/Communications`,
      query,
    });
    return { communications: res.body?.communications ?? [], meta: res.body?.meta };
  }

  /**
   * `POST …/Actions` (answers 202). Retries only where a duplicate is not a
   * real risk ({@link isRetriableSendError}: 5xx, 429, refused/reset
   * connections), with exponential backoff; throws the last error otherwise.
   */
  async createAction(
    conversationId: string,
    action: SendMessageAction,
    options: ActionRetryOptions = {},
  ): Promise<ActionResource> {
    const retries = options.retries ?? 3;
    const backoffMs = options.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.http.request<ActionResource>({
          product: 'conversations',
          method: 'POST',
          path: `/v2/Conversations/${seg(conversationId)}/Actions`,
          json: action,
          // This loop owns the retry policy of sends.
          retry: 'never',
          signal: options.signal,
        });
        return res.body;
      } catch (error) {
        if (attempt >= retries || !isRetriableSendError(error) || options.signal?.aborted) throw error;
        const delay = Math.max(backoffMs * 2 ** attempt, retryAfterMs(error) ?? 0);
        await sleep(delay, options.signal);
      }
    }
  }
}

/** The id of the existing conversation behind a 409 from `createConversation`, if that is what `error` is. */
export function conflictingConversationId(error: unknown): string | undefined {
  if (!TACError.isInstance(error) || (error as TwilioApiError).status !== 409) return undefined;
  const headers = (error as TwilioApiError).headers ?? {};
  return headers['x-conflicting-resource-id'] ?? undefined;
}
