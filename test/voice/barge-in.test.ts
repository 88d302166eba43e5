import { type InterruptContext, turnAbortReasonOf } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { controlledStream, startVoiceApp, type VoiceApp, waitFor } from './helpers/voice-app.ts';

describe('barge-in and superseded turns (real sockets)', () => {
  let app: VoiceApp;
  afterEach(async () => {
    await app?.close();
  });

  it('interrupt aborts the handler signal, closes the talk cycle, sends no further tokens, fires onInterrupt', async () => {
    app = await startVoiceApp();
    const first = controlledStream();
    let firstSignal: AbortSignal | undefined;
    const interrupts: InterruptContext[] = [];
    app.tac.onInterrupt((ctx) => {
      interrupts.push(ctx);
    });
    app.tac.onMessageReady(({ message, signal }) => {
      if (message === 'tell me a story') {
        firstSignal = signal;
        // Deliberately ignores the signal: TAC must still stop sending.
        return first.stream();
      }
      return 'Sure, what is it?';
    });
    const call = await app.call();
    call.prompt('tell me a story');
    first.push('Once upon ', 'a time ');
    expect((await call.nextFrame()).token).toBe('Once upon ');
    expect((await call.nextFrame()).token).toBe('a time ');

    call.interrupt('Once upon a', '460');
    expect(await call.nextFrame()).toEqual({ type: 'text', token: '', last: true });
    await waitFor(() => firstSignal?.aborted === true);
    const reason = turnAbortReasonOf(firstSignal as AbortSignal);
    expect(reason?.turnEndReason).toBe('interrupted');
    expect(reason?.heard).toBe('Once upon a');

    // The old producer keeps going; nothing of it may reach the caller.
    first.push('there was a LEAK');
    first.end();
    call.prompt('wait, a question');
    const reply = await call.reply();
    expect(reply.frames).toEqual([{ type: 'text', token: 'Sure, what is it?', last: true }]);
    expect(call.frames.some((f) => String(f.token).includes('LEAK'))).toBe(false);

    await waitFor(() => interrupts.length === 1);
    expect(interrupts[0]).toMatchObject({
      conversationId: 'CA00000000000000000000000000000001',
      channel: 'voice',
      utteranceUntilInterrupt: 'Once upon a',
      durationUntilInterruptMs: 460,
    });
    expect(interrupts[0]?.session.conversationId).toBe('CA00000000000000000000000000000001');
  });

  it('interrupt after the reply finished sends no marker but still fires onInterrupt', async () => {
    app = await startVoiceApp();
    const heard: string[] = [];
    app.tac.onInterrupt(({ utteranceUntilInterrupt }) => {
      heard.push(utteranceUntilInterrupt);
    });
    app.tac.onMessageReady(async function* ({ message }) {
      yield `Reply to ${message}`;
    });
    const call = await app.call();
    call.prompt('one');
    await call.reply();
    call.interrupt('Reply to');
    await waitFor(() => heard.length === 1);
    call.prompt('two');
    const reply = await call.reply();
    expect(reply.frames[0]).toEqual({ type: 'text', token: 'Reply to two', last: false });
    expect(heard).toEqual(['Reply to']);
  });

  it('a new final prompt during a reply supersedes it', async () => {
    app = await startVoiceApp();
    const first = controlledStream();
    const signals: AbortSignal[] = [];
    app.tac.onMessageReady(({ message, signal }) => {
      signals.push(signal);
      return message === 'first' ? first.stream() : 'second answer';
    });
    const call = await app.call();
    call.prompt('first');
    first.push('part one ');
    expect((await call.nextFrame()).token).toBe('part one ');

    call.prompt('second');
    expect(await call.nextFrame()).toEqual({ type: 'text', token: '', last: true });
    expect(await call.nextFrame()).toEqual({ type: 'text', token: 'second answer', last: true });
    expect(signals[0]?.aborted).toBe(true);
    expect(turnAbortReasonOf(signals[0] as AbortSignal)?.turnEndReason).toBe('superseded');
    expect(signals[1]?.aborted).toBe(false);

    first.push('stale');
    first.end();
    call.prompt('third');
    await call.reply();
    expect(call.frames.some((f) => f.token === 'stale')).toBe(false);
  });

  it('a newer prompt aborts a turn still waiting for its handler (nothing of it is spoken)', async () => {
    app = await startVoiceApp();
    let release!: (text: string) => void;
    app.tac.onMessageReady(({ message }) => {
      if (message === 'slow') return new Promise<string>((resolve) => (release = resolve));
      return 'fast answer';
    });
    const call = await app.call();
    call.prompt('slow');
    await waitFor(() => release !== undefined);
    call.prompt('quick');
    const reply = await call.reply();
    expect(reply.frames).toEqual([{ type: 'text', token: 'fast answer', last: true }]);
    release('too late');
    call.prompt('quick');
    await call.reply();
    expect(call.frames.some((f) => f.token === 'too late')).toBe(false);
  });

  it('a superseded turn stuck in a memory lookup does not hold up the next reply', async () => {
    // The stuck lookup never settles: keep the shutdown budget small.
    app = await startVoiceApp({ voice: { memoryMode: 'always' }, server: { drainTimeoutMs: 50 } });
    const realRetrieve = app.tac.retrieveMemory.bind(app.tac);
    let stuck = false;
    app.tac.retrieveMemory = (session, query) => {
      if (query !== 'first') return realRetrieve(session, query);
      // The first lookup never settles and ignores the turn's signal.
      stuck = true;
      return new Promise(() => {});
    };
    const handled: string[] = [];
    app.tac.onMessageReady(({ message }) => {
      handled.push(message);
      return `answer to ${message}`;
    });
    const call = await app.call();
    call.prompt('first');
    await waitFor(() => stuck);
    call.prompt('second');
    const reply = await call.reply();
    expect(reply.text).toBe('answer to second');
    expect(handled).toEqual(['second']);
  });

  it('dtmf reaches onDtmf with the session', async () => {
    app = await startVoiceApp({ voice: { twiml: { dtmfDetection: true } } });
    const digits: { digit: string; callSid: string; conversationId?: string }[] = [];
    app.voice.onDtmf(({ digit, callSid, conversationId, session }) => {
      digits.push({ digit, callSid, conversationId });
      expect(session?.channel).toBe('voice');
    });
    const call = await app.call();
    await waitFor(async () => (await app.tac.sessions.size()) === 1);
    call.dtmf('7');
    await waitFor(() => digits.length === 1);
    expect(digits[0]).toEqual({
      digit: '7',
      callSid: 'CA00000000000000000000000000000001',
      conversationId: 'CA00000000000000000000000000000001',
    });
  });
});
