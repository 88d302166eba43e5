/**
 * POST /ci-webhook over a real socket and the emulator's Memory: operator
 * results become conversation summaries the next turn can recall; without CI
 * configured the route answers 400 with a clear body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type MessagingApp, startMessagingApp } from '../messaging/helpers/messaging-app.ts';

const CI_CONFIG = 'GA11111111111111111111111111111111';
const SUMMARY_OPERATOR = 'LY22222222222222222222222222222222';
const CUSTOMER = '+15557654321';

let app: MessagingApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function operatorResults(
  conversationId: string,
  profileId: string,
  summary: string,
  operatorId = SUMMARY_OPERATOR,
) {
  return {
    accountId: app?.emu.accountSid,
    conversationId,
    memoryStoreId: app?.emu.memoryStoreId,
    intelligenceConfiguration: {
      id: CI_CONFIG,
      friendlyName: 'CONVERSATION_MEMORY',
      version: 1,
      ruleId: 'rule_1',
    },
    operatorResults: [
      {
        id: 'intelligence_operatorresult_1',
        operator: { id: operatorId, friendlyName: 'Summary Extractor', version: 1, parameters: {} },
        outputFormat: 'JSON',
        result: { payload: JSON.stringify({ summaries: [{ summary }] }) },
        dateCreated: '2025-01-15T10:30:45Z',
        referenceIds: [],
        executionDetails: {
          trigger: { on: 'conversation_closed', timestamp: '2025-01-15T10:30:45Z' },
          communications: { first: 'comm_1', last: 'comm_2' },
          channels: ['SMS'],
          participants: [{ id: 'participant_1', profileId, type: 'CUSTOMER' }],
          context: {},
        },
      },
    ],
  };
}

describe('POST /ci-webhook', () => {
  it('stores the summary operator result in Memory; the next turn recalls it', async () => {
    app = await startMessagingApp({
      env: {
        TWILIO_TAC_CI_CONFIGURATION_ID: CI_CONFIG,
        TWILIO_TAC_CI_SUMMARY_OPERATOR_SID: SUMMARY_OPERATOR,
      },
      sms: { memoryMode: 'always' },
    });
    const profileId = app.emu.memory.seedProfile({ phone: CUSTOMER });
    const summaries: string[][] = [];
    app.tac.onMessageReady(({ memory }) => {
      summaries.push(memory?.summaries.map((s) => s.content) ?? []);
      return 'ok';
    });
    const customer = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await customer.send('I need a refund for order A1234');
    await customer.nextReply();
    const conversationId = customer.conversationId!;
    await app.emu.orchestrator.closeConversation(conversationId);

    const res = await app.post(
      '/ci-webhook',
      JSON.stringify(
        operatorResults(conversationId, profileId, 'Customer asked for a refund of order A1234.'),
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      success: true,
      eventType: 'summary',
      skipped: false,
      createdCount: 1,
    });
    expect(app.emu.memory.profile(profileId).summaries).toEqual([
      expect.objectContaining({
        content: 'Customer asked for a refund of order A1234.',
        conversationId,
        source: 'conversation-intelligence',
        occurredAt: '2025-01-15T10:30:45Z',
      }),
    ]);

    await customer.send('Any news on the refund?');
    await customer.nextReply();
    expect(summaries).toEqual([[], ['Customer asked for a refund of order A1234.']]);
  });

  it('skips results of other operators and answers what it did', async () => {
    app = await startMessagingApp({
      env: {
        TWILIO_TAC_CI_CONFIGURATION_ID: CI_CONFIG,
        TWILIO_TAC_CI_SUMMARY_OPERATOR_SID: SUMMARY_OPERATOR,
      },
    });
    const profileId = app.emu.memory.seedProfile({ phone: CUSTOMER });
    const res = await app.post(
      '/ci-webhook',
      JSON.stringify(operatorResults('conv_1', profileId, 'x', 'LYsentiment')),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, skipped: true, createdCount: 0 });
    expect(app.emu.memory.profile(profileId).summaries).toEqual([]);
  });

  it('refuses a malformed payload with 400, and unsigned requests with 403', async () => {
    app = await startMessagingApp({
      env: {
        TWILIO_TAC_CI_CONFIGURATION_ID: CI_CONFIG,
        TWILIO_TAC_CI_SUMMARY_OPERATOR_SID: SUMMARY_OPERATOR,
      },
    });
    const malformed = await app.post('/ci-webhook', JSON.stringify({ conversationId: 'conv_1' }));
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(await malformed.json())).toContain('intelligenceConfiguration');
    const unsigned = await app.post('/ci-webhook', JSON.stringify(operatorResults('c', 'p', 'x')), {
      signed: false,
    });
    expect(unsigned.status).toBe(403);
  });

  it('answers 400 with a clear body when Conversation Intelligence is not configured', async () => {
    app = await startMessagingApp();
    const profileId = app.emu.memory.seedProfile({ phone: CUSTOMER });
    const res = await app.post('/ci-webhook', JSON.stringify(operatorResults('conv_1', profileId, 'x')));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error?: string };
    expect(body.error).toMatch(/Conversation Intelligence is not enabled/);
    expect(JSON.stringify(body)).toContain('TWILIO_TAC_CI_CONFIGURATION_ID');
    expect(app.emu.memory.profile(profileId).summaries).toEqual([]);
  });
});
