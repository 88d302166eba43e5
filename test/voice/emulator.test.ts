import { createSilentLogger, TAC, TACConfig, TACServer, VoiceChannel } from '@tac/core';
import { TwilioEmulator } from '@tac/testing';
import { afterEach, describe, expect, it } from 'vitest';

describe('voice against the @tac/testing emulator (emu.call())', () => {
  let emu: TwilioEmulator | undefined;
  let server: TACServer | undefined;
  afterEach(async () => {
    await server?.stop();
    await emu?.stop();
    server = undefined;
    emu = undefined;
  });

  async function boot(orchestrated: boolean) {
    emu = await TwilioEmulator.start({ orchestrated });
    const tac = await TAC.create({ config: TACConfig.fromEnv(emu.env), logger: createSilentLogger() });
    const voice = tac.registerChannel(new VoiceChannel(tac));
    server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    await server.start();
    emu.setApp({ url: server.url as string });
    return { tac, voice };
  }

  it('relay-only: streams a reply, handles barge-in, and cleans up on hang-up', async () => {
    const { tac } = await boot(false);
    let signal: AbortSignal | undefined;
    tac.onMessageReady(async function* ({ message, signal: s }) {
      if (message === 'tell me everything') {
        signal = s;
        yield 'This is a very long answer ';
        await new Promise<void>((resolve) => s.addEventListener('abort', () => resolve(), { once: true }));
        yield 'that nobody hears';
        return;
      }
      yield 'Open ';
      yield 'nine to five.';
    });
    const call = await emu!.call();
    expect(call.welcomeGreeting).toBe('Hello! How can I assist you today?');
    await call.say('What are your hours?', { partials: ['What', 'What are'] });
    const answer = await call.nextReply();
    expect(answer.text).toBe('Open nine to five.');

    await call.say('tell me everything');
    await emu!.waitFor(() =>
      call.frames.some((f) => (f as { token?: string }).token === 'This is a very long answer '),
    );
    await call.interrupt({ utteranceUntilInterrupt: 'This is a', durationUntilInterruptMs: 300 });
    await emu!.waitFor(() => signal?.aborted === true);
    await call.say('ok bye');
    const last = await call.nextReply();
    expect(last.text).toBe('Open nine to five.');
    expect(call.frames.some((f) => (f as { token?: string }).token === 'that nobody hears')).toBe(false);
    // The barged-in cycle was closed (last:true) and is recorded as interrupted.
    expect(call.replies.filter((r) => r.interrupted).map((r) => r.text)).toEqual([
      'This is a very long answer ',
    ]);
    // Every frame the app sent passed the emulator's ConversationRelay checks.
    expect(call.protocolErrors).toEqual([]);

    const end = await call.hangup();
    expect(end.sessionStatus).toBe('completed');
    await emu!.waitFor(async () => (await tac.sessions.size()) === 0);
  });

  it('orchestrated: the turn runs in the conversation the emulator created for the call', async () => {
    const { tac, voice } = await boot(true);
    const ids: string[] = [];
    tac.onMessageReady(({ conversationId }) => {
      ids.push(conversationId);
      return 'Hello from the orchestrated side.';
    });
    const call = await emu!.call();
    await call.say('hi');
    const reply = await call.nextReply();
    expect(reply.text).toBe('Hello from the orchestrated side.');
    expect(ids).toHaveLength(1);
    expect(ids[0]).not.toBe(call.callSid);
    expect(ids[0]).toBe(call.conversationId);
    expect((await voice.getSessionByCallSid(call.callSid))?.conversationId).toBe(ids[0]);
    await call.hangup();
  });
});
