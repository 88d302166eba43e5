import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { paginate } from '../http/pagination.ts';
import { notFound, parseOr400, TwilioHttpError } from '../http/twilio-error.ts';
import type { OrchestratorStore } from './orchestrator-store.ts';
import { CONVERSATION_STATUSES, ORCHESTRATOR_CHANNELS, PARTICIPANT_TYPES } from './types.ts';

const Channel = z.enum(ORCHESTRATOR_CHANNELS);
const Address = z.object({ channel: Channel, address: z.string().min(1), channelId: z.string().nullish() });
const Participant = z.object({
  name: z.string().nullish(),
  type: z.enum(PARTICIPANT_TYPES),
  profileId: z.string().nullish(),
  addresses: z.array(Address).min(1, 'at least one address is required'),
});
const CreateConversation = z.object({
  configurationId: z.string().min(1, 'is required'),
  name: z.string().max(256).nullish(),
  participants: z.array(Participant).max(20).optional(),
});
const UpdateConversation = z
  .object({ status: z.enum(CONVERSATION_STATUSES).optional(), name: z.string().max(256).nullish() })
  .refine((b) => b.status !== undefined || b.name !== undefined, 'status or name is required');
const StatusCallbacks = z
  .array(z.object({ url: z.url({ protocol: /^https?$/ }), method: z.literal('POST').default('POST') }))
  .max(20);
const PatchConversation = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  name: z.string().max(256).nullish(),
  configuration: z.object({ statusCallbacks: StatusCallbacks.optional() }).optional(),
});
const Party = z.object({
  channel: Channel,
  participantId: z.string().min(1).optional(),
  address: z.string().min(1).optional(),
});
const CreateCommunication = z.object({
  author: Party,
  content: z.object({ type: z.enum(['TEXT', 'TRANSCRIPTION']).default('TEXT'), text: z.string() }),
  recipients: z.array(Party).min(1),
  channelId: z.string().nullish(),
});
const Action = z.object({
  type: z.literal('SEND_MESSAGE', { error: 'type must be SEND_MESSAGE' }),
  payload: z.object({
    from: Party,
    to: z.array(Party).min(1, 'at least one recipient is required'),
    content: z.object({ text: z.string().min(1, 'must not be empty') }),
    channelSettings: z.record(z.string(), z.unknown()).optional(),
  }),
});

type IdParams = { Params: { id: string } };
type PidParams = { Params: { id: string; pid: string } };
type ListQuery = { Querystring: Record<string, string | undefined> };

/** Register the Conversation Orchestrator routes (`/v2/Conversations…`, `/v2/ControlPlane/Configurations…`). */
export function registerOrchestratorRoutes(app: FastifyInstance, store: OrchestratorStore): void {
  app.get<IdParams>('/v2/ControlPlane/Configurations/:id', async (req) => {
    if (req.params.id !== store.configuration.id) throw notFound('Configuration', req.params.id);
    return store.configuration;
  });

  app.get<ListQuery>('/v2/ControlPlane/Configurations', async (req) => {
    const page = paginate([store.configuration], req.query, 'configurations');
    return { configurations: page.items, meta: page.meta };
  });

  app.get<ListQuery>('/v2/Conversations', async (req) => {
    const { status, channelId } = req.query;
    if (status && !(CONVERSATION_STATUSES as readonly string[]).includes(status)) {
      throw new TwilioHttpError(400, `status must be one of ${CONVERSATION_STATUSES.join(', ')}`);
    }
    const page = paginate(store.list({ status, channelId }), req.query, 'conversations');
    return { conversations: page.items, meta: page.meta };
  });

  app.post('/v2/Conversations', async (req, reply) => {
    const body = parseOr400(CreateConversation, req.body);
    const record = store.create({ ...body, checkConflict: true });
    return reply.code(201).send(record.resource);
  });

  app.get<IdParams>('/v2/Conversations/:id', async (req) => store.get(req.params.id).resource);

  app.put<IdParams>('/v2/Conversations/:id', async (req) => {
    const body = parseOr400(UpdateConversation, req.body);
    return store.update(req.params.id, body).record.resource;
  });

  app.patch<IdParams>('/v2/Conversations/:id', async (req) => {
    const body = parseOr400(PatchConversation, req.body);
    return store.patch(req.params.id, body).record.resource;
  });

  app.get<IdParams & ListQuery>('/v2/Conversations/:id/Participants', async (req) => {
    const page = paginate(store.get(req.params.id).participants, req.query, 'participants');
    return { participants: page.items, meta: page.meta };
  });

  app.post<IdParams>('/v2/Conversations/:id/Participants', async (req, reply) => {
    const body = parseOr400(Participant, req.body);
    return reply.code(201).send(store.addParticipant(req.params.id, body));
  });

  app.get<PidParams>('/v2/Conversations/:id/Participants/:pid', async (req) => {
    const participant = store.get(req.params.id).participants.find((p) => p.id === req.params.pid);
    if (!participant) throw notFound('Participant', req.params.pid);
    return participant;
  });

  app.put<PidParams>('/v2/Conversations/:id/Participants/:pid', async (req) => {
    const body = parseOr400(Participant, req.body);
    return store.updateParticipant(req.params.id, req.params.pid, body);
  });

  app.delete<PidParams>('/v2/Conversations/:id/Participants/:pid', async (req, reply) => {
    store.removeParticipant(req.params.id, req.params.pid);
    return reply.code(204).send();
  });

  app.get<IdParams & ListQuery>('/v2/Conversations/:id/Communications', async (req) => {
    const { channelId } = req.query;
    const all = store
      .get(req.params.id)
      .communications.filter((c) => !channelId || c.channelId === channelId);
    const page = paginate(all, req.query, 'communications');
    return { communications: page.items, meta: page.meta };
  });

  app.get<PidParams>('/v2/Conversations/:id/Communications/:pid', async (req) => {
    const communication = store.get(req.params.id).communications.find((c) => c.id === req.params.pid);
    if (!communication) throw notFound('Communication', req.params.pid);
    return communication;
  });

  app.post<IdParams>('/v2/Conversations/:id/Communications', async (req, reply) => {
    const body = parseOr400(CreateCommunication, req.body);
    const added = store.addCommunication(req.params.id, body);
    return reply.code(201).send(added.communication);
  });

  app.post<IdParams>('/v2/Conversations/:id/Actions', async (req, reply) => {
    const body = parseOr400(Action, req.body);
    const action = store.sendMessage(req.params.id, body.payload);
    return reply.code(202).send({
      id: action.id,
      type: action.type,
      status: action.status,
      conversationId: action.conversationId,
      createdAt: action.createdAt,
    });
  });

  app.get<PidParams>('/v2/Conversations/:id/Actions/:pid', async (req) => {
    const action = store.actions.find((a) => a.id === req.params.pid && a.conversationId === req.params.id);
    if (!action) throw notFound('Action', req.params.pid);
    const { payload: _payload, communicationId: _c, ...resource } = action;
    return resource;
  });
}
