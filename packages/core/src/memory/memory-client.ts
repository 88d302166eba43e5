import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TwilioHttpClient } from '../http/index.ts';
import type { TAC } from '../tac.ts';
import { type MemoryProfile, parseProfile } from './memory-items.ts';
import { TACMemoryResponse } from './tac-memory-response.ts';

/** Per-call options of {@link MemoryClient}. */
export interface MemoryRequestOptions {
  /** Cancels the request (turn abort, memory timeout). */
  signal?: AbortSignal;
  /** @defaultValue the HTTP client's timeout (30 s) */
  timeoutMs?: number;
}

/** Body of a Recall (`POST …/Profiles/{profileId}/Recall`); omitted fields are not sent. */
export interface RecallParams {
  /** Scopes Recall to a conversation (required by Memory when `communicationsLimit > 0`). */
  conversationId?: string;
  /** Semantic + lexical query (1–1024 characters; longer text is cut, blank is omitted). */
  query?: string;
  /** ISO-8601 lower bound. */
  beginDate?: string;
  /** ISO-8601 upper bound. */
  endDate?: string;
  observationsLimit?: number;
  summariesLimit?: number;
  communicationsLimit?: number;
  relevanceThreshold?: number;
}

/** One observation to store (`POST …/Observations`). */
export interface ObservationInput {
  content: string;
  /** @defaultValue `'conversation-intelligence'` */
  source?: string;
  conversationIds?: string[];
  /** @defaultValue now */
  occurredAt?: string;
}

/** One conversation summary to store (`POST …/ConversationSummaries`). */
export interface SummaryInput {
  content: string;
  conversationId: string;
  /** @defaultValue now */
  occurredAt?: string;
  source?: string;
}

const MAX_QUERY = 1024;

/**
 * Typed client of Twilio Conversation Memory for one store (reference §3),
 * over `tac.http` (Basic auth, regions, `TWILIO_API_BASE_URL`, retries).
 * Responses are parsed leniently: invalid Recall items are dropped, not fatal.
 *
 * @example
 * ```ts
 * const memory = MemoryClient.fromTAC(tac);
 * const [profileId] = (await memory?.lookupProfile('phone', '+15551234567')) ?? [];
 * ```
 */
export class MemoryClient {
  readonly storeId: string;
  private readonly http: TwilioHttpClient;

  constructor(http: TwilioHttpClient, storeId: string) {
    if (!storeId) throw new TACError(TACErrorCode.INVALID_ARGUMENT, 'MemoryClient needs a Memory store id');
    this.http = http;
    this.storeId = storeId;
  }

  /** The client for `tac`'s Memory store, or `undefined` in relay-only mode or without a store. */
  static fromTAC(tac: TAC): MemoryClient | undefined {
    const storeId = tac.memoryStoreId;
    return storeId ? new MemoryClient(tac.http, storeId) : undefined;
  }

  private path(suffix = ''): string {
    return `/v1/Stores/${encodeURIComponent(this.storeId)}/Profiles${suffix}`;
  }

  /** `POST` to a path under this store's profiles, with the call's signal and timeout. */
  private post<T = unknown>(path: string, json: unknown, options: MemoryRequestOptions) {
    return this.http.request<T>({
      product: 'memory',
      method: 'POST',
      path,
      json,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Profile ids matching a phone number or an email (`POST …/Profiles/Lookup`); `[]` when none. */
  async lookupProfile(
    idType: 'phone' | 'email',
    value: string,
    options: MemoryRequestOptions = {},
  ): Promise<string[]> {
    const res = await this.post<{ profiles?: unknown }>(this.path('/Lookup'), { idType, value }, options);
    const profiles = res.body?.profiles;
    return Array.isArray(profiles)
      ? profiles.filter((p): p is string => typeof p === 'string' && p !== '')
      : [];
  }

  /**
   * Create (or resolve, by identity) a profile from traits (`POST …/Profiles`,
   * 202). The traits must include a trait promoted to an identifier, such as
   * `{ Contact: { phone } }`.
   */
  async createProfile(traits: Record<string, unknown>, options: MemoryRequestOptions = {}): Promise<string> {
    const res = await this.post<{ id?: unknown }>(this.path(), { traits }, options);
    const id = res.body?.id;
    if (typeof id !== 'string' || !id) {
      throw new TACError(TACErrorCode.TWILIO_API, 'Memory profile creation answered without an id', {
        context: { status: res.status },
      });
    }
    return id;
  }

  /** A profile with its traits; `traitGroups` limits the groups (all when omitted). */
  async getProfile(
    profileId: string,
    options: MemoryRequestOptions & { traitGroups?: readonly string[] } = {},
  ): Promise<MemoryProfile> {
    const res = await this.http.request({
      product: 'memory',
      method: 'GET',
      path: this.path(`/${encodeURIComponent(profileId)}`),
      query: { traitGroups: options.traitGroups?.length ? options.traitGroups.join(',') : undefined },
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    const profile = parseProfile(res.body);
    if (!profile) {
      throw new TACError(
        TACErrorCode.TWILIO_API,
        'Memory answered a profile request with an unexpected body',
        {
          context: { profileId },
        },
      );
    }
    return profile;
  }

  /** Observations, summaries and communications for a profile (`POST …/Recall`). */
  async recall(
    profileId: string,
    params: RecallParams = {},
    options: MemoryRequestOptions = {},
  ): Promise<TACMemoryResponse> {
    const query = params.query?.trim() ? params.query.slice(0, MAX_QUERY) : undefined;
    const res = await this.post(
      this.path(`/${encodeURIComponent(profileId)}/Recall`),
      { ...params, query },
      options,
    );
    return TACMemoryResponse.fromRecall(res.body);
  }

  /** Store observations in one batch (the `{observations: [...]}` wrapper; a flat object is a silent 400). */
  async createObservations(
    profileId: string,
    observations: readonly ObservationInput[],
    options: MemoryRequestOptions = {},
  ): Promise<unknown> {
    const now = new Date().toISOString();
    const res = await this.post(
      this.path(`/${encodeURIComponent(profileId)}/Observations`),
      {
        observations: observations.map((o) => ({
          content: o.content,
          source: o.source ?? 'conversation-intelligence',
          conversationIds: o.conversationIds,
          occurredAt: o.occurredAt ?? now,
        })),
      },
      options,
    );
    return res.body;
  }

  /** Store conversation summaries in one batch. */
  async createSummaries(
    profileId: string,
    summaries: readonly SummaryInput[],
    options: MemoryRequestOptions = {},
  ): Promise<unknown> {
    const now = new Date().toISOString();
    const res = await this.post(
      this.path(`/${encodeURIComponent(profileId)}/ConversationSummaries`),
      {
        summaries: summaries.map((s) => ({
          content: s.content,
          conversationId: s.conversationId,
          occurredAt: s.occurredAt ?? now,
          source: s.source,
        })),
      },
      options,
    );
    return res.body;
  }
}
