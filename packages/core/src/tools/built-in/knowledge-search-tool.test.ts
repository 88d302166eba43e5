import { describe, expect, it } from 'vitest';
import { TACError } from '../../errors/index.ts';
import { createTestTAC, storedSession, toolContext } from '../__fixtures__/fake-twilio.ts';
import { invokeTool } from '../invoke-tool.ts';
import {
  createKnowledgeSearchTool,
  createKnowledgeSearchToolAsync,
  knowledgeToolName,
} from './knowledge-search-tool.ts';

const KB = 'know_knowledgebase_1';
const routes = {
  [`GET /v2/ControlPlane/KnowledgeBases/${KB}`]: {
    body: { id: KB, displayName: 'Acme Help-Center', description: 'Policies and FAQs of Acme' },
  },
  [`POST /v2/KnowledgeBases/${KB}/Search`]: {
    body: { chunks: [{ content: 'Returns within 30 days', knowledgeId: 'k1', score: 0.9 }] },
  },
};

describe('createKnowledgeSearchTool', () => {
  it('searches the configured knowledge base with topK for the calling conversation', async () => {
    const { tac, find } = await createTestTAC({ routes, config: { knowledgeBaseId: KB } });
    const tool = createKnowledgeSearchTool({ topK: 3 });
    expect(tool.name).toBe('search_knowledge');
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: {
        query: {
          type: 'string',
          minLength: 1,
          maxLength: 2048,
          description: 'The search query to find relevant knowledge',
        },
      },
      required: ['query'],
    });
    const result = await invokeTool(
      tool,
      { query: 'return policy?' },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result).toEqual({
      ok: true,
      output: [{ content: 'Returns within 30 days', knowledgeId: 'k1', score: 0.9 }],
    });
    expect(find('POST', `/v2/KnowledgeBases/${KB}/Search`)[0]?.json).toEqual({
      query: 'return policy?',
      top: 3,
    });
  });

  it('takes its description from the knowledge base once prepared, keeping a given one', async () => {
    const { tac } = await createTestTAC({ routes });
    const tool = createKnowledgeSearchTool({ knowledgeBaseId: KB });
    expect(tool.description).toMatch(/^Search the knowledge base/);
    await tool.prepare?.(tac);
    expect(tool.description).toBe('Policies and FAQs of Acme');
    expect(tool.toOpenAIFormat().function.description).toBe('Policies and FAQs of Acme');

    const fixed = createKnowledgeSearchTool({ knowledgeBaseId: KB, name: 'faq', description: 'Our FAQ' });
    await fixed.prepare?.(tac);
    expect([fixed.name, fixed.description]).toEqual(['faq', 'Our FAQ']);
  });

  it('keeps working with a generic description when the metadata cannot be read', async () => {
    const { tac } = await createTestTAC({
      routes: { ...routes, [`GET /v2/ControlPlane/KnowledgeBases/${KB}`]: { status: 500, body: {} } },
    });
    const tool = createKnowledgeSearchTool({ knowledgeBaseId: KB });
    await tool.prepare?.(tac);
    expect(tool.description).toMatch(/^Search the knowledge base/);
  });

  it('is refused at registration without a knowledge base id, naming the variable', async () => {
    const { tac } = await createTestTAC();
    await expect(createKnowledgeSearchTool().prepare?.(tac)).resolves.toBeUndefined();
    let error: unknown;
    try {
      createKnowledgeSearchTool().assertUsable?.(tac);
    } catch (e) {
      error = e;
    }
    expect(TACError.isInstance(error) && error.code).toBe('TAC_ERR_CONFIG');
    expect((error as Error).message).toContain('TWILIO_KNOWLEDGE_BASE_ID');
    expect(() => createKnowledgeSearchTool({ knowledgeBaseId: KB }).assertUsable?.(tac)).not.toThrow();
  });

  it('validates its options at construction', () => {
    expect(() => createKnowledgeSearchTool({ topK: 0 })).toThrow(/topK/);
    expect(() => createKnowledgeSearchTool({ name: 'has space' })).toThrow(/name/);
  });
});

describe('createKnowledgeSearchToolAsync', () => {
  it('names and describes the tool from the knowledge base, as Twilio TAC does', async () => {
    const { tac } = await createTestTAC({ routes });
    const tool = await createKnowledgeSearchToolAsync(tac, { knowledgeBaseId: KB });
    expect(tool.name).toBe('search_acme_help_center');
    expect(tool.description).toBe('Policies and FAQs of Acme');
  });

  it('fails when the knowledge base cannot be read', async () => {
    const { tac } = await createTestTAC();
    await expect(createKnowledgeSearchToolAsync(tac, { knowledgeBaseId: KB })).rejects.toThrow(/404/);
  });

  it('normalizes names', () => {
    expect(knowledgeToolName('Support FAQ - 2025!')).toBe('search_support_faq_2025');
    expect(knowledgeToolName('')).toBe('search_knowledge');
    expect(knowledgeToolName('x'.repeat(100))).toHaveLength(64);
  });
});
