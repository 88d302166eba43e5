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

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/**
 * Check that a parsed JSON body is an Orchestrator webhook envelope. Throws a
 * {@link TACError} `TAC_ERR_WEBHOOK_INVALID` (answer 400) naming what is wrong.
 */
export function parseOrchestratorEvent(body: unknown): OrchestratorEvent {
  const result = OrchestratorEventSchema.safeParse(body);
  if (!result.success) {
    throw new TACError(
      TACErrorCode.WEBHOOK_INVALID,
      `Not a Conversation Orchestrator webhook ({eventType, timestamp, data}): ${describe(result.error)}`,
    );
  }
  return result.data;
}

/** Parse event data with `schema`, or throw `TAC_ERR_WEBHOOK_INVALID` naming the event type and fields. */
export function parseEventData<S extends z.ZodType>(schema: S, event: OrchestratorEvent): z.output<S> {
  const result = schema.safeParse(event.data);
  if (!result.success) {
    throw new TACError(
      TACErrorCode.WEBHOOK_INVALID,
      `Malformed ${event.eventType} webhook data: ${describe(result.error)}`,
    );
  }
  return result.data;
}
