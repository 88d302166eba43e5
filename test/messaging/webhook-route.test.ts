/**
 * POST /webhook over a real socket: malformed or unsigned requests get a 4xx
 * and change nothing, and the server goes on answering customers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type MessagingApp, startMessagingApp } from './helpers/messaging-app.ts';

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
