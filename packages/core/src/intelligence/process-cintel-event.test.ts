import { describe, expect, it } from 'vitest';
import { createFakeTAC, STORE_ID } from '../channels/messaging/__fixtures__/fake-twilio.ts';
import { TACErrorCode } from '../errors/index.ts';
import { extractSummaries } from './extract-summaries.ts';
import { processCintelEvent } from './process-cintel-event.ts';

const CI_CONFIG = 'GA00000000000000000000000000000000';
const OPERATOR = 'LY00000000000000000000000000000000';

function payload(overrides: Record<string, unknown> = {}, result: Record<string, unknown> = {}) {
  return {
    accountId: `AC${'a'.repeat(32)}`,
    conversationId: 'conv_conversation_1',
    memoryStoreId: STORE_ID,
    intelligenceConfiguration: { id: CI_CONFIG, friendlyName: 'x', version: 1, ruleId: 'rule_1' },
    operatorResults: [
      {
        id: 'intelligence_operatorresult_1',
        operator: { id: OPERATOR, friendlyName: 'Summary Extractor', version: 1, parameters: {} },
        outputFormat: 'JSON',
        result: { payload: '{"summaries":[{"summary":"Customer asked about a refund."}]}' },
        dateCreated: '2025-01-15T10:30:45Z',
        referenceIds: [],
        executionDetails: {
          trigger: { on: 'conversation_closed', timestamp: '2025-01-15T10:30:45Z' },
          channels: ['SMS'],
          participants: [
            { id: 'p1', profileId: 'mem_profile_1', type: 'CUSTOMER' },
            { id: 'p2', profileId: 'mem_profile_agent', type: 'AI_AGENT' },
          ],
          context: {},
        },
        ...result,
      },
    ],
    ...overrides,
  };
}

async function setup(ci = true) {
  return createFakeTAC(ci ? { cintelConfigurationId: CI_CONFIG, cintelSummaryOperatorSid: OPERATOR } : {});
}

describe('processCintelEvent', () => {
  it('stores the summary operator result as a Memory conversation summary for each customer profile', async () => {
    const { tac, fake } = await setup();
    const result = await processCintelEvent(tac, payload());
    expect(result).toEqual({ success: true, eventType: 'summary', skipped: false, createdCount: 1 });
    expect(fake.summaries).toEqual([
      {
        profileId: 'mem_profile_1',
        body: {
          summaries: [
            {
              content: 'Customer asked about a refund.',
              conversationId: 'conv_conversation_1',
              occurredAt: '2025-01-15T10:30:45Z',
              source: 'conversation-intelligence',
            },
          ],
        },
      },
    ]);
  });

  it('refuses when CI is not configured (NOT_CONFIGURED names the variable)', async () => {
    const { tac } = await setup(false);
    await expect(processCintelEvent(tac, payload())).rejects.toMatchObject({
      code: TACErrorCode.NOT_CONFIGURED,
      message: expect.stringContaining('TWILIO_TAC_CI_CONFIGURATION_ID'),
    });
  });

  it('refuses a malformed payload with WEBHOOK_INVALID naming the fields', async () => {
    const { tac } = await setup();
    await expect(processCintelEvent(tac, { conversationId: 'c' })).rejects.toMatchObject({
      code: TACErrorCode.WEBHOOK_INVALID,
      message: expect.stringContaining('intelligenceConfiguration'),
    });
    await expect(processCintelEvent(tac, 'nope')).rejects.toMatchObject({
      code: TACErrorCode.WEBHOOK_INVALID,
    });
  });

  it('skips another intelligence configuration and other operators', async () => {
    const { tac, fake } = await setup();
    const other = await processCintelEvent(tac, payload({ intelligenceConfiguration: { id: 'GAother' } }));
    expect(other).toMatchObject({ success: true, skipped: true, createdCount: 0 });
    expect(other.skipReason).toContain('GAother');
    const notSummary = await processCintelEvent(tac, payload({}, { operator: { id: 'LYother' } }));
    expect(notSummary).toMatchObject({ skipped: true, eventType: null, createdCount: 0 });
    expect(fake.summaries).toEqual([]);
  });

  it('reports mixed results and a Memory failure as success:false', async () => {
    const { tac, fake } = await setup();
    const errors: unknown[] = [];
    tac.onError((e) => {
      errors.push(e);
    });
    const body = payload();
    body.operatorResults.push({ ...body.operatorResults[0]!, operator: { id: 'LYclassifier' } } as never);
    fake.fail('POST', /ConversationSummaries$/, 400, 1);
    const result = await processCintelEvent(tac, body);
    expect(result).toMatchObject({ success: false, eventType: 'mixed', skipped: false, createdCount: 0 });
    expect(result.error).toContain('summaries');
    expect(errors).toHaveLength(1);
  });
});

