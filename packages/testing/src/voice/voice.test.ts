import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, type FakeApp, type ReceivedSocket, startFakeApp } from '../__fixtures__/fake-app.ts';
import { startHoldingApp } from '../__fixtures__/holding-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import type { CallEnd } from './emulated-call.ts';
import type { AppFrame } from './frames.ts';

type Twiml = (app: { url: string; host: string }, form: Record<string, string>) => string;

const send = (s: ReceivedSocket, m: object) => s.ws.send(JSON.stringify(m));

// The app's voice behaviour: echo prompts back as two tokens, hand off on "agent", misbehave on demand.
function onWsMessage(socket: ReceivedSocket, message: Record<string, unknown>): void {
  if (message['type'] !== 'prompt' || message['last'] !== true) return;
  const text = String(message['voicePrompt']);
  if (text === 'agent please') {
    send(socket, { type: 'text', token: 'Transferring you now.', last: true });
    send(socket, { type: 'end', handoffData: JSON.stringify({ reason: 'caller asked for a human' }) });
  } else if (text === 'garbage') {
    for (let i = 0; i < 10; i++) socket.ws.send('not json');
  } else if (text === 'close') {
    socket.ws.close(1011, 'app crashed');
  } else if (text === 'stream slowly') {
    send(socket, { type: 'text', token: 'Once upon ', last: false });
  } else {
    send(socket, { type: 'text', token: 'You said: ', last: false });
    send(socket, { type: 'text', token: text, last: true });
  }
}

