import { describe, expect, it } from 'vitest';
import { TACError } from '../errors/index.ts';
import { createTestTAC, STORE_ID } from '../tools/__fixtures__/fake-twilio.ts';
import { MemoryClient } from './memory-client.ts';

const profiles = `/v1/Stores/${STORE_ID}/Profiles`;

describe('MemoryClient', () => {
  it('is available only with a Memory store', async () => {
    expect(MemoryClient.fromTAC((await createTestTAC()).tac)?.storeId).toBe(STORE_ID);
    expect(MemoryClient.fromTAC((await createTestTAC({ storeId: null })).tac)).toBeUndefined();
    expect(MemoryClient.fromTAC((await createTestTAC({ orchestrated: false })).tac)).toBeUndefined();
  });

  it('looks profiles up by phone or email', async () => {
    const { tac, requests } = await createTestTAC({
      routes: {
        [`POST ${profiles}/Lookup`]: (req) => ({
          body: {
            normalizedValue: (req.json as { value: string }).value,
            profiles:
              (req.json as { idType: string }).idType === 'phone' ? ['mem_profile_1', 'mem_profile_2'] : null,
          },
        }),
      },
    });
    const client = MemoryClient.fromTAC(tac)!;
    expect(await client.lookupProfile('phone', '+15557654321')).toEqual(['mem_profile_1', 'mem_profile_2']);
    expect(await client.lookupProfile('email', 'a@example.com')).toEqual([]);
    expect(requests.map((r) => r.json)).toEqual([
      { idType: 'phone', value: '+15557654321' },
      { idType: 'email', value: 'a@example.com' },
    ]);
    expect(requests[0]?.authorization).toBe(
      `Basic ${Buffer.from(`SK${'b'.repeat(32)}:secret`).toString('base64')}`,
    );
  });

  it('creates a profile and fetches one with trait groups', async () => {
    const { tac, requests } = await createTestTAC({
      routes: {
        [`POST ${profiles}`]: { status: 202, body: { id: 'mem_profile_9' } },
        [`GET ${profiles}/mem_profile_9`]: {
          body: { id: 'mem_profile_9', createdAt: '2025-01-01', traits: { Contact: { phone: '+1555' } } },
        },
      },
    });
    const client = MemoryClient.fromTAC(tac)!;
    expect(await client.createProfile({ Contact: { phone: '+1555' } })).toBe('mem_profile_9');
    expect(requests[0]?.json).toEqual({ traits: { Contact: { phone: '+1555' } } });
    const profile = await client.getProfile('mem_profile_9', { traitGroups: ['Contact', 'Preferences'] });
    expect(profile).toEqual({
      id: 'mem_profile_9',
      createdAt: '2025-01-01',
      traits: { Contact: { phone: '+1555' } },
    });
    expect(requests[1]?.query.get('traitGroups')).toBe('Contact,Preferences');
    await client.getProfile('mem_profile_9');
    expect(requests[2]?.query.has('traitGroups')).toBe(false);
  });

  it('recalls with the given parameters, cutting long queries and omitting blank ones', async () => {
    const { tac, requests } = await createTestTAC({
      routes: { [`POST ${profiles}/mem_profile_1/Recall`]: { body: { observations: [{ content: 'VIP' }] } } },
    });
    const client = MemoryClient.fromTAC(tac)!;
    const memory = await client.recall('mem_profile_1', {
      conversationId: 'conv_1',
      query: 'x'.repeat(2000),
      observationsLimit: 20,
      summariesLimit: 5,
      communicationsLimit: 0,
      relevanceThreshold: 0.5,
    });
    expect(memory.observations).toEqual([{ content: 'VIP' }]);
    expect(requests[0]?.json).toEqual({
      conversationId: 'conv_1',
      query: 'x'.repeat(1024),
      observationsLimit: 20,
      summariesLimit: 5,
      communicationsLimit: 0,
      relevanceThreshold: 0.5,
    });
    await client.recall('mem_profile_1', { query: '   ' });
    expect(requests[1]?.json).toEqual({});
  });

  it('writes observations and summaries in their batch wrappers', async () => {
    const { tac, requests } = await createTestTAC({
      routes: {
        [`POST ${profiles}/mem_profile_1/Observations`]: { body: {} },
        [`POST ${profiles}/mem_profile_1/ConversationSummaries`]: {
          body: { message: 'Summaries creation accepted' },
        },
      },
    });
    const client = MemoryClient.fromTAC(tac)!;
    await client.createObservations('mem_profile_1', [
      { content: 'Likes jazz', occurredAt: '2025-01-01T00:00:00Z' },
    ]);
    await client.createSummaries('mem_profile_1', [
      {
        content: 'Billing call',
        conversationId: 'conv_1',
        occurredAt: '2025-01-02T00:00:00Z',
        source: 'conversation-intelligence',
      },
    ]);
    expect(requests[0]?.json).toEqual({
      observations: [
        { content: 'Likes jazz', source: 'conversation-intelligence', occurredAt: '2025-01-01T00:00:00Z' },
      ],
    });
    expect(requests[1]?.json).toEqual({
      summaries: [
        {
          content: 'Billing call',
          conversationId: 'conv_1',
          occurredAt: '2025-01-02T00:00:00Z',
          source: 'conversation-intelligence',
        },
      ],
    });
  });

  it('surfaces REST errors as TACError', async () => {
    const { tac } = await createTestTAC({
      routes: { [`POST ${profiles}/p/Recall`]: { status: 500, body: { message: 'boom' } } },
    });
    const error = await MemoryClient.fromTAC(tac)!
      .recall('p')
      .catch((e: unknown) => e);
    expect(TACError.isInstance(error)).toBe(true);
    expect((error as TACError).code).toBe('TAC_ERR_TWILIO_API');
  });
});
