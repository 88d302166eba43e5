import { describe, expect, it } from 'vitest';
import { createTestTAC } from '../tools/__fixtures__/fake-twilio.ts';
import { KnowledgeClient } from './knowledge-client.ts';

const KB = 'know_knowledgebase_1';

describe('KnowledgeClient', () => {
  it('reads knowledge base metadata', async () => {
    const { tac, requests } = await createTestTAC({
      routes: {
        [`GET /v2/ControlPlane/KnowledgeBases/${KB}`]: {
          body: {
            id: KB,
            displayName: 'Acme Help',
            description: 'Answers about Acme',
            status: 'ACTIVE',
            version: 2,
            extra: 1,
          },
        },
      },
    });
    expect(await KnowledgeClient.fromTAC(tac).getKnowledgeBase(KB)).toEqual({
      id: KB,
      displayName: 'Acme Help',
      description: 'Answers about Acme',
      status: 'ACTIVE',
      version: 2,
    });
    expect(requests[0]?.method).toBe('GET');
  });

  it('searches with query, top and knowledgeIds and returns chunks best first, dropping invalid ones', async () => {
    const { tac, requests } = await createTestTAC({
      routes: {
        [`POST /v2/KnowledgeBases/${KB}/Search`]: {
          body: {
            chunks: [
              { content: 'Returns within 30 days', knowledgeId: 'k1', score: 0.4 },
              { content: '', knowledgeId: 'k2', score: 0.9 },
              { content: 'Refunds take 5 days', knowledge_id: 'k3', score: 0.8, created_at: '2025-01-01' },
              { nope: true },
            ],
          },
        },
      },
    });
    const chunks = await KnowledgeClient.fromTAC(tac).search(KB, {
      query: `  ${'q'.repeat(3000)}  `,
      top: 50,
      knowledgeIds: ['k1'],
    });
    expect(chunks).toEqual([
      { content: 'Refunds take 5 days', knowledgeId: 'k3', score: 0.8, createdAt: '2025-01-01' },
      { content: 'Returns within 30 days', knowledgeId: 'k1', score: 0.4 },
    ]);
    expect(requests[0]?.json).toEqual({ query: 'q'.repeat(2048), top: 20, knowledgeIds: ['k1'] });
  });

  it('refuses an empty query before calling the API', async () => {
    const { tac, requests } = await createTestTAC();
    await expect(KnowledgeClient.fromTAC(tac).search(KB, { query: '  ' })).rejects.toThrow(/non-empty query/);
    expect(requests).toEqual([]);
  });
});
