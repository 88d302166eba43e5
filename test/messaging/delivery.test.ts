/**
 * Delivery semantics over the emulator: Twilio's duplicate deliveries are
 * answered once; a burst that arrives during a turn is answered once, with
 * all of it; long replies are split in order; failed sends are retried or
 * reported, never dropped silently.
 */
import { TACErrorCode } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { gate, type MessagingApp, startMessagingApp } from './helpers/messaging-app.ts';

let app: MessagingApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('duplicates', () => {
  it('answers a webhook delivered twice with the same idempotency token once', async () => {
    app = await startMessagingApp();
    let turns = 0;
    app.tac.onMessageReady(({ message }) => `reply ${++turns} to ${message}`);
    const customer = app.emu.customer({ channel: 'sms' });
    const sent = await customer.send('Hello', { duplicate: true });
    expect(sent.duplicate?.ok).toBe(true);
    expect(sent.duplicate?.idempotencyToken).toBe(sent.delivery?.idempotencyToken);
    expect((await customer.nextReply()).text).toBe('reply 1 to Hello');
    // A later message proves no second answer to the duplicate was queued before it.
    await customer.send('Next');
    expect((await customer.nextReply()).text).toBe('reply 2 to Next');
    expect(customer.replies).toEqual(['reply 1 to Hello', 'reply 2 to Next']);
  });

  it('ignores a re-delivery of an already answered message (a Twilio retry after a timeout)', async () => {
    app = await startMessagingApp();
    let turns = 0;
    app.tac.onMessageReady(() => `reply ${++turns}`);
    const customer = app.emu.customer({ channel: 'whatsapp' });
    const sent = await customer.send('Hi');
    await customer.nextReply();
    const original = sent.delivery!;
    // Replay the exact signed request, idempotency token included.
    const replay = await fetch(original.target, {
      method: 'POST',
      headers: original.headers,
      body: original.body,
    });
    expect(replay.status).toBe(200);
    await customer.send('Bye');
    await customer.nextReply();
    expect(customer.replies).toEqual(['reply 1', 'reply 2']);
  });
});

describe('bursts', () => {
  it('answers messages sent while a turn runs once, together (coalesce)', async () => {
    app = await startMessagingApp();
    const first = gate();
    const turns: (readonly string[])[] = [];
    app.tac.onMessageReady(async ({ messages }) => {
      turns.push(messages);
      if (turns.length === 1) await first.promise;
      return `answered: ${messages.join(' + ')}`;
    });
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hey');
    await app.emu.waitFor(() => turns.length === 1);
    await customer.send('quick q');
    await customer.send('what are your hours?');
    first.open();
    expect((await customer.nextReply()).text).toBe('answered: hey');
    expect((await customer.nextReply()).text).toBe('answered: quick q + what are your hours?');
    expect(turns).toEqual([['hey'], ['quick q', 'what are your hours?']]);
    await customer.send('thanks');
    expect((await customer.nextReply()).text).toBe('answered: thanks');
    expect(customer.replies).toHaveLength(3);
  });

  it("queue policy answers each message in order; conversations don't wait for each other", async () => {
    app = await startMessagingApp({ sms: { burstPolicy: 'queue' } });
    const hold = gate();
    app.tac.onMessageReady(async ({ message }) => {
      if (message === 'a1') await hold.promise;
      return `re ${message}`;
    });
    const a = app.emu.customer({ channel: 'sms' });
    const b = app.emu.customer({ channel: 'sms' });
    await a.send('a1');
    await a.send('a2');
    await b.send('b1');
    expect((await b.nextReply()).text).toBe('re b1'); // b is not stuck behind a's slow turn
    hold.open();
    expect((await a.nextReply()).text).toBe('re a1');
    expect((await a.nextReply()).text).toBe('re a2');
  });
});

describe('long replies', () => {
  it('splits a reply longer than 1600 characters at sentence ends, delivered in order', async () => {
    app = await startMessagingApp();
    const sentences = Array.from(
      { length: 80 },
      (_, i) => `This is sentence number ${i + 1} of a long answer.`,
    );
    const long = sentences.join(' ');
    expect(long.length).toBeGreaterThan(3200);
    let turns = 0;
    app.tac.onMessageReady(() => (++turns === 1 ? long : 'short'));
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('Tell me everything');
    const parts: string[] = [];
    for (let i = 0; i < 3; i++) parts.push((await customer.nextReply()).text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(1600);
      expect(part).toMatch(/number \d+ of a long answer\.$/); // cut at a sentence end
    }
    expect(parts.join(' ')).toBe(long); // nothing lost, nothing reordered
    // Exactly three parts: the next thing the customer gets is the next turn's answer.
    await customer.send('ok');
    expect((await customer.nextReply()).text).toBe('short');
  });
});

describe('send failures', () => {
  it('retries a transient Orchestrator failure (503) and the reply still arrives', async () => {
    app = await startMessagingApp({ sms: { sendRetryBackoffMs: 1 } });
    app.tac.onMessageReady(({ message }) => `re ${message}`);
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('one');
    await customer.nextReply();
    // The conversation is reconciled now, so the next Orchestrator call is the send itself.
    app.emu.faults.set('conversations', { status: 503 }, { times: 2 });
    await customer.send('two');
    expect((await customer.nextReply()).text).toBe('re two');
    expect(app.errors).toEqual([]);
  });

  it('reports a reply that cannot be sent through onError with the conversation id', async () => {
    app = await startMessagingApp({ sms: { sendRetries: 1, sendRetryBackoffMs: 1 } });
    app.tac.onMessageReady(({ message }) => `re ${message}`);
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('one');
    await customer.nextReply();
    app.emu.faults.set('conversations', { status: 500 }, { times: 2 });
    await customer.send('two');
    const target = app;
    const report = await app.emu.waitFor(() => target.errors.find((e) => e.context.stage === 'send'));
    expect(report.context).toMatchObject({ conversationId: customer.conversationId, channel: 'sms' });
    expect((report.error as { code?: string }).code).toBe(TACErrorCode.SEND_FAILED);
    // The server still serves the conversation afterwards.
    await customer.send('three');
    expect((await customer.nextReply()).text).toBe('re three');
  });
});
