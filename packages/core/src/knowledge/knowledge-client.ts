import { z } from 'zod';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TwilioHttpClient } from '../http/index.ts';
import { camelizeKeys } from '../memory/memory-items.ts';
import type { TAC } from '../tac.ts';

/** Metadata of an Enterprise Knowledge base (`GET /v2/ControlPlane/KnowledgeBases/{id}`). */
export interface KnowledgeBase {
  id: string;
  displayName?: string;
  description?: string;
  /** `QUEUED | PROVISIONING | ACTIVE | FAILED | DELETING` */
  status?: string;
  createdAt?: string;
  updatedAt?: string;
  version?: number;
}

/** One search hit. */
export interface KnowledgeChunk {
  content: string;
  knowledgeId?: string;
  createdAt?: string;
  /** Relevance; higher is better. */
  score?: number;
}

/** Parameters of {@link KnowledgeClient.search}. */
export interface KnowledgeSearchParams {
  /** The question (1–2048 characters; longer text is cut). */
  query: string;
  /** Number of chunks (1–20). @defaultValue 5 */
  top?: number;
  /** Restrict to these knowledge sources. */
  knowledgeIds?: string[];
}

/** Per-call options of {@link KnowledgeClient}. */
export interface KnowledgeRequestOptions {
  signal?: AbortSignal;
  /** @defaultValue the HTTP client's timeout (30 s) */
  timeoutMs?: number;
}

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

const KnowledgeBaseSchema = z.object({
  id: z.string().min(1),
  displayName: optionalString,
  description: optionalString,
  status: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
  version: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
});

const ChunkSchema = z.object({
  content: z.string().min(1),
  knowledgeId: optionalString,
  createdAt: optionalString,
  score: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
});

const MAX_QUERY = 2048;
const MAX_TOP = 20;

function compact<T extends object>(item: T): T {
  for (const key of Object.keys(item) as (keyof T)[]) if (item[key] === undefined) delete item[key];
  return item;
}

/**
 * Typed client of Twilio Enterprise Knowledge (reference §4) over `tac.http`.
 * Search results are parsed leniently (invalid chunks are dropped) and
 * returned best first.
 *
 * @example
 * ```ts
 * const knowledge = new KnowledgeClient(tac.http);
 * const chunks = await knowledge.search('know_knowledgebase_…', { query: 'What is the return policy?' });
 * ```
 */
export class KnowledgeClient {
  private readonly http: TwilioHttpClient;

  constructor(http: TwilioHttpClient) {
    this.http = http;
  }

  /** A client over `tac.http`. */
  static fromTAC(tac: TAC): KnowledgeClient {
    return new KnowledgeClient(tac.http);
  }

  /** Metadata of a knowledge base (name, description, status). */
  async getKnowledgeBase(
    knowledgeBaseId: string,
    options: KnowledgeRequestOptions = {},
  ): Promise<KnowledgeBase> {
    const res = await this.http.request({
      product: 'knowledge',
      method: 'GET',
      path: `/v2/ControlPlane/KnowledgeBases/${encodeURIComponent(knowledgeBaseId)}`,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    const parsed = KnowledgeBaseSchema.safeParse(camelizeKeys(res.body));
    if (!parsed.success) {
      throw new TACError(
        TACErrorCode.TWILIO_API,
        'Knowledge answered a knowledge-base request with an unexpected body',
        {
          context: { knowledgeBaseId },
        },
      );
    }
    return compact(parsed.data);
  }

  /** Chunks relevant to a query, best first (`POST /v2/KnowledgeBases/{id}/Search`). */
  async search(
    knowledgeBaseId: string,
    params: KnowledgeSearchParams,
    options: KnowledgeRequestOptions = {},
  ): Promise<KnowledgeChunk[]> {
    const query = params.query.trim().slice(0, MAX_QUERY);
    if (!query) throw new TACError(TACErrorCode.INVALID_ARGUMENT, 'Knowledge search needs a non-empty query');
    const top = Math.min(MAX_TOP, Math.max(1, Math.trunc(params.top ?? 5)));
    const res = await this.http.request<{ chunks?: unknown }>({
      product: 'knowledge',
      method: 'POST',
      path: `/v2/KnowledgeBases/${encodeURIComponent(knowledgeBaseId)}/Search`,
      json: { query, top, knowledgeIds: params.knowledgeIds?.length ? params.knowledgeIds : undefined },
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    const items = Array.isArray(res.body?.chunks) ? res.body.chunks : [];
    const chunks: KnowledgeChunk[] = [];
    for (const item of items) {
      const parsed = ChunkSchema.safeParse(camelizeKeys(item));
      if (parsed.success) chunks.push(compact(parsed.data));
    }
    // Knowledge already ranks; a stable sort keeps its order among equal or missing scores.
    return chunks
      .map((chunk, index) => ({ chunk, index }))
      .sort((a, b) => (b.chunk.score ?? 0) - (a.chunk.score ?? 0) || a.index - b.index)
      .map((x) => x.chunk);
  }
}
