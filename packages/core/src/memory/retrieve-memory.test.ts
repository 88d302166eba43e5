import { describe, expect, it } from 'vitest';
import { createTestTAC, type FakeRoute, STORE_ID, storedSession } from '../tools/__fixtures__/fake-twilio.ts';
import { retrieveMemory } from './retrieve-memory.ts';

const profiles = `/v1/Stores/${STORE_ID}/Profiles`;
const communications = '/v2/Conversations/conv_conversation_1/Communications';

const memoryRoutes = (overrides: Record<string, FakeRoute> = {}): Record<string, FakeRoute> => ({
  [`POST ${profiles}/Lookup`]: { body: { profiles: ['mem_profile_1', 'mem_profile_2'] } },
  [`GET ${profiles}/mem_profile_1`]: {
    body: { id: 'mem_profile_1', createdAt: '2025-01-01', traits: { Contact: { firstName: 'Alyssa' } } },
  },
  [`POST ${profiles}/mem_profile_1/Recall`]: {
    body: {
      observations: [{ content: 'Prefers SMS' }],
      summaries: [{ content: 'Asked about refunds' }],
      communications: [],
    },
  },
  [`GET ${communications}`]: {
    body: {
      communications: [
        { author: { address: '+15557654321', channel: 'SMS' }, content: { text: 'Earlier message' } },
      ],
    },
  },
  ...overrides,
});

describe('retrieveMemory', () => {
  it('is empty in relay-only mode and calls nothing', async () => {
    const { tac, requests } = await createTestTAC({ orchestrated: false });
    const session = await storedSession(tac, { channel: 'voice' });
    const memory = await retrieveMemory(tac, session, 'hi');
    expect(memory.isEmpty).toBe(true);
    expect(memory.hasMemoryFeatures).toBe(false);
    expect(requests).toEqual([]);
  });

  it('looks the customer up by phone, fetches the profile and recalls with the configured limits', async () => {
    const { tac, requests, find } = await createTestTAC({
      routes: memoryRoutes(),
      config: { memoryConfig: { traitGroups: ['Contact'], observationsLimit: 7, relevanceThreshold: 0.3 } },
    });
    const session = await storedSession(tac, {
      authorInfo: { address: 'whatsapp:+15557654321' },
      channel: 'whatsapp',
    });
    const memory = await retrieveMemory(tac, session, 'where is my refund?');

    expect(memory.hasMemoryFeatures).toBe(true);
    expect(memory.observations.map((o) => o.content)).toEqual(['Prefers SMS']);
    expect(find('POST', `${profiles}/Lookup`)[0]?.json).toEqual({ idType: 'phone', value: '+15557654321' });
    expect(find('GET', `${profiles}/mem_profile_1`)[0]?.query.get('traitGroups')).toBe('Contact');
    expect(find('POST', `${profiles}/mem_profile_1/Recall`)[0]?.json).toEqual({
      conversationId: 'conv_conversation_1',
      query: 'where is my refund?',
      observationsLimit: 7,
      summariesLimit: 5,
      communicationsLimit: 0,
      relevanceThreshold: 0.3,
    });
    expect(requests.some((r) => r.path === communications)).toBe(false);
    const saved = await tac.sessions.get('conv_conversation_1');
    expect(saved?.profileId).toBe('mem_profile_1');
    expect(saved?.profile).toEqual({
      id: 'mem_profile_1',
      createdAt: '2025-01-01',
      traits: { Contact: { firstName: 'Alyssa' } },
    });
  });

  it('looks the customer up by email on chat', async () => {
    const { tac, find } = await createTestTAC({ routes: memoryRoutes() });
    const session = await storedSession(tac, {
      channel: 'chat',
      authorInfo: { address: 'alyssa@example.com' },
    });
    await retrieveMemory(tac, session);
    expect(find('POST', `${profiles}/Lookup`)[0]?.json).toEqual({
      idType: 'email',
      value: 'alyssa@example.com',
    });
  });

  it('skips lookup and profile fetch when the session already knows them', async () => {
    const { tac, requests } = await createTestTAC({ routes: memoryRoutes() });
    const session = await storedSession(tac, {
      profileId: 'mem_profile_1',
      profile: { id: 'mem_profile_1', traits: {} },
    });
    await retrieveMemory(tac, session);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${profiles}/mem_profile_1/Recall`]);
    expect(requests[0]?.json).not.toHaveProperty('query');
  });

  it('keeps going when only the profile fetch fails', async () => {
    const { tac } = await createTestTAC({
      routes: memoryRoutes({ [`GET ${profiles}/mem_profile_1`]: { status: 404, body: {} } }),
    });
    const session = await storedSession(tac);
    const memory = await retrieveMemory(tac, session);
    expect(memory.hasMemoryFeatures).toBe(true);
    expect(memory.summaries.map((s) => s.content)).toEqual(['Asked about refunds']);
    expect(session.profile).toBeUndefined();
  });

  it.each([
    ['Recall answers 500', { [`POST ${profiles}/mem_profile_1/Recall`]: { status: 500, body: {} } }],
    ['no profile matches', { [`POST ${profiles}/Lookup`]: { body: { profiles: [] } } }],
    ['Recall hangs', { [`POST ${profiles}/mem_profile_1/Recall`]: { hang: true } }],
  ] as const)('falls back to Orchestrator communications when %s', async (_label, overrides) => {
    const { tac, find } = await createTestTAC({
      routes: memoryRoutes(overrides),
      options: { memoryTimeoutMs: 300 },
    });
    const session = await storedSession(tac);
    const memory = await retrieveMemory(tac, session, 'hello');
    expect(memory.hasMemoryFeatures).toBe(false);
    expect(memory.communications.map((c) => c.content.text)).toEqual(['Earlier message']);
    expect(find('GET', communications)[0]?.query.get('pageSize')).toBe('50');
  });

  it('uses Orchestrator communications when there is no Memory store', async () => {
    const { tac, requests } = await createTestTAC({ routes: memoryRoutes(), storeId: null });
    const memory = await retrieveMemory(tac, await storedSession(tac));
    expect(memory.hasMemoryFeatures).toBe(false);
    expect(memory.communications).toHaveLength(1);
    expect(requests.map((r) => r.path)).toEqual([communications]);
  });

  it('returns empty, never throws, when Memory and the fallback both fail or hang', async () => {
    const { tac } = await createTestTAC({
      routes: memoryRoutes({
        [`POST ${profiles}/mem_profile_1/Recall`]: { hang: true },
        [`GET ${communications}`]: { hang: true },
      }),
      options: { memoryTimeoutMs: 300 },
    });
    const memory = await retrieveMemory(tac, await storedSession(tac));
    expect(memory.isEmpty).toBe(true);
  });

  it('does not resurrect a session that ended during retrieval', async () => {
    const { tac } = await createTestTAC({ routes: memoryRoutes() });
    const session = await storedSession(tac);
    await tac.sessions.delete(session.conversationId);
    await retrieveMemory(tac, session);
    expect(await tac.sessions.get(session.conversationId)).toBeUndefined();
  });

  it('is what tac.retrieveMemory does', async () => {
    const { tac } = await createTestTAC({ routes: memoryRoutes() });
    const memory = await tac.retrieveMemory(await storedSession(tac), 'q');
    expect(memory.observations.map((o) => o.content)).toEqual(['Prefers SMS']);
  });
});
