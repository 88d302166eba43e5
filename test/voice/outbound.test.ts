import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger, TAC, VoiceChannel } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCallsApi } from './helpers/fake-calls-api.ts';
import { ACCOUNT_SID, startVoiceApp, testConfig, type VoiceApp, waitFor } from './helpers/voice-app.ts';

type FakeApi = Awaited<ReturnType<typeof startFakeCallsApi>>;

describe('outbound calls and endCall through the twilio package (TWILIO_API_BASE_URL)', () => {
  let api: FakeApi | undefined;
  let app: VoiceApp | undefined;
  afterEach(async () => {
    await app?.close();
    await api?.close();
    app = undefined;
    api = undefined;
  });

  it('creates the call with inline ConversationRelay TwiML, API-key auth, and auto-wired callbacks', async () => {
    api = await startFakeCallsApi();
    const tac = await TAC.create({
      logger: createSilentLogger(),
      config: testConfig({ apiBaseUrl: api.url, voicePublicDomain: 'agent.example.com' }),
    });
    const voice = tac.registerChannel(new VoiceChannel(tac, { twiml: { ttsProvider: 'Google' } }));
    voice.onCallStatus(() => {});
    voice.onAmd(() => {});
    const { callSid } = await voice.initiateOutboundConversation({
      to: '+15551230000',
      twimlOptions: {
        welcomeGreeting: 'Hi, this is Acme calling.',
        customParameters: { campaign: 'renewal' },
      },
      callOptions: { machineDetection: 'Enable', timeout: 20 },
    });
    expect(callSid).toMatch(/^CA\d{32}$/);
    expect(api.requests).toHaveLength(1);
    const req = api.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(req.authorization).toBe(
      `Basic ${Buffer.from(`SK${'1'.repeat(32)}:api-secret`).toString('base64')}`,
    );
    expect(req.form.get('To')).toBe('+15551230000');
    expect(req.form.get('From')).toBe('+15550001111');
    expect(req.form.get('Timeout')).toBe('20');
    expect(req.form.get('MachineDetection')).toBe('Enable');
    expect(req.form.get('AsyncAmd')).toBe('true');
    expect(req.form.get('AsyncAmdStatusCallback')).toBe('https://agent.example.com/twilio/call-events/amd');
    expect(req.form.get('StatusCallback')).toBe('https://agent.example.com/twilio/call-events/status');
    expect(req.form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    const twiml = req.form.get('Twiml') ?? '';
    expect(twiml).toContain('<ConversationRelay url="wss://agent.example.com/ws"');
    expect(twiml).toContain('welcomeGreeting="Hi, this is Acme calling."');
    expect(twiml).toContain('ttsProvider="Google"');
    expect(twiml).toContain('<Parameter name="campaign" value="renewal"/>');
    expect(twiml).toContain('action="https://agent.example.com/conversation-relay-callback"');
  });

  it("bounds a Calls API request by TAC's HTTP timeout; refuses bad twimlOptions and calls during shutdown", async () => {
    // A Calls API that accepts the connection and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const tac = await TAC.create({
        logger: createSilentLogger(),
        config: testConfig({
          apiBaseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          voicePublicDomain: 'agent.example.com',
        }),
        http: { timeoutMs: 300 },
      });
      const voice = tac.registerChannel(new VoiceChannel(tac));
      await expect(voice.initiateOutboundConversation({ to: '+15551230000' })).rejects.toThrow(/timeout/i);
      await expect(
        voice.initiateOutboundConversation({
          to: '+15551230000',
          twimlOptions: { ttsProvider: 42 as never },
        }),
      ).rejects.toMatchObject({
        code: 'TAC_ERR_INVALID_ARGUMENT',
        message: expect.stringContaining('ttsProvider'),
      });
      await tac.shutdown(100);
      await expect(voice.initiateOutboundConversation({ to: '+15551230000' })).rejects.toMatchObject({
        code: 'TAC_ERR_ABORTED',
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('leaves callback URLs alone when no hook is registered', async () => {
    api = await startFakeCallsApi();
    const tac = await TAC.create({
      logger: createSilentLogger(),
      config: testConfig({ apiBaseUrl: api.url, voicePublicDomain: 'agent.example.com' }),
    });
    const voice = tac.registerChannel(new VoiceChannel(tac));
    await voice.initiateOutboundConversation({ to: '+15551230000', callOptions: { record: true } });
    const form = api.requests[0]!.form;
    expect(form.has('StatusCallback')).toBe(false);
    expect(form.has('RecordingStatusCallback')).toBe(false);
    expect(form.get('Record')).toBe('true');
  });

  it('uses the local server address without a public domain, and fails clearly before the server starts', async () => {
    api = await startFakeCallsApi();
    const tac = await TAC.create({
      logger: createSilentLogger(),
      config: testConfig({ apiBaseUrl: api.url }),
    });
    const voice = tac.registerChannel(new VoiceChannel(tac));
    await expect(voice.initiateOutboundConversation({ to: '+15551230000' })).rejects.toMatchObject({
      code: 'TAC_ERR_CONFIG',
      message: expect.stringContaining('TWILIO_VOICE_PUBLIC_DOMAIN'),
    });
    await expect(voice.initiateOutboundConversation({ to: '' })).rejects.toMatchObject({
      code: 'TAC_ERR_INVALID_ARGUMENT',
    });
    app = await startVoiceApp({ config: { apiBaseUrl: api.url } });
    await app.voice.initiateOutboundConversation({ to: '+15551230000' });
    const host = new URL(app.baseUrl).host;
    expect(api.requests.at(-1)!.form.get('Twiml')).toContain(`url="ws://${host}/ws"`);
  });

  it('surfaces a Calls API refusal as TwilioApiError', async () => {
    api = await startFakeCallsApi({
      failWith: { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
    });
    const tac = await TAC.create({
      logger: createSilentLogger(),
      config: testConfig({ apiBaseUrl: api.url, voicePublicDomain: 'agent.example.com' }),
    });
    const voice = tac.registerChannel(new VoiceChannel(tac));
    await expect(voice.initiateOutboundConversation({ to: '+1' })).rejects.toMatchObject({
      code: 'TAC_ERR_TWILIO_API',
      status: 400,
      twilioCode: 21211,
    });
  });

  it('endCall hangs up through the API, closes the socket, ends the session; never throws', async () => {
    api = await startFakeCallsApi();
    app = await startVoiceApp({ config: { apiBaseUrl: api.url } });
    const reasons: string[] = [];
    app.tac.onConversationEnded(({ reason }) => {
      reasons.push(reason);
    });
    const call = await app.call({ callSid: 'CA00000000000000000000000000000042' });
    await waitFor(async () => (await app!.tac.sessions.size()) === 1);
    expect(await app.voice.endCall('CA00000000000000000000000000000042')).toBe(true);
    const req = api.requests.at(-1)!;
    expect(req.path).toBe(
      `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/CA00000000000000000000000000000042.json`,
    );
    expect(req.form.get('Status')).toBe('completed');
    expect((await call.closed).code).toBe(1000);
    expect(await app.tac.sessions.size()).toBe(0);
    expect(reasons).toEqual(['ended-by-app']);
  });

  it('endCall returns false (and reports) when Twilio refuses', async () => {
    api = await startFakeCallsApi({ failWith: { status: 404, code: 20404, message: 'not found' } });
    const tac = await TAC.create({
      logger: createSilentLogger(),
      config: testConfig({ apiBaseUrl: api.url }),
    });
    const voice = tac.registerChannel(new VoiceChannel(tac));
    const stages: unknown[] = [];
    tac.onError((_e, ctx) => {
      stages.push(ctx.stage);
    });
    expect(await voice.endCall('CA00000000000000000000000000000404')).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(stages).toEqual(['endCall']);
  });

  it('routes call events to onCallStatus, onAmd and onRecording', async () => {
    app = await startVoiceApp();
    const events: unknown[] = [];
    app.voice.onCallStatus((e) => {
      events.push({
        kind: 'status',
        callStatus: e.callStatus,
        isUnreached: e.isUnreached,
        duration: e.callDuration,
      });
    });
    app.voice.onAmd((e) => {
      events.push({ kind: 'amd', answeredBy: e.answeredBy, isMachine: e.isMachine });
    });
    app.voice.onRecording((e) => {
      events.push({ kind: 'recording', sid: e.recordingSid, status: e.recordingStatus });
    });
    const base = { CallSid: 'CA00000000000000000000000000000008', AccountSid: ACCOUNT_SID };
    expect(
      (await app.postForm('/twilio/call-events/status', { ...base, CallStatus: 'busy', CallDuration: '0' }))
        .status,
    ).toBe(200);
    expect(
      (await app.postForm('/twilio/call-events/amd', { ...base, AnsweredBy: 'machine_end_beep' })).status,
    ).toBe(200);
    expect(
      (
        await app.postForm('/twilio/call-events/recording', {
          ...base,
          RecordingSid: 'RE1',
          RecordingStatus: 'completed',
        })
      ).status,
    ).toBe(200);
    expect((await app.postForm('/twilio/call-events/status', { AccountSid: ACCOUNT_SID })).status).toBe(400);
    expect(events).toEqual([
      { kind: 'status', callStatus: 'busy', isUnreached: true, duration: 0 },
      { kind: 'amd', answeredBy: 'machine_end_beep', isMachine: true },
      { kind: 'recording', sid: 'RE1', status: 'completed' },
    ]);
  });
});
