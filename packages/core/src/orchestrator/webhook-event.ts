import { z } from 'zod';
import type { OrchestratorEvent } from '../channels/channel.ts';
import { TACError, TACErrorCode } from '../errors/index.ts';

/** The `{ eventType, timestamp, data }` envelope of every Orchestrator webhook (reference §2.1). */
export const OrchestratorEventSchema = z.object({
  eventType: z.string().min(1),
  timestamp: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

const EndpointSchema = z.looseObject({
  address: z.string(),
  channel: z.string().min(1),
  participantId: z.string().nullish(),
});

/** `data` of a `COMMUNICATION_CREATED` event: the fields routing needs, the rest passes through. */
export const CommunicationCreatedDataSchema = z.looseObject({
  id: z.string().optional(),
  conversationId: z.string().min(1),
  accountId: z.string().optional(),
  serviceId: z.string().nullish(),
  author: EndpointSchema,
  content: z.looseObject({ type: z.string().optional(), text: z.string().nullish() }).optional(),
  channelId: z.string().nullish(),
  recipients: z.array(EndpointSchema).optional(),
  createdAt: z.string().optional(),
});

/** Parsed `COMMUNICATION_CREATED` data. */
export type CommunicationCreatedData = z.output<typeof CommunicationCreatedDataSchema>;

/** `data` of a `CONVERSATION_UPDATED` event. */
export const ConversationUpdatedDataSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().optional(),
  configurationId: z.string().nullish(),
  updatedAt: z.string().optional(),
});

/** Parsed `CONVERSATION_UPDATED` data. */
export type ConversationUpdatedData = z.output<typeof ConversationUpdatedDataSchema>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** Stricter than zod's record check (which also takes objects of other realms): a fast guard may only say no more often. */
const isPlainRecord = (v: unknown): v is Record<string, unknown> => {
  if (!isRecord(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
const nullishString = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;

function isEndpoint(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof v.address === 'string' &&
    nonEmptyString(v.channel) &&
    nullishString(v.participantId)
  );
}

/** By index, as zod checks arrays (`every` would skip the holes of a sparse array). */
function allEndpoints(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i++) if (!isEndpoint(list[i])) return false;
  return true;
}

/*
 * Hand-written equivalents of the schemas above, for the webhook hot path: a
 * zod parse copies every object it checks (~10 µs per event). Each guard
 * accepts only what its schema accepts (checked against zod in the tests);
 * when a guard says no, the schema runs and names what is wrong.
 */

/** True when `event` passes {@link OrchestratorEventSchema} (checked without copying). */
export function isOrchestratorEvent(event: unknown): event is OrchestratorEvent {
  return (
    isRecord(event) &&
    nonEmptyString(event.eventType) &&
    optionalString(event.timestamp) &&
    isPlainRecord(event.data)
  );
}

function isCommunicationCreatedData(d: unknown): boolean {
  if (!isRecord(d)) return false;
  const { content, recipients } = d;
  return (
    optionalString(d.id) &&
    nonEmptyString(d.conversationId) &&
    optionalString(d.accountId) &&
    nullishString(d.serviceId) &&
    isEndpoint(d.author) &&
    (content === undefined ||
      (isRecord(content) && optionalString(content.type) && nullishString(content.text))) &&
    nullishString(d.channelId) &&
    (recipients === undefined || (Array.isArray(recipients) && allEndpoints(recipients))) &&
    optionalString(d.createdAt)
  );
}

function isConversationUpdatedData(d: unknown): boolean {
  return (
    isRecord(d) &&
    nonEmptyString(d.id) &&
    optionalString(d.status) &&
    nullishString(d.configurationId) &&
    optionalString(d.updatedAt)
  );
}

/** @internal Fast guards by schema, used by {@link parseEventData} (exported for the equivalence tests). */
export const FAST_GUARDS = new Map<z.ZodType, (data: unknown) => boolean>([
  [OrchestratorEventSchema, isOrchestratorEvent],
  [CommunicationCreatedDataSchema, isCommunicationCreatedData],
  [ConversationUpdatedDataSchema, isConversationUpdatedData],
]);

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/**
 * Check that a parsed JSON body is an Orchestrator webhook envelope. Throws a
 * {@link TACError} `TAC_ERR_WEBHOOK_INVALID` (answer 400) naming what is wrong.
 */
export function parseOrchestratorEvent(body: unknown): OrchestratorEvent {
  if (isOrchestratorEvent(body)) {
    // As the schema's output: only the envelope's own keys.
    const { eventType, timestamp, data } = body;
    return timestamp === undefined ? { eventType, data } : { eventType, timestamp, data };
  }
  const result = OrchestratorEventSchema.safeParse(body);
  if (!result.success) {
    throw new TACError(
      TACErrorCode.WEBHOOK_INVALID,
      `Not a Conversation Orchestrator webhook ({eventType, timestamp, data}): ${describe(result.error)}`,
    );
  }
  return result.data;
}

/**
 * Parse event data with `schema`, or throw `TAC_ERR_WEBHOOK_INVALID` naming
 * the event type and fields. Data that passes the schema's fast guard is
 * returned as it is (not copied).
 */
export function parseEventData<S extends z.ZodType>(schema: S, event: OrchestratorEvent): z.output<S> {
  if (FAST_GUARDS.get(schema)?.(event.data)) return event.data as z.output<S>;
  const result = schema.safeParse(event.data);
  if (!result.success) {
    throw new TACError(
      TACErrorCode.WEBHOOK_INVALID,
      `Malformed ${event.eventType} webhook data: ${describe(result.error)}`,
    );
  }
  return result.data;
}
