import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TACError, TACErrorCode } from '../errors/index.ts';
import {
  CommunicationCreatedDataSchema,
  ConversationUpdatedDataSchema,
  FAST_GUARDS,
  OrchestratorEventSchema,
  parseEventData,
  parseOrchestratorEvent,
} from './webhook-event.ts';

const communication = () => ({
  id: 'comms_communication_01',
  conversationId: 'conv_conversation_01',
  accountId: `AC${'a'.repeat(32)}`,
  serviceId: null,
  author: { address: '+15557654321', channel: 'SMS', participantId: 'comms_participant_c1' },
  content: { type: 'TEXT', text: 'What are your opening hours tomorrow?' },
  recipients: [
    {
      address: '+15550001111',
      channel: 'SMS',
      participantId: 'comms_participant_agent',
      deliveryStatus: 'DELIVERED',
    },
  ],
  channelId: null,
  createdAt: '2026-11-21T07:49:46.258Z',
  updatedAt: '2026-11-21T07:49:46.258Z',
});

const update = () => ({
  id: 'conv_conversation_01',
  status: 'CLOSED',
  configurationId: 'conv_configuration_01',
  updatedAt: '2026-11-21T07:49:46.258Z',
});

const envelope = () => ({
  eventType: 'COMMUNICATION_CREATED',
  timestamp: '2026-11-21T07:49:46Z',
  data: communication(),
});

/** Values a field may be replaced with; among them wrong types, empty strings, nulls and absence. */
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  true,
  {},
  [],
  [{}],
  new Date(0),
  Object.create(null),
];

/** Every object path of `value` (objects and arrays), e.g. ['author', 'channel'], ['recipients', 0]. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: (string | number)[][] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = Array.isArray(value) ? Number(k) : k;
    out.push([...prefix, key], ...paths(v, [...prefix, key]));
  }
  return out;
}

function replaced<T>(value: T, path: (string | number)[], next: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (next === undefined) delete target[last];
  else target[last] = next;
  return copy as T;
}

/** Each valid sample, then every single-field mutation of it (wrong type, empty, null, removed). */
function variants(sample: unknown): unknown[] {
  const out: unknown[] = [sample];
  for (const path of paths(sample)) for (const next of REPLACEMENTS) out.push(replaced(sample, path, next));
  for (const next of REPLACEMENTS) out.push(next);
  return out;
}

const CASES: [string, z.ZodType, unknown][] = [
  ['envelope', OrchestratorEventSchema, envelope()],
  [
    'envelope without timestamp',
    OrchestratorEventSchema,
    { eventType: 'CONVERSATION_UPDATED', data: update() },
  ],
  ['COMMUNICATION_CREATED data', CommunicationCreatedDataSchema, communication()],
  [
    'minimal COMMUNICATION_CREATED data',
    CommunicationCreatedDataSchema,
    {
      conversationId: 'c1',
      author: { address: '', channel: 'CHAT' },
    },
  ],
  ['CONVERSATION_UPDATED data', ConversationUpdatedDataSchema, update()],
];

describe('webhook event fast guards', () => {
  for (const [name, schema, sample] of CASES) {
    it(`${name}: accepts the valid sample, and never anything the zod schema refuses`, () => {
      const guard = FAST_GUARDS.get(schema);
      expect(guard).toBeDefined();
      expect(guard?.(sample)).toBe(true);
      let accepted = 0;
      let refused = 0;
      for (const candidate of variants(sample)) {
        const zodSays = schema.safeParse(candidate).success;
        if (guard?.(candidate)) {
          accepted++;
          expect({ candidate, zodSays }).toEqual({ candidate, zodSays: true });
        } else refused++;
      }
      // Both outcomes were exercised: the mutations are not all valid, nor all invalid.
      expect(accepted).toBeGreaterThan(1);
      expect(refused).toBeGreaterThan(1);
    });
  }

  it('parseEventData returns valid data as it is, and names the field of invalid data', () => {
    const event = envelope();
    expect(parseEventData(CommunicationCreatedDataSchema, event)).toBe(event.data);
    const bad = { ...event, data: { ...event.data, author: { address: '+1555', channel: '' } } };
    try {
      parseEventData(CommunicationCreatedDataSchema, bad);
      expect.unreachable('invalid data was accepted');
    } catch (error) {
      expect(TACError.isInstance(error) && error.code).toBe(TACErrorCode.WEBHOOK_INVALID);
      expect((error as Error).message).toContain('author.channel');
    }
  });

  it('parseOrchestratorEvent keeps only the envelope keys, as the schema does', () => {
    const event = { ...envelope(), extra: 'dropped' };
    expect(parseOrchestratorEvent(event)).toEqual({
      eventType: event.eventType,
      timestamp: event.timestamp,
      data: event.data,
    });
    expect(() => parseOrchestratorEvent({ eventType: '', data: {} })).toThrow(/eventType/);
  });
});
