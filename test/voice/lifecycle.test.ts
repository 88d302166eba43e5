import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  CALLER,
  controlledStream,
  PHONE,
  startVoiceApp,
  type VoiceApp,
  waitFor,
} from './helpers/voice-app.ts';

describe('call lifecycle and protocol robustness (real sockets)', () => {
  let app: VoiceApp;
  afterEach(async () => {
    await app?.close();
  });

  it('a malformed frame is reported and the call goes on', async () => {
    app = await startVoiceApp();
    const errors: string[] = [];
    app.tac.onError((e) => {
      errors.push((e as { code?: string }).code ?? '');
    });
    app.tac.onMessageReady(({ message }) => `echo ${message}`);
    const call = await app.call();
    call.sendRaw('this is not json');
    call.send({ type: 'prompt' }); // no voicePrompt
    call.send({ type: 'mystery', foo: 1 });
    call.prompt('still there?');
    const reply = await call.reply();
    expect(reply.text).toBe('echo still there?');
    expect(errors.filter((c) => c === 'TAC_ERR_CR_INVALID_FRAME')).toHaveLength(3);
    // Nothing was sent back for the bad frames (ConversationRelay accepts no error frame from apps).
    expect(call.frames).toHaveLength(1);
    expect(call.ws.readyState).toBe(call.ws.OPEN);
  });

  it('info and error frames from ConversationRelay reach observers and the call goes on', async () => {
    app = await startVoiceApp();
    const seen: string[] = [];
    app.voice.on('info', ({ name, value }) => seen.push(`info:${name}=${String(value)}`));
    app.voice.on('relayError', ({ description }) => seen.push(`error:${description}`));
    app.tac.onMessageReady(() => 'fine');
    const call = await app.call();
    call.send({ type: 'info', name: 'clientSpeaking', value: 'on' });
    call.send({ type: 'error', description: 'Invalid message received' });
    call.prompt('ok?');
    expect((await call.reply()).text).toBe('fine');
    expect(seen).toEqual(['info:clientSpeaking=on', 'error:Invalid message received']);
  });

  it('closes a socket that never sends setup (1008) once setupTimeoutMs passes', async () => {
    app = await startVoiceApp({ voice: { setupTimeoutMs: 20 } });
    const client = await app.connect();
    expect((await client.closed).code).toBe(1008);
    await waitFor(() => app.voice.openCalls === 0);
  });

  it('closes with 1008 when the first frame is not setup', async () => {
    app = await startVoiceApp();
    const client = await app.connect();
    client.prompt('hello?');
    expect((await client.closed).code).toBe(1008);
    expect(await app.tac.sessions.size()).toBe(0);
  });

  it('hang-up removes the session and fires onConversationEnded (relay-only)', async () => {
    app = await startVoiceApp();
    const ended: { conversationId: string; reason: string }[] = [];
    app.tac.onConversationEnded(({ session, reason }) => {
      ended.push({ conversationId: session.conversationId, reason });
    });
    app.tac.onMessageReady(() => 'hi');
    const call = await app.call({ customParameters: { tier: 'gold' } });
    call.prompt('hello');
    await call.reply();
    const session = await app.voice.getSessionByCallSid('CA00000000000000000000000000000001');
    expect(session).toMatchObject({
      conversationId: 'CA00000000000000000000000000000001',
      callSid: 'CA00000000000000000000000000000001',
      channel: 'voice',
      authorInfo: { address: CALLER },
      metadata: { direction: 'inbound', customParameters: { tier: 'gold' } },
    });
    expect(await app.tac.sessions.size()).toBe(1);

    await call.hangup();
    await waitFor(async () => (await app.tac.sessions.size()) === 0);
    expect(ended).toEqual([{ conversationId: 'CA00000000000000000000000000000001', reason: 'hangup' }]);
    expect(app.voice.openCalls).toBe(0);
    expect(await app.voice.getSessionByCallSid('CA00000000000000000000000000000001')).toBeUndefined();
  });

  it('hang-up mid-stream aborts the turn and still cleans up', async () => {
    app = await startVoiceApp();
    const stream = controlledStream();
    let signal: AbortSignal | undefined;
    app.tac.onMessageReady((ctx) => {
      signal = ctx.signal;
      return stream.stream();
    });
    const call = await app.call();
    call.prompt('long answer please');
    stream.push('Well ');
    await call.nextFrame();
    await call.hangup();
    await waitFor(() => signal?.aborted === true);
    await waitFor(async () => (await app.tac.sessions.size()) === 0);
    expect(app.voice.openCalls).toBe(0);
  });

  it('the action callback with CallStatus=completed ends the relay-only session, and HandoffData is read', async () => {
    app = await startVoiceApp();
    const callbacks: unknown[] = [];
    app.voice.onActionCallback(({ handoffData, sessionStatus, session }) => {
      callbacks.push({ handoffData, sessionStatus, conversationId: session?.conversationId });
      return '<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+15550002222</Dial></Response>';
    });
    const call = await app.call();
    await waitFor(async () => (await app.tac.sessions.size()) === 1);
    const res = await app.postForm('/conversation-relay-callback', {
      AccountSid: ACCOUNT_SID,
      CallSid: 'CA00000000000000000000000000000001',
      CallStatus: 'completed',
      From: CALLER,
      To: PHONE,
      Direction: 'inbound',
      SessionStatus: 'ended',
      HandoffData: JSON.stringify({ reason: 'wants a human' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Dial>');
    expect(callbacks).toEqual([
      {
        handoffData: { reason: 'wants a human' },
        sessionStatus: 'ended',
        conversationId: 'CA00000000000000000000000000000001',
      },
    ]);
    expect(await app.tac.sessions.size()).toBe(0);
    await call.hangup();
  });

  it('refuses an action callback for another account with 403', async () => {
    app = await startVoiceApp();
    const res = await app.postForm('/conversation-relay-callback', {
      AccountSid: 'AC11111111111111111111111111111111',
      CallSid: 'CA00000000000000000000000000000001',
      CallStatus: 'completed',
    });
    expect(res.status).toBe(403);
  });

  it('after the final reply, a pending handoff sends end with the data as a JSON string', async () => {
    app = await startVoiceApp();
    const payload = {
      conversationId: 'CA00000000000000000000000000000001',
      storeId: '',
      profileId: '',
      attributes: { reason: 'human please' },
    };
    app.tac.onMessageReady(async function* ({ session }) {
      session.pendingHandoffData = payload;
      yield 'Connecting you now.';
    });
    const ended: string[] = [];
    app.tac.onConversationEnded(({ reason }) => {
      ended.push(reason);
    });
    const call = await app.call();
    call.prompt('human please');
    const reply = await call.reply();
    expect(reply.text).toBe('Connecting you now.');
    const end = await call.nextFrame();
    expect(end).toEqual({ type: 'end', handoffData: JSON.stringify(payload) });
    const session = await app.tac.sessions.get('CA00000000000000000000000000000001');
    expect(session?.pendingHandoffData).toBeUndefined();
    await call.hangup();
    await waitFor(() => ended.length === 1);
    expect(ended).toEqual(['handoff']);
  });

  it('stop() drains: new calls get 503, the in-flight turn finishes, stop waits for the open call', async () => {
    app = await startVoiceApp({ server: { drainTimeoutMs: 20_000 } });
    const stream = controlledStream();
    app.tac.onMessageReady(() => stream.stream());
    const call = await app.call();
    call.prompt('explain slowly');
    stream.push('First, ');
    await call.nextFrame();
    let stopped = false;
    const stopping = app.server.stop().then(() => {
      stopped = true;
    });
    // New calls are refused while draining (Twilio falls back).
    const refused = await app.postForm('/twiml', {
      CallSid: 'CA00000000000000000000000000000077',
      AccountSid: ACCOUNT_SID,
    });
    expect(refused.status).toBe(503);
    stream.push('then the rest.');
    stream.end();
    const rest = await call.reply();
    expect(rest.tokens).toEqual(['then the rest.']);
    expect(stopped).toBe(false);
    await call.hangup();
    await stopping;
    expect(await app.tac.sessions.size()).toBe(0);
    expect(app.voice.openCalls).toBe(0);
  });

  it('stop() closes calls still open after the drain timeout with 1001 and ends their sessions', async () => {
    app = await startVoiceApp({ server: { drainTimeoutMs: 50 } });
    const reasons: string[] = [];
    app.tac.onConversationEnded(({ reason }) => {
      reasons.push(reason);
    });
    const call = await app.call();
    await waitFor(async () => (await app.tac.sessions.size()) === 1);
    await app.server.stop();
    expect((await call.closed).code).toBe(1001);
    expect(reasons).toEqual(['shutdown']);
    expect(await app.tac.sessions.size()).toBe(0);
  });

  it('stop() resolves promptly when no call is open', async () => {
    app = await startVoiceApp({ server: { drainTimeoutMs: 60_000 } });
    const call = await app.call();
    await call.hangup();
    await waitFor(() => app.voice.openCalls === 0);
    await app.server.stop(); // would hang for a minute if drain waited for nothing
    expect(app.server.port).toBeUndefined();
  });

  it('two sockets for one CallSid: when the newer closes first, the open one keeps its session', async () => {
    app = await startVoiceApp();
    app.tac.onMessageReady(({ message }) => `echo ${message}`);
    const ended: string[] = [];
    app.tac.onConversationEnded(({ reason }) => {
      ended.push(reason);
    });
    const callSid = 'CA00000000000000000000000000000abc';
    const first = await app.call({ callSid });
    first.prompt('one');
    expect((await first.reply()).text).toBe('echo one');
    const second = await app.call({ callSid });
    second.prompt('two');
    expect((await second.reply()).text).toBe('echo two');

    await second.hangup();
    await waitFor(() => app.voice.openCalls === 1);
    first.prompt('still here');
    expect((await first.reply()).text).toBe('echo still here');
    expect(app.voice.getWebSocket(callSid)).toBeDefined();
    expect(ended).toEqual([]);
    expect(await app.tac.sessions.size()).toBe(1);

    await first.hangup();
    await waitFor(async () => (await app.tac.sessions.size()) === 0);
    expect(ended).toEqual(['hangup']);
  });

  it('stop() does not wait on a caller that never answers the close frame (vanished network)', async () => {
    app = await startVoiceApp({ server: { drainTimeoutMs: 50 } });
    const port = app.server.port ?? 0;
    // A raw socket that upgrades (signed) and then reads without ever replying: no close handshake.
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, `ws://127.0.0.1:${port}/ws`, {});
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        `X-Twilio-Signature: ${signature}\r\n\r\n`,
    );
    const [head] = await once(socket, 'data');
    expect(String(head)).toMatch(/^HTTP\/1\.1 101/);
    socket.on('data', () => {});
    const closed = once(socket, 'close');
    // ws would wait 30 s for the peer's close frame (past this test's timeout); TAC gives it 2 s.
    await app.server.stop();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
