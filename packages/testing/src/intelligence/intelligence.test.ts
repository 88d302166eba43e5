import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApp, startFakeApp } from '../__fixtures__/fake-app.ts';
import { fixture, shapeMismatches } from '../conformance/__fixtures__/fixtures.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { EmulatorError } from '../util/emulator-error.ts';
import type { IntelligencePayload } from './intelligence-payload.ts';

const CUSTOMER = '+15557654321';

describe('emu.intelligence.deliver', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;
  let ciAnswer: ((body: unknown) => { status: number; body: unknown }) | undefined;

  beforeEach(async () => {
    ciAnswer = undefined;
    emu = await TwilioEmulator.start();
    app = await startFakeApp({ authToken: emu.authToken, ciAnswer: (b) => ciAnswer?.(b) ?? okAnswer });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await emu.stop();
    await app.close();
  });

  const okAnswer = { status: 200, body: { success: true, createdCount: 1 } };

  async function smsConversation(): Promise<{ conversationId: string; profileId: string }> {
    const profileId = emu.memory.seedProfile({ phone: CUSTOMER });
    const alice = emu.customer({ channel: 'sms', address: CUSTOMER });
    await alice.send('I want a refund for order A1234');
    await emu.waitFor(() => app.webhooks.length > 0);
    return { conversationId: alice.conversationId as string, profileId };
  }

  it('completes operator results from the conversation and signs the JSON like Twilio', async () => {
    const { conversationId, profileId } = await smsConversation();
    const res = await emu.intelligence.deliver([{ summary: 'Asked for a refund of order A1234.' }], {
      dateCreated: '2025-01-15T10:30:45Z',
    });

    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.body).toEqual(okAnswer.body);
    const received = app.ciWebhooks[0];
    expect(app.ciWebhooks).toHaveLength(1);
    expect(received?.signatureValid).toBe(true);
    expect(received?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ci-webhook\?bodySHA256=[0-9a-f]{64}$/);
    expect(received?.headers['i-twilio-idempotency-token']).toBeTruthy();

    const body = received?.body as IntelligencePayload;
    expect(body).toEqual(res.payload);
    expect(body).toMatchObject({
      accountId: emu.accountSid,
      conversationId,
      memoryStoreId: emu.memoryStoreId,
      intelligenceConfiguration: {
        id: emu.intelligence.configurationId,
        friendlyName: `CONVERSATION_MEMORY_${emu.memoryStoreId}`,
        version: 1,
      },
    });
    const [result] = body.operatorResults;
    const communications = emu.orchestrator.communications(conversationId);
    expect(result).toMatchObject({
      operator: { id: emu.intelligence.summaryOperatorSid, friendlyName: 'Summary Extractor' },
      outputFormat: 'JSON',
      result: { payload: JSON.stringify({ summaries: [{ summary: 'Asked for a refund of order A1234.' }] }) },
      dateCreated: '2025-01-15T10:30:45Z',
      executionDetails: {
        trigger: { on: 'conversation_closed', timestamp: '2025-01-15T10:30:45Z' },
        communications: { first: communications[0]?.id, last: communications.at(-1)?.id },
        channels: ['SMS'],
      },
    });
    expect(result?.id).toMatch(/^intelligence_operatorresult_[0-9a-z]{26}$/);
    expect(result?.executionDetails.participants).toContainEqual(
      expect.objectContaining({ profileId, type: 'CUSTOMER' }),
    );
    // The same shape as the reference's example (tac-reference §6), key for key.
    expect(
      shapeMismatches(body, fixture('cintel-webhook.json'), { exact: true, nullable: ['profileId'] }),
    ).toEqual([]);
    expect(emu.intelligence.deliveries).toHaveLength(1);
    expect(emu.intelligence.deliveries[0]?.kind).toBe('intelligence');
  });

  it('sends a full payload verbatim and returns a refusal without retrying it', async () => {
    ciAnswer = () => ({ status: 400, body: { error: 'Conversation Intelligence is not enabled' } });
    const payload = { conversationId: 'conv_1', operatorResults: [] };
    const res = await emu.intelligence.deliver(payload);
    expect(res.status).toBe(400);
    expect(res.ok).toBe(false);
    expect(res.body).toEqual({ error: 'Conversation Intelligence is not enabled' });
    expect(app.ciWebhooks.map((r) => r.body)).toEqual([payload]);
    expect(res.delivery.attempts).toHaveLength(1);
  });

  it('posts to setApp({ ciWebhookPath }) or to options.path', async () => {
    const { conversationId } = await smsConversation();
    emu.setApp({ url: app.url, ciWebhookPath: '/custom-ci' });
    await emu.intelligence.deliver([{ summary: 'one' }], { conversationId });
    emu.setApp({ url: app.url });
    await emu.intelligence.deliver([{ summary: 'two' }], { path: '/custom-ci', conversationId });
    expect(app.ciWebhooks.map((r) => new URL(r.url).pathname)).toEqual(['/custom-ci', '/custom-ci']);
    expect(app.ciWebhooks.every((r) => r.signatureValid)).toBe(true);
  });

  it('lets any field of an operator result be overridden', async () => {
    await smsConversation();
    const res = await emu.intelligence.deliver(
      [{ operator: { id: 'LYsentiment', friendlyName: 'Sentiment', version: 2, parameters: {} } }],
      { configurationId: 'GAother' },
    );
    const body = res.payload as IntelligencePayload;
    expect(body.intelligenceConfiguration.id).toBe('GAother');
    expect(body.operatorResults[0]?.operator.id).toBe('LYsentiment');
    expect(body.operatorResults[0]?.outputFormat).toBe('JSON');
  });

  it('exposes the ids an app needs in env, not in emu.env', () => {
    expect(emu.intelligence.env).toEqual({
      TWILIO_TAC_CI_CONFIGURATION_ID: emu.intelligence.configurationId,
      TWILIO_TAC_CI_SUMMARY_OPERATOR_SID: emu.intelligence.summaryOperatorSid,
    });
    expect(emu.intelligence.configurationId).toMatch(/^GA[0-9a-f]{32}$/);
    expect(emu.intelligence.summaryOperatorSid).toMatch(/^LY[0-9a-f]{32}$/);
    expect(emu.env).not.toHaveProperty('TWILIO_TAC_CI_CONFIGURATION_ID');
  });

  it('refuses what Twilio could not send, with actionable errors', async () => {
    await expect(emu.intelligence.deliver([{ summary: 'x' }])).rejects.toThrow(/No conversation/);
    await expect(emu.intelligence.deliver([], { path: 'ci' })).rejects.toThrow(/path must start with "\/"/);
    const bare = await TwilioEmulator.start();
    try {
      const error = await bare.intelligence.deliver({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmulatorError);
      expect((error as EmulatorError).code).toBe('EMU_ERR_APP');
    } finally {
      await bare.stop();
    }
    expect(app.ciWebhooks).toHaveLength(0);
  });
});
