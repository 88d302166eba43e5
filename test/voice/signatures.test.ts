import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayClient } from './helpers/relay-client.ts';
import { ACCOUNT_SID, AUTH_TOKEN, CALLER, PHONE, startVoiceApp, type VoiceApp } from './helpers/voice-app.ts';

const callForm = {
  CallSid: 'CA00000000000000000000000000000009',
  AccountSid: ACCOUNT_SID,
  From: CALLER,
  To: PHONE,
  CallStatus: 'ringing',
  Direction: 'inbound',
  ApiVersion: '2010-04-01',
};

const callbackForm = {
  ...callForm,
  CallStatus: 'completed',
  SessionStatus: 'completed',
  SessionId: 'VX00000000000000000000000000000009',
  SessionDuration: '12',
};

describe('Twilio signatures on voice routes (real sockets)', () => {
  let app: VoiceApp;
  afterEach(async () => {
    await app?.close();
  });

  it('accepts a signed /twiml and refuses unsigned or wrongly signed ones with 403', async () => {
    app = await startVoiceApp();
    const ok = await app.postForm('/twiml', callForm);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('application/xml');

    const unsigned = await app.postForm('/twiml', callForm, { signature: null });
    expect(unsigned.status).toBe(403);
    const wrong = await app.postForm('/twiml', callForm, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    expect(wrong.status).toBe(403);
    // Signed for other params than the ones posted (tampered body).
    const tampered = await fetch(`${app.baseUrl}/twiml`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(AUTH_TOKEN, `${app.baseUrl}/twiml`, callForm),
      },
      body: new URLSearchParams({ ...callForm, From: '+15550009999' }).toString(),
    });
    expect(tampered.status).toBe(403);
  });

  it('refuses unsigned or wrongly signed /conversation-relay-callback', async () => {
    app = await startVoiceApp();
    expect(
      (await app.postForm('/conversation-relay-callback', callbackForm, { signature: null })).status,
    ).toBe(403);
    expect(
      (await app.postForm('/conversation-relay-callback', callbackForm, { signature: 'bm9wZQ==' })).status,
    ).toBe(403);
    const ok = await app.postForm('/conversation-relay-callback', callbackForm);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<Response/>');
  });

  it('closes an unsigned or wrongly signed WebSocket upgrade with 1008 before any turn', async () => {
    app = await startVoiceApp();
    let turns = 0;
    app.tac.onMessageReady(() => {
      turns++;
      return 'no';
    });
    const unsigned = await RelayClient.connect(app.wsUrl, { signature: null });
    expect(await unsigned.closed).toEqual({ code: 1008, reason: 'Invalid signature' });

    const wrongToken = await RelayClient.connect(app.wsUrl, { authToken: 'not-the-token' });
    expect((await wrongToken.closed).code).toBe(1008);

    const otherPath = await RelayClient.connect(app.wsUrl, {
      authToken: AUTH_TOKEN,
      signedUrl: app.wsUrl.replace('/ws', '/other'),
    });
    expect((await otherPath.closed).code).toBe(1008);
    expect(turns).toBe(0);
    expect(app.voice.openCalls).toBe(0);
  });

  it('rebuilds the signed URL from X-Forwarded-Proto/Host behind a proxy (https → wss)', async () => {
    app = await startVoiceApp();
    app.tac.onMessageReady(() => 'proxied');
    const headers = { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'agent.example.com' };
    const twiml = await app.postForm('/twiml', callForm, {
      signedUrl: 'https://agent.example.com/twiml',
    });
    expect(twiml.status).toBe(403); // no forwarded headers sent: the public URL can't be matched
    const proxied = await fetch(`${app.baseUrl}/twiml`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(
          AUTH_TOKEN,
          'https://agent.example.com/twiml',
          callForm,
        ),
      },
      body: new URLSearchParams(callForm).toString(),
    });
    expect(proxied.status).toBe(200);
    expect(await proxied.text()).toContain('url="wss://agent.example.com/ws"');

    const ws = await RelayClient.connect(app.wsUrl, {
      authToken: AUTH_TOKEN,
      signedUrl: 'wss://agent.example.com/ws',
      headers,
    });
    ws.setup();
    ws.prompt('hello');
    expect((await ws.reply()).text).toBe('proxied');
    await ws.hangup();
  });

  it('accepts a WebSocket URL with a query string signed either way', async () => {
    app = await startVoiceApp();
    app.tac.onMessageReady(() => 'ok');
    const url = `${app.wsUrl}?tenant=acme`;
    // TAC's way: wss://host/path, query params as params.
    const asParams = await RelayClient.connect(url, { authToken: AUTH_TOKEN });
    asParams.setup();
    asParams.prompt('hi');
    expect((await asParams.reply()).text).toBe('ok');
    await asParams.hangup();
    // The full URL with its query, no params.
    const full = await RelayClient.connect(url, {
      signature: getExpectedTwilioSignature(AUTH_TOKEN, url, {}),
    });
    full.setup({ callSid: 'CA00000000000000000000000000000002' });
    full.prompt('hi');
    expect((await full.reply()).text).toBe('ok');
    await full.hangup();
  });

  it('refuses call-event posts without a valid signature', async () => {
    app = await startVoiceApp();
    const statuses: string[] = [];
    app.voice.onCallStatus(({ callStatus }) => {
      statuses.push(callStatus);
    });
    const form = { CallSid: callForm.CallSid, AccountSid: ACCOUNT_SID, CallStatus: 'ringing' };
    expect((await app.postForm('/twilio/call-events/status', form, { signature: null })).status).toBe(403);
    expect((await app.postForm('/twilio/call-events/status', form)).status).toBe(200);
    expect(statuses).toEqual(['ringing']);
  });
});
