import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { paginate } from '../http/pagination.ts';
import { notFound, parseOr400 } from '../http/twilio-error.ts';
import type { MemoryCommunication, MemoryStore } from './memory-store.ts';

const Lookup = z.object({ idType: z.enum(['phone', 'email']), value: z.string().min(1, 'is required') });
const CreateProfile = z.object({ traits: z.record(z.string(), z.record(z.string(), z.unknown())) });
const limit = (d: number) => z.number().int().min(0).max(100).default(d);
const Recall = z
  .object({
    conversationId: z.string().min(1).optional(),
    query: z.string().min(1).max(1024, 'must be at most 1024 characters').optional(),
    beginDate: z.iso.datetime({ offset: true }).optional(),
    endDate: z.iso.datetime({ offset: true }).optional(),
    observationsLimit: limit(20),
    summariesLimit: limit(5),
    communicationsLimit: limit(0),
    relevanceThreshold: z.number().min(0).max(1).default(0),
  })
  .refine((r) => r.communicationsLimit === 0 || r.conversationId, {
    message: 'conversationId is required when communicationsLimit is greater than 0',
    path: ['conversationId'],
  });
const Observations = z.object({
  observations: z
    .array(
      z.object({
        content: z.string().min(1).max(4096),
        source: z.string().min(1).optional(),
        conversationIds: z.array(z.string()).max(10).optional(),
        occurredAt: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .min(1),
});
const Summaries = z.object({
  summaries: z
    .array(
      z.object({
        content: z.string().min(1),
        conversationId: z.string().min(1).optional(),
        occurredAt: z.iso.datetime({ offset: true }).optional(),
        source: z.string().min(1).optional(),
      }),
    )
    .min(1),
});

type StoreParams = { Params: { store: string } };
type ProfileParams = { Params: { store: string; profile: string } };

/** Register Conversation Memory routes under `/v1/Stores/{storeId}/Profiles…`. */
export function registerMemoryRoutes(
  app: FastifyInstance,
  store: MemoryStore,
  communicationsOf: (conversationId: string) => MemoryCommunication[],
): void {
  const check = (id: string) => {
    if (id !== store.storeId) throw notFound('Store', id);
  };

  app.get<StoreParams>('/v1/ControlPlane/Stores/:store', async (req) => {
    check(req.params.store);
    return {
      id: store.storeId,
      displayName: 'emulator-memory',
      description: 'Conversation Memory store of the local Twilio emulator',
      status: 'ACTIVE',
    };
  });

  app.post<StoreParams>('/v1/Stores/:store/Profiles/Lookup', async (req) => {
    check(req.params.store);
    const body = parseOr400(Lookup, req.body);
    const result = store.lookup(body.idType, body.value);
    return { normalizedValue: result.normalizedValue, profiles: result.profiles };
  });

  app.post<StoreParams>('/v1/Stores/:store/Profiles', async (req, reply) => {
    check(req.params.store);
    const body = parseOr400(CreateProfile, req.body);
    return reply.code(202).send({ id: store.upsert(body.traits) });
  });

  app.get<ProfileParams & { Querystring: { traitGroups?: string | string[] } }>(
    '/v1/Stores/:store/Profiles/:profile',
    async (req) => {
      check(req.params.store);
      const profile = store.profile(req.params.profile);
      // The query parser gives an array for a repeated key (`?traitGroups=A&traitGroups=B`); clients
      // send that form as well as the comma-separated one, so accept both, and a mix.
      const groups = [req.query.traitGroups ?? []]
        .flat()
        .flatMap((value) => value.split(','))
        .map((g) => g.trim())
        .filter(Boolean);
      const traits = groups.length
        ? Object.fromEntries(Object.entries(profile.traits).filter(([g]) => groups.includes(g)))
        : profile.traits;
      return { id: profile.id, createdAt: profile.createdAt, traits };
    },
  );

  app.post<ProfileParams>('/v1/Stores/:store/Profiles/:profile/Recall', async (req) => {
    check(req.params.store);
    const started = performance.now();
    const body = parseOr400(Recall, req.body);
    const result = store.recall(req.params.profile, body, communicationsOf);
    return { ...result, meta: { queryTime: Math.round(performance.now() - started) } };
  });

  app.post<ProfileParams>('/v1/Stores/:store/Profiles/:profile/Observations', async (req, reply) => {
    check(req.params.store);
    store.profile(req.params.profile);
    const body = parseOr400(Observations, req.body);
    store.addObservations(req.params.profile, body.observations);
    return reply.code(202).send({ message: 'Observations creation accepted' });
  });

  app.get<ProfileParams & { Querystring: Record<string, string | undefined> }>(
    '/v1/Stores/:store/Profiles/:profile/Observations',
    async (req) => {
      check(req.params.store);
      const page = paginate(store.profile(req.params.profile).observations, req.query, 'observations');
      return { observations: page.items, meta: page.meta };
    },
  );

  app.post<ProfileParams>('/v1/Stores/:store/Profiles/:profile/ConversationSummaries', async (req, reply) => {
    check(req.params.store);
    store.profile(req.params.profile);
    const body = parseOr400(Summaries, req.body);
    store.addSummaries(req.params.profile, body.summaries);
    return reply.code(202).send({ message: 'Summaries creation accepted' });
  });

  app.get<ProfileParams & { Querystring: Record<string, string | undefined> }>(
    '/v1/Stores/:store/Profiles/:profile/ConversationSummaries',
    async (req) => {
      check(req.params.store);
      const page = paginate(store.profile(req.params.profile).summaries, req.query, 'summaries');
      return { summaries: page.items, meta: page.meta };
    },
  );
}