describe('processCintelEvent: redeliveries', () => {
  it('stores a redelivered result once, also when both deliveries run at the same time', async () => {
    const { tac, fake } = await setup();
    const [first, second] = await Promise.all([
      processCintelEvent(tac, payload()),
      processCintelEvent(tac, payload()),
    ]);
    const later = await processCintelEvent(tac, payload());
    expect(fake.summaries).toHaveLength(1);
    expect([first.createdCount, second.createdCount].sort()).toEqual([0, 1]);
    expect(later).toMatchObject({ success: true, skipped: true, createdCount: 0 });
    expect(later.skipReason).toContain('already stored');
    // A different summary for the same conversation is new.
    const other = await processCintelEvent(
      tac,
      payload({}, { id: 'intelligence_operatorresult_2', result: { payload: '{"summary":"Second call."}' } }),
    );
    expect(other.createdCount).toBe(1);
    expect(fake.summaries).toHaveLength(2);
  });

  it('retries a write that failed when the result is delivered again', async () => {
    const { tac, fake } = await setup();
    tac.onError(() => {});
    fake.fail('POST', /ConversationSummaries$/, 400, 1);
    expect((await processCintelEvent(tac, payload())).success).toBe(false);
    expect(await processCintelEvent(tac, payload())).toMatchObject({ success: true, createdCount: 1 });
    expect(fake.summaries).toHaveLength(1);
  });
});

describe('extractSummaries', () => {
  const r = (outputFormat: string, result: unknown) =>
    ({ operator: { id: 'x' }, outputFormat, result }) as Parameters<typeof extractSummaries>[0];

  it('reads every documented shape', () => {
    expect(
      extractSummaries(r('JSON', { payload: '{"summaries":[{"summary":"a"},{"summary":"b"}]}' })),
    ).toEqual(['a', 'b']);
    expect(extractSummaries(r('JSON', { payload: '{"summary":"one"}' }))).toEqual(['one']);
    expect(
      extractSummaries(
        r('JSON', { 'com.twilio.cai.intelligence.JSONResult': { summaries: [{ summary: 'nested' }] } }),
      ),
    ).toEqual(['nested']);
    expect(extractSummaries(r('JSON', { payload: 'plain words' }))).toEqual(['plain words']);
    expect(extractSummaries(r('GENERATION', { result: 'generated text', format: 'TEXT' }))).toEqual([
      'generated text',
    ]);
    expect(extractSummaries(r('TEXT', { result: '{"summary":"json in text"}' }))).toEqual(['json in text']);
    expect(extractSummaries(r('CLASSIFICATION', { label: 'angry' }))).toEqual([]);
    expect(extractSummaries(r('JSON', { payload: '{"summaries":[{"summary":"  "}]}' }))).toEqual([]);
  });

  it('gives up on absurdly nested values instead of overflowing the stack', () => {
    let nested: unknown = { summary: 'too deep to matter' };
    for (let i = 0; i < 5_000; i++) nested = [nested];
    expect(extractSummaries(r('JSON', { payload: nested }))).toEqual([]);
  });
});