describe('voice: the emulator as a ConversationRelay caller', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;
  let twiml: Twiml | undefined;

  beforeEach(async () => {
    twiml = undefined;
    emu = await TwilioEmulator.start();
    app = await startFakeApp({
      authToken: emu.authToken,
      onWsMessage,
      twiml: (a, f) => (twiml ?? defaultTwiml)(a, f),
    });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await emu.stop();
    await app.close();
  });

  const defaultTwiml: Twiml = (a) =>
    `<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="${a.url}/conversation-relay-callback">` +
    `<ConversationRelay url="wss://${a.host}/ws" welcomeGreeting="Hello! How can I assist you today?" ` +
    `conversationConfiguration="${emu.configurationId}" dtmfDetection="true">` +
    '<Parameter name="callReference" value="bar"/></ConversationRelay></Connect></Response>';

  it('posts a signed TwiML request, opens a signed WebSocket and sends setup as documented', async () => {
    const call = await emu.call({ from: '+18005550100' });
    expect(call.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.welcomeGreeting).toBe('Hello! How can I assist you today?');

    const request = app.twimlRequests[0];
    expect(request?.signatureValid).toBe(true);
    expect(request?.body).toMatchObject({
      CallSid: call.callSid,
      AccountSid: emu.accountSid,
      From: '+18005550100',
      To: emu.phoneNumber,
      CallStatus: 'ringing',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      Caller: '+18005550100',
      Called: emu.phoneNumber,
    });

    await emu.waitFor(() => app.sockets[0]?.messages.length);
    const socket = app.sockets[0] as ReceivedSocket;
    // wss:// in TwiML is served as ws:// on loopback with X-Forwarded-Proto, and the signature covers wss://.
    expect(socket.signatureValid).toBe(true);
    expect(socket.url).toBe(`wss://${app.host}/ws`);
    expect(socket.messages[0]).toEqual({
      type: 'setup',
      sessionId: call.sessionId,
      accountSid: emu.accountSid,
      parentCallSid: '',
      callSid: call.callSid,
      from: '+18005550100',
      to: emu.phoneNumber,
      forwardedFrom: '',
      callType: 'PSTN',
      callerName: '',
      direction: 'inbound',
      callStatus: 'RINGING',
      customParameters: { callReference: 'bar' },
    });
    expect(Object.keys(socket.messages[0] ?? {})).toEqual([
      'type',
      'sessionId',
      'accountSid',
      'parentCallSid',
      'callSid',
      'from',
      'to',
      'forwardedFrom',
      'callType',
      'callerName',
      'direction',
      'callStatus',
      'customParameters',
    ]);
    expect(call.sessionId).toMatch(/^VX[0-9a-f]{32}$/);
  });

  it('sends partial and final prompts and collects the streamed reply', async () => {
    const call = await emu.call();
    await call.say('What are your hours?', { partials: ['What', 'What are your'] });
    const reply = await call.nextReply();
    expect(reply).toEqual({
      text: 'You said: What are your hours?',
      tokens: ['You said: ', 'What are your hours?'],
      interrupted: false,
    });
    const prompts = app.sockets[0]?.messages.filter((m) => m['type'] === 'prompt');
    expect(prompts).toEqual([
      { type: 'prompt', voicePrompt: 'What', lang: 'en-US', last: false },
      { type: 'prompt', voicePrompt: 'What are your', lang: 'en-US', last: false },
      { type: 'prompt', voicePrompt: 'What are your hours?', lang: 'en-US', last: true },
    ]);
  });

  it('creates the call conversation in orchestrated mode, with transcripts', async () => {
    const profileId = emu.memory.seedProfile({ phone: '+15557770000' });
    const call = await emu.call({ from: '+15557770000' });
    expect(call.conversationId).toMatch(/^conv_conversation_[0-9a-z]{26}$/);
    const listed = await api(emu, 'GET', `/v2/Conversations?channelId=${call.callSid}&status=ACTIVE`);
    expect(listed.body.conversations.map((c: { id: string }) => c.id)).toEqual([call.conversationId]);
    const participants = emu.orchestrator.participants(call.conversationId as string);
    expect(participants.map((p) => [p.type, p.addresses[0]?.address, p.profileId])).toEqual([
      ['CUSTOMER', '+15557770000', profileId],
      ['AI_AGENT', emu.phoneNumber, null],
    ]);
    await call.say('hi');
    await call.nextReply();
    await emu.waitFor(() => emu.orchestrator.communications(call.conversationId as string).length === 2);
    const texts = emu.orchestrator
      .communications(call.conversationId as string)
      .map((c) => [c.content.type, c.content.text]);
    expect(texts).toEqual([
      ['TRANSCRIPTION', 'hi'],
      ['TRANSCRIPTION', 'You said: hi'],
    ]);
  });

  it('runs relay-only when the TwiML has no conversationConfiguration', async () => {
    twiml = (a) => `<Response><Connect><ConversationRelay url="ws://${a.host}/ws"/></Connect></Response>`;
    const call = await emu.call();
    expect(call.conversationId).toBeUndefined();
    expect(emu.orchestrator.conversations()).toEqual([]);
  });

  it('interrupts with what was heard and skips the interrupted reply', async () => {
    const call = await emu.call();
    await call.say('stream slowly');
    await call.waitForFrame((f) => f.type === 'text');
    await call.interrupt();
    const interrupt = await emu.waitFor(() =>
      app.sockets[0]?.messages.find((m) => m['type'] === 'interrupt'),
    );
    expect(interrupt).toEqual({
      type: 'interrupt',
      utteranceUntilInterrupt: 'Once upon ',
      durationUntilInterruptMs: 800,
    });
    await call.say('thanks');
    expect((await call.nextReply()).text).toBe('You said: thanks');
    expect(call.replies[0]).toMatchObject({ text: 'Once upon ', interrupted: true });
  });

  it('sends DTMF only when dtmfDetection is on', async () => {
    const call = await emu.call();
    await call.dtmf('5');
    await emu.waitFor(() => app.sockets[0]?.messages.some((m) => m['type'] === 'dtmf'));
    expect(app.sockets[0]?.messages.at(-1)).toEqual({ type: 'dtmf', digit: '5' });

    twiml = (a) => `<Response><Connect><ConversationRelay url="ws://${a.host}/ws"/></Connect></Response>`;
    const plain = await emu.call();
    await expect(plain.dtmf('5')).rejects.toThrow(/dtmfDetection/);
  });

  it('answers an invalid frame with an error and keeps the session', async () => {
    const call = await emu.call();
    await emu.waitFor(() => app.sockets[0]);
    const socket = app.sockets[0] as ReceivedSocket;
    socket.ws.send(JSON.stringify({ type: 'text', last: true }));
    await emu.waitFor(() => socket.messages.some((m) => m['type'] === 'error'));
    expect(socket.messages.find((m) => m['type'] === 'error')).toEqual({
      type: 'error',
      description: 'Invalid message received: {"type":"text","last":true}',
    });
    expect(call.protocolErrors[0]?.reason).toMatch(/token/);
    await call.say('still here?');
    expect((await call.nextReply()).text).toBe('You said: still here?');
  });

  it('closes with 1007 after ten malformed frames in a row and reports a failed session', async () => {
    const call = await emu.call();
    await call.say('garbage');
    const end = await call.ended;
    expect(end).toMatchObject({
      sessionStatus: 'failed',
      closeCode: 1007,
      closeReason: 'Too many consecutive malformed messages',
      errorCode: '64105',
    });
    expect(call.protocolErrors).toHaveLength(10);
  });

  it('on an end frame closes and posts the action callback with HandoffData verbatim', async () => {
    const call = await emu.call();
    await call.say('agent please');
    const end = await call.ended;
    expect(end.sessionStatus).toBe('ended');
    expect(end.handoffData).toBe('{"reason":"caller asked for a human"}');
    const callback = app.callbacks[0];
    expect(callback?.signatureValid).toBe(true);
    expect(callback?.body).toMatchObject({
      AccountSid: emu.accountSid,
      CallSid: call.callSid,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      SessionId: call.sessionId,
      SessionStatus: 'ended',
      HandoffData: '{"reason":"caller asked for a human"}',
    });
    expect(end.callbackResponse?.twiml?.verbs).toEqual(['Hangup']);
    expect(emu.calls.get(call.callSid)?.status).toBe('completed');
  });

  it('on hang-up closes 1000 and posts SessionStatus=completed', async () => {
    const call = await emu.call();
    const end = await call.hangup();
    expect(end).toMatchObject({ sessionStatus: 'completed', callStatus: 'completed', closeCode: 1000 });
    expect(app.callbacks[0]?.body).toMatchObject({ CallStatus: 'completed', SessionStatus: 'completed' });
    await expect(call.say('hello?')).rejects.toBeInstanceOf(EmulatorError);
  });

  it('reports an app-side close as a failed session', async () => {
    const call = await emu.call();
    await call.say('close');
    const end = await call.ended;
    expect(end).toMatchObject({ sessionStatus: 'failed', closeCode: 1011, errorCode: '64105' });
    expect(app.callbacks[0]?.body).toMatchObject({
      SessionStatus: 'failed',
      ErrorCode: '64105',
      CallStatus: 'in-progress',
    });
  });

  it('rejects the call when the TwiML request is refused', async () => {
    const other = await TwilioEmulator.start({ authToken: 'not-the-apps-token' });
    try {
      other.setApp({ url: app.url });
      await expect(other.call()).rejects.toThrow(/answered 403/);
      expect(other.calls.all[0]?.status).toBe('failed');
    } finally {
      await other.stop();
    }
  });

  it('reports a rejected WebSocket upgrade (bad signature) as a failed session with the HTTP status', async () => {
    const strict = await startFakeApp({ authToken: 'a-different-token' });
    try {
      twiml = (a) =>
        `<Response><Connect action="${a.url}/conversation-relay-callback"><ConversationRelay url="ws://${strict.host}/ws"/></Connect></Response>`;
      const call = await emu.call();
      expect(call.connected).toBe(false);
      const end = await call.ended;
      expect(end).toMatchObject({ sessionStatus: 'failed', upgradeStatus: 403, errorCode: '39001' });
      expect(app.callbacks[0]?.body).toMatchObject({ SessionStatus: 'failed', ErrorCode: '39001' });
    } finally {
      await strict.close();
    }
  });

  it('forwards a public host in TwiML to the app, like a tunnel', async () => {
    twiml = () =>
      '<Response><Connect action="https://agent.example.com/conversation-relay-callback">' +
      '<ConversationRelay url="wss://agent.example.com/ws"/></Connect></Response>';
    const call = await emu.call();
    await emu.waitFor(() => app.sockets[0]);
    expect(app.sockets[0]?.url).toBe('wss://agent.example.com/ws');
    expect(app.sockets[0]?.signatureValid).toBe(true);
    await call.hangup();
    expect(app.callbacks[0]?.url).toBe('https://agent.example.com/conversation-relay-callback');
    expect(app.callbacks[0]?.signatureValid).toBe(true);
  });

  it('records a Studio voice handoff when the action is the Flow webhook', async () => {
    twiml = (a) =>
      `<Response><Connect action="https://webhooks.twilio.com/v1/Accounts/${emu.accountSid}/Flows/${emu.studioFlowSid}?Trigger=incomingCall">` +
      `<ConversationRelay url="ws://${a.host}/ws"/></Connect></Response>`;
    const call = await emu.call({ from: '+15550009999' });
    await call.say('agent please');
    const end = await call.ended;
    expect(end.studioExecution).toMatchObject({
      flowSid: emu.studioFlowSid,
      trigger: 'voice',
      to: '+15550009999',
      from: emu.phoneNumber,
      parameters: { HandoffData: { reason: 'caller asked for a human' } },
    });
    expect(emu.studio.executions).toHaveLength(1);
    expect(app.callbacks).toHaveLength(0);
  });

  it("records a Studio voice handoff when the action is Studio's path on the emulator's own origin", async () => {
    // TWILIO_API_BASE_URL replaces the origin of every Twilio host, webhooks.twilio.com included.
    twiml = (a) =>
      `<Response><Connect action="${emu.baseUrl}/v1/Accounts/${emu.accountSid}/Flows/${emu.studioFlowSid}?Trigger=incomingCall">` +
      `<ConversationRelay url="ws://${a.host}/ws"/></Connect></Response>`;
    const call = await emu.call({ from: '+15550009999' });
    await call.say('agent please');
    const end = await call.ended;
    expect(end.studioExecution).toMatchObject({
      flowSid: emu.studioFlowSid,
      trigger: 'voice',
      to: '+15550009999',
      from: emu.phoneNumber,
      callSid: call.callSid,
      parameters: { HandoffData: { reason: 'caller asked for a human' } },
    });
    expect(emu.studio.executions).toEqual([end.studioExecution]);
    expect(end.callbackParams?.['HandoffData']).toBe('{"reason":"caller asked for a human"}');
    // Recorded, not posted: no request to the app nor to the emulator itself.
    expect(emu.webhooks.filter((d) => d.kind === 'connect-action')).toEqual([]);
    expect(app.callbacks).toHaveLength(0);
    expect(emu.calls.get(call.callSid)?.status).toBe('in-progress');
  });

  it('posts other actions on the emulator origin as usual (only the Studio path is special)', async () => {
    twiml = (a) =>
      `<Response><Connect action="${emu.baseUrl}/v1/Accounts/${emu.accountSid}/Flows/not-a-flow">` +
      `<ConversationRelay url="ws://${a.host}/ws"/></Connect></Response>`;
    const call = await emu.call();
    await call.say('agent please');
    const end = await call.ended;
    expect(end.studioExecution).toBeUndefined();
    expect(emu.studio.executions).toEqual([]);
    expect(emu.webhooks.filter((d) => d.kind === 'connect-action')).toHaveLength(1);
  });

  it('answers an outbound call created through the Calls API', async () => {
    const created = await api(emu, 'POST', `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`, {
      form: {
        To: '+15551112222',
        From: emu.phoneNumber,
        Twiml: `<Response><Connect><ConversationRelay url="ws://${app.host}/ws" conversationConfiguration="${emu.configurationId}"/></Connect></Response>`,
      },
    });
    expect(created.status).toBe(201);
    const call = await emu.calls.answer(created.body.sid);
    await emu.waitFor(() => app.sockets[0]?.messages.length);
    expect(app.sockets[0]?.messages[0]).toMatchObject({
      type: 'setup',
      direction: 'outbound-api',
      callStatus: 'IN_PROGRESS',
      from: emu.phoneNumber,
      to: '+15551112222',
    });
    const customer = emu.orchestrator
      .participants(call.conversationId as string)
      .find((p) => p.type === 'CUSTOMER');
    expect(customer?.addresses[0]?.address).toBe('+15551112222');

    // The app ends the call through REST: the session closes and the call completes.
    const updated = await api(
      emu,
      'POST',
      `/2010-04-01/Accounts/${emu.accountSid}/Calls/${call.callSid}.json`,
      {
        form: { Status: 'completed' },
      },
    );
    expect(updated.body.status).toBe('completed');
    expect((await call.ended).sessionStatus).toBe('completed');
  });

  describe('frame events', () => {
    it("delivers each app frame to on('frame') as it arrives, until unsubscribed", async () => {
      const fromOption: AppFrame[] = [];
      const call = await emu.call({ onFrame: (f) => fromOption.push(f) });
      const seen: AppFrame[] = [];
      const stop = call.on('frame', (f) => seen.push(f));
      // Only a last:false token comes back: nextReply() would still wait, the listener already has it.
      await call.say('stream slowly');
      await emu.waitFor(() => seen.length === 1);
      expect(seen).toEqual([{ type: 'text', token: 'Once upon ', last: false }]);
      expect(call.replies).toEqual([]);

      await call.say('hello');
      await call.nextReply();
      expect(seen.slice(1)).toEqual([
        { type: 'text', token: 'You said: ', last: false },
        { type: 'text', token: 'hello', last: true },
      ]);
      stop();
      await call.say('again');
      await call.nextReply();
      expect(seen).toHaveLength(3);
      // The onFrame option saw every frame, as recorded in call.frames.
      expect(fromOption).toHaveLength(5);
      expect(fromOption).toEqual(call.frames);
    });

    it('reports invalid frames, the close and the end; close and end reach late listeners too', async () => {
      const call = await emu.call();
      const invalid: string[] = [];
      const closes: number[] = [];
      call.on('invalidFrame', (e) => invalid.push(e.raw));
      call.on('close', (c) => closes.push(c.code));
      await call.say('garbage');
      const end = await call.ended;
      expect(invalid).toEqual(Array.from({ length: 10 }, () => 'not json'));
      expect(closes).toEqual([1007]);
      const late = await new Promise((resolve) => call.on('end', resolve));
      expect(late).toBe(end);
      const lateClose = await new Promise<{ code: number }>((resolve) => call.on('close', resolve));
      expect(lateClose.code).toBe(1007);
    });

    it("emits the end frame before the call's end, and nothing after unsubscribing from end", async () => {
      const call = await emu.call();
      const order: string[] = [];
      call.on('frame', (f) => order.push(f.type));
      const stopEnd = call.on('end', () => order.push('end (unsubscribed)'));
      stopEnd();
      call.on('end', (e) => order.push(`end ${e.sessionStatus}`));
      await call.say('agent please');
      await call.ended;
      await emu.waitFor(() => order.includes('end ended'));
      expect(order).toEqual(['text', 'end', 'end ended']);
    });

    it('gives a call that never connected only its end', async () => {
      const strict = await startFakeApp({ authToken: 'a-different-token' });
      try {
        twiml = () =>
          `<Response><Connect><ConversationRelay url="ws://${strict.host}/ws"/></Connect></Response>`;
        const frames: AppFrame[] = [];
        const call = await emu.call({ onFrame: (f) => frames.push(f) });
        const stop = call.on('frame', (f) => frames.push(f));
        expect(typeof stop).toBe('function');
        const end = await new Promise<CallEnd>((resolve) => call.on('end', resolve));
        expect(end.errorCode).toBe('39001');
        expect(frames).toEqual([]);
        expect(() => call.on('nope' as 'end', () => {})).toThrow(/Unknown event "nope"/);
      } finally {
        await strict.close();
      }
    });
  });
});

