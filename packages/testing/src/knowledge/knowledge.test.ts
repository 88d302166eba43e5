import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { rankBm25, tokenize } from './bm25.ts';

describe('BM25', () => {
  it('tokenizes, drops stop words and stems lightly', () => {
    expect(tokenize('What are the Returns policies?')).toEqual(['return', 'policy']);
  });

  it('ranks rarer matching terms higher and keeps input order on ties', () => {
    const docs = ['the cat sat', 'the dog barked', 'a cat and a dog', 'nothing here'];
    const ranked = rankBm25('cat', docs, (d) => d);
    expect(ranked.map((r) => r.item).slice(0, 2)).toEqual(['the cat sat', 'a cat and a dog']);
    expect(ranked.at(-1)?.bm25).toBe(0);
    expect(ranked[0]?.score).toBeGreaterThan(0);
    expect(ranked[0]?.score).toBeLessThan(1);
  });
});

describe('Knowledge REST', () => {
  let emu: TwilioEmulator;
  let kb: string;

  beforeEach(async () => {
    emu = await TwilioEmulator.start({
      knowledgeBase: { displayName: 'Acme Support', description: 'Acme policies' },
    });
    kb = emu.knowledge.base.id;
    emu.knowledge.seed([
      { content: 'Returns are accepted within 30 days with a receipt.' },
      { content: 'Our store hours are 9am to 5pm, Monday to Friday.' },
      { content: 'Shipping is free on orders over $50.' },
      { content: 'Gift cards cannot be returned or exchanged.', knowledgeId: 'know_knowledge_giftcards' },
    ]);
  });

  afterEach(() => emu.stop());

  it('serves knowledge-base metadata', async () => {
    const res = await api(emu, 'GET', `/v2/ControlPlane/KnowledgeBases/${kb}`);
    expect(res.body).toMatchObject({
      id: kb,
      displayName: 'Acme Support',
      description: 'Acme policies',
      status: 'ACTIVE',
    });
    expect(kb).toMatch(/^know_knowledgebase_[0-7][0-9a-z]{25}$/);
    expect(emu.env['TWILIO_KNOWLEDGE_BASE_ID']).toBe(kb);
  });

  it('searches with relevance ranking and honours top', async () => {
    const res = await api(emu, 'POST', `/v2/KnowledgeBases/${kb}/Search`, {
      json: { query: 'can I return my purchase with the receipt?', top: 5 },
    });
    expect(res.status).toBe(200);
    expect(res.body.chunks[0].content).toBe('Returns are accepted within 30 days with a receipt.');
    expect(Object.keys(res.body.chunks[0]).sort()).toEqual(['content', 'createdAt', 'knowledgeId', 'score']);
    const scores = res.body.chunks.map((c: { score: number }) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const one = await api(emu, 'POST', `/v2/KnowledgeBases/${kb}/Search`, {
      json: { query: 'returned returns', top: 1 },
    });
    expect(one.body.chunks).toHaveLength(1);
    const filtered = await api(emu, 'POST', `/v2/KnowledgeBases/${kb}/Search`, {
      json: { query: 'returned', knowledgeIds: ['know_knowledge_giftcards'] },
    });
    expect(filtered.body.chunks.map((c: { knowledgeId: string }) => c.knowledgeId)).toEqual([
      'know_knowledge_giftcards',
    ]);
    expect(emu.knowledge.searches).toHaveLength(3);
  });

  it('rejects top above 20, a missing query and unknown bases', async () => {
    expect(
      (await api(emu, 'POST', `/v2/KnowledgeBases/${kb}/Search`, { json: { query: 'x', top: 21 } })).status,
    ).toBe(400);
    expect((await api(emu, 'POST', `/v2/KnowledgeBases/${kb}/Search`, { json: {} })).status).toBe(400);
    expect(
      (await api(emu, 'POST', '/v2/KnowledgeBases/know_knowledgebase_x/Search', { json: { query: 'x' } }))
        .status,
    ).toBe(404);
  });
});
