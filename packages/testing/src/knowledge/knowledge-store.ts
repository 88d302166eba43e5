import { newId } from '../util/ids.ts';
import { isoNow } from '../util/time.ts';
import { rankBm25 } from './bm25.ts';

/** Knowledge base metadata (`GET /v2/ControlPlane/KnowledgeBases/{id}`). */
export interface KnowledgeBaseResource {
  id: string;
  displayName: string;
  description: string;
  status: 'QUEUED' | 'PROVISIONING' | 'ACTIVE' | 'FAILED' | 'DELETING';
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A searchable chunk. */
export interface KnowledgeChunk {
  content: string;
  knowledgeId: string;
  createdAt: string;
}

/** A chunk to seed. */
export interface KnowledgeSeed {
  content: string;
  /** Groups chunks into a knowledge source (filterable with `knowledgeIds`). @defaultValue one shared source */
  knowledgeId?: string;
}

/** A recorded Search request. */
export interface KnowledgeSearchRecord {
  query: string;
  top: number;
  knowledgeIds?: string[];
  /** Chunks returned, best first. */
  results: (KnowledgeChunk & { score: number })[];
}

/** Enterprise Knowledge: one knowledge base with chunks searched by BM25 (`emu.knowledge`). */
export class KnowledgeStore {
  readonly base: KnowledgeBaseResource;
  readonly chunks: KnowledgeChunk[] = [];
  /** Every Search request, oldest first. */
  readonly searches: KnowledgeSearchRecord[] = [];
  private readonly defaultKnowledgeId = newId.knowledge();

  constructor(metadata: { displayName: string; description: string }) {
    const now = isoNow();
    this.base = {
      id: newId.knowledgeBase(),
      displayName: metadata.displayName,
      description: metadata.description,
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  }

  /** Add chunks; returns them as stored. */
  seed(chunks: readonly KnowledgeSeed[]): KnowledgeChunk[] {
    const added = chunks.map((c) => ({
      content: c.content,
      knowledgeId: c.knowledgeId ?? this.defaultKnowledgeId,
      createdAt: isoNow(),
    }));
    this.chunks.push(...added);
    return added;
  }

  /** Change the metadata (e.g. to test the knowledge tool's derived name/description). */
  setMetadata(
    metadata: Partial<Pick<KnowledgeBaseResource, 'displayName' | 'description' | 'status'>>,
  ): void {
    Object.assign(this.base, metadata, { updatedAt: isoNow(), version: this.base.version + 1 });
  }

  /** Search: BM25 over the chunks, zero-score chunks dropped, best `top` first. */
  search(query: string, top: number, knowledgeIds?: string[]): (KnowledgeChunk & { score: number })[] {
    const pool = knowledgeIds?.length
      ? this.chunks.filter((c) => knowledgeIds.includes(c.knowledgeId))
      : this.chunks;
    const results = rankBm25(query, pool, (c) => c.content)
      .filter((s) => s.bm25 > 0)
      .slice(0, top)
      .map((s) => ({ ...s.item, score: Number(s.score.toFixed(6)) }));
    this.searches.push({ query, top, knowledgeIds, results });
    return results;
  }
}
