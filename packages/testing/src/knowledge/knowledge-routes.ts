import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound, parseOr400 } from '../http/twilio-error.ts';
import type { KnowledgeStore } from './knowledge-store.ts';

const Search = z.object({
  query: z.string().min(1, 'is required').max(2048, 'must be at most 2048 characters'),
  top: z.number().int().min(1).max(20, 'must be at most 20').default(5),
  knowledgeIds: z.array(z.string().min(1)).optional(),
});

type KbParams = { Params: { kb: string } };

/** Register Knowledge routes: metadata and Search. */
export function registerKnowledgeRoutes(app: FastifyInstance, store: KnowledgeStore): void {
  const check = (kb: string) => {
    if (kb !== store.base.id) throw notFound('KnowledgeBase', kb);
  };

  app.get<KbParams>('/v2/ControlPlane/KnowledgeBases/:kb', async (req) => {
    check(req.params.kb);
    return store.base;
  });

  app.post<KbParams>('/v2/KnowledgeBases/:kb/Search', async (req) => {
    check(req.params.kb);
    const body = parseOr400(Search, req.body);
    return { chunks: store.search(body.query, body.top, body.knowledgeIds) };
  });
}
