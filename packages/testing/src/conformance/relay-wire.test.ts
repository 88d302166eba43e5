import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApp, type ReceivedSocket, startFakeApp } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { checkAppFrame } from '../voice/frames.ts';
import { fixture, fixtureLines, normalized, shapeMismatches } from './__fixtures__/fixtures.ts';

const APP_FRAMES = [
  'relay-text.json',
  'relay-text-ssml.json',
  'relay-play.json',
  'relay-send-digits.json',
  'relay-language.json',
] as const;

describe('conformance: ConversationRelay wire formats', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;
  let onPrompt: ((socket: ReceivedSocket, text: string) => void) | undefined;

  beforeEach(async () => {
    onPrompt = undefined;
    emu = await TwilioEmulator.start();
    app = await startFakeApp({
      authToken: emu.authToken,
      twiml: (a) =>
        `<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="${a.url}/conversation-relay-callback">` +
        `<ConversationRelay url="wss://${a.host}/ws" dtmfDetection="true"><Parameter name="callReference" value="bar"/>` +
        '</ConversationRelay></Connect></Response>',
      onWsMessage: (socket, m) => {
        if (m['type'] === 'prompt' && m['last'] === true) onPrompt?.(socket, String(m['voicePrompt']));
      },
    });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await emu.stop();
    await app.close();
  });

  it('setup has the documented keys, order and types', async () => {
    await emu.call({ from: '+18005550100', to: '+18005550101' });
    const setup = await emu.waitFor(() => app.sockets[0]?.messages[0]);
    const documented = fixture('relay-setup.json');
    expect(shapeMismatches(setup, documented, { exact: true })).toEqual([]);
    expect(Object.keys(setup)).toEqual(Object.keys(documented));
    expect(setup['customParameters']).toEqual(documented.customParameters);
    // The TAC reference's one-line rendering agrees.
    expect(shapeMismatches(setup, fixtureLines('relay-twilio-messages.jsonl')[0], { exact: true })).toEqual(
      [],
    );
  });

  it('prompt, dtmf and interrupt frames have the documented shapes', async () => {
    const call = await emu.call();
    await call.say('Hi! Can you tell me about life?');
    await call.dtmf('1');
    await call.interrupt({
      utteranceUntilInterrupt: 'Life is a complex set of',
      durationUntilInterruptMs: 460,
    });
    const messages = await emu.waitFor(() =>
      app.sockets[0]?.messages.length === 4 ? app.sockets[0].messages : undefined,
    );
    expect(messages[1]).toEqual(fixture('relay-prompt.json'));
    expect(messages[2]).toEqual(fixture('relay-dtmf.json'));
    expect(messages[3]).toEqual(fixture('relay-interrupt.json'));
    const [, prompt, dtmf, interrupt] = fixtureLines('relay-twilio-messages.jsonl');
    expect(messages.slice(1)).toEqual([prompt, dtmf, interrupt]);
  });

  it('accepts every documented app frame without an error, and assembles the documented talk cycle', async () => {
    for (const name of APP_FRAMES) expect(checkAppFrame(JSON.stringify(fixture(name))).ok).toBe(true);
    expect(checkAppFrame(JSON.stringify(fixture('relay-end.json'))).ok).toBe(true);
    onPrompt = (socket) => {
      for (const name of APP_FRAMES) socket.ws.send(JSON.stringify(fixture(name)));
      socket.ws.send(JSON.stringify({ type: 'text', token: '', last: true }));
      for (const frame of fixtureLines('relay-talk-cycle.jsonl')) socket.ws.send(JSON.stringify(frame));
    };
    const call = await emu.call();
    await call.say('go');
    await call.nextReply();
    const reply = await call.nextReply();
    expect(reply).toEqual({ text: 'Hello world!', tokens: ['Hello', ' world', '!'], interrupted: false });
    expect(call.protocolErrors).toEqual([]);
    expect(app.sockets[0]?.messages.some((m) => m['type'] === 'error')).toBe(false);
  });

  it('answers an invalid frame with the documented error shape', async () => {
    onPrompt = (socket) => socket.ws.send('{ "foo" : "bar" }');
    const call = await emu.call();
    await call.say('go');
    const error = await emu.waitFor(() => app.sockets[0]?.messages.find((m) => m['type'] === 'error'));
    expect(error).toEqual(fixture('relay-error.json'));
  });

  it('posts the action callback with the documented params for ended (HandoffData), failed and completed', async () => {
    const handoff = fixture('relay-end.json');
    onPrompt = (socket, text) => {
      if (text === 'human') socket.ws.send(JSON.stringify(handoff));
      if (text === 'crash') socket.ws.close();
    };
    const ended = await emu.call();
    await ended.say('human');
    await ended.ended;
    const failed = await emu.call();
    await failed.say('crash');
    await failed.ended;
    const completed = await emu.call();
    await completed.hangup();

    const [e, f, c] = app.callbacks.map((cb) => cb.body as Record<string, string>);
    expect(shapeMismatches(e, fixture('callback-ended.json'))).toEqual([]);
    expect(e?.['HandoffData']).toBe(handoff.handoffData);
    expect(e?.['SessionStatus']).toBe('ended');
    const { ['...same call fields...']: _f, ...failedDoc } = fixture('callback-failed.json');
    expect(shapeMismatches(f, failedDoc)).toEqual([]);
    expect(f).toMatchObject({ CallStatus: 'in-progress', SessionStatus: 'failed' });
    const { ['...same call fields...']: _c, ...completedDoc } = fixture('callback-completed.json');
    expect(shapeMismatches(c, completedDoc)).toEqual([]);
    expect(c).toMatchObject({ CallStatus: 'completed', SessionStatus: 'completed' });
    expect(app.callbacks.every((cb) => cb.signatureValid)).toBe(true);
    expect(
      app.callbacks.every((cb) =>
        String(cb.headers['content-type']).startsWith('application/x-www-form-urlencoded'),
      ),
    ).toBe(true);
  });

  it('posts the TwiML request with the documented params, signed, and signs the upgrade', async () => {
    await emu.call();
    expect(shapeMismatches(app.twimlRequests[0]?.body, normalized('twimlRequest'))).toEqual([]);
    expect(app.twimlRequests[0]?.signatureValid).toBe(true);
    await emu.waitFor(() => app.sockets[0]);
    expect(app.sockets[0]?.signatureValid).toBe(true);
  });

  it('the handoff end frame of the TAC reference round-trips verbatim as HandoffData', async () => {
    const frame = fixture('relay-end-handoff.json');
    onPrompt = (socket) => socket.ws.send(JSON.stringify(frame));
    const call = await emu.call();
    await call.say('transfer me');
    const end = await call.ended;
    expect(end.handoffData).toBe(frame.handoffData);
    const callback = app.callbacks[0]?.body as Record<string, string> | undefined;
    expect(callback?.['HandoffData']).toBe(frame.handoffData);
  });
});
