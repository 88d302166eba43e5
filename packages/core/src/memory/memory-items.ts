import { z } from 'zod';
import type {
  ObservationInfo,
  SummaryInfo,
  TACCommunication,
  TACCommunicationAuthor,
} from './tac-memory-response.ts';

/*
 * Parsers for Conversation Memory and Orchestrator items (reference §3, §1.6).
 * Memory answers in camelCase; an older schema used snake_case, so both are
 * accepted (camelCase wins when both are present). Items are parsed one by
 * one and invalid ones are dropped: one bad observation must not cost the
 * customer their whole memory.
 */

const toCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Shallow snake_case → camelCase copy of an object; non-objects pass through. */
export function camelizeKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const camel = toCamel(key);
    // An explicit camelCase key beats its snake_case twin whatever the order.
    if (camel !== key && camel in value) continue;
    out[camel] = v;
  }
  return out;
}

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

const optionalStringArray = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? undefined);

const ObservationSchema = z.object({
  id: optionalString,
  content: z.string().min(1),
  source: optionalString,
  occurredAt: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
  conversationIds: optionalStringArray,
});

const SummarySchema = z.object({
  id: optionalString,
  content: z.string().min(1),
  conversationId: optionalString,
  source: optionalString,
  occurredAt: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
});

const AuthorSchema = z.preprocess(
  camelizeKeys,
  z.object({
    address: optionalString,
    channel: optionalString,
    participantId: optionalString,
    deliveryStatus: optionalString,
    id: optionalString,
    name: optionalString,
    type: optionalString,
    profileId: optionalString,
  }),
);

const ContentSchema = z.preprocess(
  camelizeKeys,
  z.object({
    type: optionalString,
    text: optionalString,
    transcription: z.unknown().optional(),
  }),
);

const CommunicationSchema = z.object({
  id: optionalString,
  author: z.preprocess((v) => v ?? {}, AuthorSchema),
  content: z.preprocess((v) => v ?? {}, ContentSchema),
  recipients: z.preprocess(
    (v) => (Array.isArray(v) ? v : []),
    z.array(z.unknown()).transform((items) => parseEach(items, AuthorSchema)),
  ),
  channelId: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
  conversationId: optionalString,
  accountId: optionalString,
});

/** Strip keys whose value is `undefined` so parsed items compare and serialize cleanly. */
function compact<T extends object>(item: T): T {
  for (const key of Object.keys(item) as (keyof T)[]) if (item[key] === undefined) delete item[key];
  return item;
}

function parseEach<T extends object>(items: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(items)) return [];
  const out: T[] = [];
  for (const item of items) {
    const result = schema.safeParse(camelizeKeys(item));
    if (result.success) out.push(compact(result.data));
  }
  return out;
}

/** Parse Recall `observations`, dropping invalid items. */
export function parseObservations(items: unknown): ObservationInfo[] {
  return parseEach(items, ObservationSchema) as ObservationInfo[];
}

/** Parse Recall `summaries`, dropping invalid items. */
export function parseSummaries(items: unknown): SummaryInfo[] {
  return parseEach(items, SummarySchema) as SummaryInfo[];
}

/** Parse communications (Memory or Orchestrator shape), dropping invalid items. */
export function parseCommunications(items: unknown): TACCommunication[] {
  return parseEach(items, CommunicationSchema).map((c) => ({
    ...c,
    author: compact(c.author) as TACCommunicationAuthor,
    content: compact(c.content),
    recipients: c.recipients.map((r) => compact(r) as TACCommunicationAuthor),
  })) as TACCommunication[];
}

/** A Memory profile (`GET …/Profiles/{id}`). */
export interface MemoryProfile {
  id: string;
  createdAt?: string;
  /** Trait group → traits, e.g. `{ Contact: { firstName: 'Alyssa' } }`. */
  traits: Record<string, unknown>;
}

const ProfileSchema = z.object({
  id: z.string().min(1),
  createdAt: optionalString,
  traits: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? {}),
});

/** Parse a profile; `undefined` when the body is not a profile. */
export function parseProfile(body: unknown): MemoryProfile | undefined {
  const result = ProfileSchema.safeParse(camelizeKeys(body));
  return result.success ? compact(result.data) : undefined;
}
