import { afterEach, describe, expect, it } from 'vitest';
import { controlledStream, startVoiceApp, type VoiceApp, waitFor } from './helpers/voice-app.ts';

describe('voice turns over ConversationRelay (real sockets)', () => {
  let app: VoiceApp;
  afterEach(async () => {
    await app?.close();
  });

  it('streams tokens in order as last:false frames and ends with an empty last:true', async () => {
    app = await startVoiceApp();
    const seen: { message: string; author: string; channel: string; conversationId: string }[] = [];
    app.tac.onMessageReady(async function* ({ message, author, channel, conversationId }) {
      seen.push({ message, author, channel, conversationId });
      yield 'Our hours ';
      yield 'are nine ';
      yield 'to five.';
    });
    const call = await app.call();
    call.prompt('What are your hours?');
    const reply = await call.reply();
    expect(reply.frames).toEqual([
      { type: 'text', token: 'Our hours ', last: false },
      { type: 'text', token: 'are nine ', last: false },
      { type: 'text', token: 'to five.', last: false },
      { type: 'text', token: '', last: true },
    ]);
    expect(seen).toEqual([
      {
        message: 'What are your hours?',
        author: 'user',
        channel: 'voice',
        conversationId: 'CA00000000000000000000000000000001',
      },
    ]);
  });

  it('sends a string reply as one final frame', async () => {
    app = await startVoiceApp();
    app.tac.onMessageReady(({ message }) => `You said: ${message}`);
    const call = await app.call();
    call.prompt('hello');
    const reply = await call.reply();
    expect(reply.frames).toEqual([{ type: 'text', token: 'You said: hello', last: true }]);
  });

  it('never starts a turn on partial prompts (last:false), only on the final one', async () => {
    app = await startVoiceApp();
    const messages: string[] = [];
    const partials: boolean[] = [];
    app.voice.on('prompt', ({ last }) => partials.push(last));
    app.tac.onMessageReady(({ message }) => {
      messages.push(message);
      return 'ok';
    });
    const call = await app.call();
    call.prompt('What', false);
    call.prompt('What are', false);
    call.prompt('What are your hours?', true);
    await call.reply();
    expect(messages).toEqual(['What are your hours?']);
    expect(partials).toEqual([false, false, true]);
    expect(call.frames).toHaveLength(1);
  });

  it('speaks the apology when the handler throws, and reports the error', async () => {
    app = await startVoiceApp({ tac: { options: { apologyMessage: 'Sorry, try again.' } } });
    const errors: string[] = [];
    app.tac.onError((e) => {
      errors.push((e as { code?: string }).code ?? e.message);
    });
    app.tac.onMessageReady(() => {
      throw new Error('model down');
    });
    const call = await app.call();
    call.prompt('hi');
    const reply = await call.reply();
    expect(reply.frames).toEqual([{ type: 'text', token: 'Sorry, try again.', last: true }]);
    await waitFor(() => errors.length > 0);
    expect(errors).toContain('TAC_ERR_TURN_FAILED');
  });

  it('finishes a failing stream with the apology inside the same talk cycle', async () => {
    app = await startVoiceApp({ tac: { options: { apologyMessage: 'Sorry.' } } });
    app.tac.onMessageReady(async function* () {
      yield 'Let me check';
      throw new Error('tool exploded');
    });
    const call = await app.call();
    call.prompt('order status');
    const reply = await call.reply();
    expect(reply.tokens).toEqual(['Let me check', ' Sorry.']);
    expect(reply.frames.at(-1)).toEqual({ type: 'text', token: '', last: true });
  });

  it('sends no empty talk cycle when a stream yields nothing', async () => {
    app = await startVoiceApp();
    let turns = 0;
    app.tac.onMessageReady(async function* ({ message }) {
      turns++;
      if (message === 'second') yield 'answer';
    });
    const call = await app.call();
    call.prompt('first');
    await waitFor(() => turns === 1);
    call.prompt('second');
    const reply = await call.reply();
    // Had the empty first turn sent {token:'', last:true}, it would be the first frame here.
    expect(reply.frames).toEqual([
      { type: 'text', token: 'answer', last: false },
      { type: 'text', token: '', last: true },
    ]);
  });

  it('lets the app send the reply itself with voice.sendResponse', async () => {
    app = await startVoiceApp();
    const gate = controlledStream();
    app.tac.onMessageReady(({ conversationId }) => {
      void app.voice.sendResponse(conversationId, gate.stream());
    });
    const call = await app.call();
    call.prompt('stream it yourself');
    gate.push('one ', 'two');
    gate.end();
    const reply = await call.reply();
    expect(reply.tokens).toEqual(['one ', 'two']);
    await expect(app.voice.sendResponse('CA-unknown', 'x')).rejects.toMatchObject({
      code: 'TAC_ERR_NOT_FOUND',
    });
  });
});
