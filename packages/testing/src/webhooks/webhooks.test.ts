import { createServer, type Server } from 'node:http';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { signFormWebhook, signJsonWebhook, signWebSocketUpgrade } from './signature.ts';
import { resolveTarget } from './tunnel.ts';
import { WebhookSender } from './webhook-sender.ts';

describe('signatures (validated with the twilio package)', () => {
  it('reproduces the documented test vector', () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    expect(signFormWebhook('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  it('signs JSON with bodySHA256 so validateRequestWithBody accepts it', () => {
    const body = '{"eventType":"COMMUNICATION_CREATED"}';
    const signed = signJsonWebhook('tok', 'https://app.test/webhook', body);
    expect(signed.url).toBe(`https://app.test/webhook?bodySHA256=${signed.bodySHA256}`);
    expect(twilio.validateRequestWithBody('tok', signed.signature, signed.url, body)).toBe(true);
    expect(twilio.validateRequestWithBody('tok', signed.signature, signed.url, `${body} `)).toBe(false);
    expect(twilio.validateRequestWithBody('other', signed.signature, signed.url, body)).toBe(false);
  });

  it('signs the WebSocket upgrade over ws(s)://host/path with query params as params', () => {
    const sig = signWebSocketUpgrade('tok', 'wss://app.test/ws?b=2&a=1');
    expect(twilio.validateRequest('tok', sig, 'wss://app.test/ws', { a: '1', b: '2' })).toBe(true);
    expect(signWebSocketUpgrade('tok', 'wss://app.test/ws')).toBe(
      twilio.getExpectedTwilioSignature('tok', 'wss://app.test/ws', {}),
    );
  });
});

describe('resolveTarget (the tunnel)', () => {
  it('serves loopback https/wss as plain http/ws with forwarded headers', () => {
    expect(resolveTarget('wss://127.0.0.1:8000/ws', undefined)).toEqual({
      target: 'ws://127.0.0.1:8000/ws',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': '127.0.0.1:8000' },
    });
    expect(resolveTarget('http://localhost:1/x', undefined)).toEqual({
      target: 'http://localhost:1/x',
      headers: {},
    });
  });

  it('forwards public hosts to the app and needs one', () => {
    expect(resolveTarget('wss://agent.example.com/ws?x=1', 'http://127.0.0.1:9000')).toEqual({
      target: 'ws://127.0.0.1:9000/ws?x=1',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'agent.example.com' },
    });
    expect(() => resolveTarget('https://agent.example.com/x', undefined)).toThrow(/setApp/);
  });
});

describe('WebhookSender', () => {
  let server: Server | undefined;
  afterEach(
    () =>
      new Promise<void>((resolve) => {
        server?.closeAllConnections();
        return server ? server.close(() => resolve()) : resolve();
      }),
  );

  async function listen(handler: (attempt: number, token: string) => 'hang' | number): Promise<string> {
    let attempt = 0;
    server = createServer((req, res) => {
      attempt += 1;
      req.resume();
      const outcome = handler(attempt, String(req.headers['i-twilio-idempotency-token']));
      if (outcome === 'hang') return;
      res.writeHead(outcome).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return `http://127.0.0.1:${port}/hook`;
  }

  it('retries a timed-out attempt with the same idempotency token', async () => {
    const tokens: string[] = [];
    const url = await listen((attempt, token) => {
      tokens.push(token);
      return attempt === 1 ? 'hang' : 200;
    });
    const sender = new WebhookSender({
      authToken: 't',
      retry: { attempts: 3, timeoutMs: 100, backoffMs: 1 },
      appOrigin: () => undefined,
    });
    const delivery = await sender.send({ kind: 'orchestrator', url, json: { eventType: 'X' } });
    expect(delivery.attempts).toEqual([{ error: 'timeout' }, { status: 200 }]);
    expect(delivery.ok).toBe(true);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    await sender.close();
  });

  it('gives up after the configured attempts and does not retry form (voice) webhooks', async () => {
    const url = await listen(() => 500);
    const sender = new WebhookSender({
      authToken: 't',
      retry: { attempts: 2, timeoutMs: 1000, backoffMs: 1 },
      appOrigin: () => undefined,
    });
    const json = await sender.send({ kind: 'orchestrator', url, json: {} });
    expect(json.attempts).toEqual([{ status: 500 }, { status: 500 }]);
    expect(json.ok).toBe(false);
    const form = await sender.send({ kind: 'connect-action', url, form: { A: '1' } });
    expect(form.attempts).toHaveLength(1);
    await sender.close();
  });
});
