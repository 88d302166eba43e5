import { describe, expect, it } from 'vitest';
import { createTestTAC, STORE_ID, storedSession, toolContext } from '../__fixtures__/fake-twilio.ts';
import { invokeTool } from '../invoke-tool.ts';
import { createMemoryRetrievalTool } from './memory-retrieval-tool.ts';

const profiles = `/v1/Stores/${STORE_ID}/Profiles`;

describe('createMemoryRetrievalTool', () => {
  it('recalls for the current customer with the model arguments over configured limits', async () => {
    const { tac, find } = await createTestTAC({
      routes: {
        [`POST ${profiles}/Lookup`]: { body: { profiles: ['mem_profile_1'] } },
        [`POST ${profiles}/mem_profile_1/Recall`]: {
          body: {
            observations: [{ content: 'Allergic to nuts' }],
            summaries: [],
            communications: [],
            meta: { queryTime: 3 },
          },
        },
      },
    });
    const tool = createMemoryRetrievalTool();
    expect(tool.name).toBe('retrieve_profile_memory');
    expect(tool.description).toBe(
      'Retrieve user memories including observations, summaries, and conversation history',
    );
    expect(tool.parameters.required).toBeUndefined();
    const session = await storedSession(tac);
    const result = await invokeTool(
      tool,
      { query: 'allergies', summariesLimit: 1 },
      toolContext(tac, session),
    );
    expect(result).toEqual({
      ok: true,
      output: { observations: [{ content: 'Allergic to nuts' }], summaries: [], communications: [] },
    });
    expect(find('POST', `${profiles}/mem_profile_1/Recall`)[0]?.json).toEqual({
      conversationId: 'conv_conversation_1',
      query: 'allergies',
      observationsLimit: 20,
      summariesLimit: 1,
      communicationsLimit: 0,
      relevanceThreshold: 0,
    });
    expect((await tac.sessions.get(session.conversationId))?.profileId).toBe('mem_profile_1');
  });

  it('gives the model an error result when the customer has no profile', async () => {
    const { tac } = await createTestTAC({
      routes: { [`POST ${profiles}/Lookup`]: { body: { profiles: [] } } },
    });
    const result = await invokeTool(
      createMemoryRetrievalTool(),
      {},
      toolContext(tac, await storedSession(tac)),
    );
    expect(result).toMatchObject({ ok: false, code: 'TAC_ERR_TOOL_FAILED' });
    expect(!result.ok && result.error).toContain('No Memory profile');
  });

  it('is refused at registration without a Memory store', async () => {
    const { tac } = await createTestTAC({ storeId: null });
    expect(() => createMemoryRetrievalTool().assertUsable?.(tac)).toThrow(
      /TWILIO_CONVERSATION_CONFIGURATION_ID/,
    );
    const relayOnly = await createTestTAC({ orchestrated: false });
    expect(() => createMemoryRetrievalTool().assertUsable?.(relayOnly.tac)).toThrow(/Memory store/);
    const withStore = await createTestTAC();
    expect(() => createMemoryRetrievalTool().assertUsable?.(withStore.tac)).not.toThrow();
  });

  it('rejects out-of-range arguments before calling Memory', async () => {
    const { tac, requests } = await createTestTAC();
    const result = await invokeTool(
      createMemoryRetrievalTool(),
      { relevanceThreshold: 2 },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result).toMatchObject({ ok: false, code: 'TAC_ERR_TOOL_INVALID_ARGS' });
    expect(requests).toEqual([]);
  });
});