describe('voice: stopping the emulator while a call is being set up', () => {
  it('abandons a WebSocket still connecting: the call rejects with STOPPED and nothing connects after', async () => {
    const app = await startHoldingApp(['upgrade']);
    const emu = await TwilioEmulator.start({ app: { url: app.url } });
    try {
      const call = emu.call();
      const upgrade = await app.nextHeld();
      await emu.stop();
      // The app accepts the upgrade only now: an emulator that still waited for it would send setup.
      upgrade.release();
      await expect(call).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
      await emu.waitFor(() => upgrade.socket.destroyed, { description: 'the upgrade socket to close' });
      expect(app.messages).toEqual([]);
      expect(emu.calls.active).toEqual([]);
      expect(emu.calls.all[0]?.status).toBe('completed');
    } finally {
      await emu.stop();
      await app.close();
    }
  });

  it('rejects with STOPPED when stopped while the TwiML request is pending, and after stop', async () => {
    const app = await startHoldingApp(['twiml']);
    const emu = await TwilioEmulator.start({ app: { url: app.url } });
    try {
      const call = emu.call();
      const twiml = await app.nextHeld();
      await emu.stop();
      twiml.release();
      await expect(call).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
      expect(emu.calls.all[0]?.status).toBe('failed');
      await expect(emu.call()).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
      expect(emu.calls.all).toHaveLength(1);
    } finally {
      await emu.stop();
      await app.close();
    }
  });
});
