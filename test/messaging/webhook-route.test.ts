/**
 * POST /webhook over a real socket: malformed or unsigned requests get a 4xx
 * and change nothing, and the server goes on answering customers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gate, type MessagingApp, startMessagingApp } from './helpers/messaging-app.ts';

let app: MessagingApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const validEvent = (conversationId: string) =>
  JSON.stringify({
    eventType: 'COMMUNICATION_CREATED',
    timestamp: new Date().toISOString(),
    data: {
      id: 'comm_forged',
      conversationId,
      author: { address: '+15550000000', channel: 'SMS' },
      content: { type: 'TEXT', text: 'forged' },
    },
  });

describe('POST /webhook refuses bad requests and keeps serving', () => {
  it('bad JSON → 400, wrong envelope → 400, unsigned → 403, wrong signature → 403', async () => {
    app = await startMessagingApp();
    const turns: string[] = [];
    app.tac.onMessageReady(({ message }) => {
      turns.push(message);
      return `re ${message}`;
    });
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('before');
    expect((await customer.nextReply()).text).toBe('re before');
    const conversationId = customer.conversationId!;

    const badJson = await app.post('/webhook', '{"eventType": "COMMUNICATION_CREATED", ');
    expect(badJson.status).toBe(400);

    for (const body of [
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ eventType: 'COMMUNICATION_CREATED' }),
      JSON.stringify({ eventType: 42, data: {} }),
      JSON.stringify({ eventType: '', data: {} }),
      JSON.stringify({ eventType: 'CONVERSATION_UPDATED', timestamp: 42, data: { id: 'x' } }),
      JSON.stringify([1, 2, 3]),
    ]) {
      const res = await app.post('/webhook', body);
      expect(res.status, body).toBe(400);
    }

    const unsigned = await app.post('/webhook', validEvent(conversationId), { signed: false });
    expect(unsigned.status).toBe(403);

    const forged = await fetch(`${app.url}/webhook?bodySHA256=${'0'.repeat(64)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' },
      body: validEvent(conversationId),
    });
    expect(forged.status).toBe(403);

    // None of it reached the handler, and the same customer is still answered.
    await customer.send('after');
    expect((await customer.nextReply()).text).toBe('re after');
    expect(turns).toEqual(['before', 'after']);
  });

  it('a well-formed event with malformed data is acknowledged, reported, and harmless', async () => {
    app = await startMessagingApp();
    app.tac.onMessageReady(({ message }) => `re ${message}`);
    const res = await app.post(
      '/webhook',
      JSON.stringify({ eventType: 'COMMUNICATION_CREATED', data: { author: { channel: 'SMS' } } }),
    );
    expect(res.status).toBe(200);
    const target = app;
    const report = await app.emu.waitFor(() => target.errors.find((e) => e.context.stage === 'webhook'));
    expect((report.error as { code?: string }).code).toBe('TAC_ERR_WEBHOOK_INVALID');
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('still fine?');
    expect((await customer.nextReply()).text).toBe('re still fine?');
  });
});

describe('POST /webhook while the server stops', () => {
  it('answers new messages 503 + Retry-After (Twilio redelivers) and still takes lifecycle events', async () => {
    app = await startMessagingApp();
    const hold = gate();
    const started = gate();
    app.tac.onMessageReady(async ({ message }) => {
      started.open();
      await hold.promise;
      return `re ${message}`;
    });
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hold the turn');
    await started.promise;
    const conversationId = customer.conversationId!;

    const stopping = app.server.stop();
    const message = await app.post('/webhook', validEvent(conversationId));
    expect(message.status).toBe(503);
    expect(message.headers.get('retry-after')).toBe('5');
    const update = await app.post(
      '/webhook',
      JSON.stringify({ eventType: 'CONVERSATION_UPDATED', data: { id: conversationId, status: 'INACTIVE' } }),
    );
    expect(update.status).toBe(200);

    hold.open();
    await stopping;
    // The held turn still answered; the refused message was never taken (nothing reported lost).
    expect((await customer.nextReply()).text).toBe('re hold the turn');
    expect(app.errors.filter((e) => e.context.droppedInbound)).toEqual([]);
  });
});

describe('POST /webhook with a message that names no channel', () => {
  it('reports TAC_ERR_WEBHOOK_INVALID instead of dropping it quietly', async () => {
    app = await startMessagingApp();
    const body = JSON.stringify({
      eventType: 'COMMUNICATION_CREATED',
      data: { id: 'comm_1', conversationId: 'conv_x', content: { type: 'TEXT', text: 'hi' } },
    });
    expect((await app.post('/webhook', body)).status).toBe(200);
    const target = app;
    await app.emu.waitFor(() => target.errors.length > 0);
    expect(app.errors[0]?.error).toMatchObject({ code: 'TAC_ERR_WEBHOOK_INVALID' });
    expect(app.errors[0]?.context).toMatchObject({ stage: 'webhook', droppedInbound: true });
  });
});
