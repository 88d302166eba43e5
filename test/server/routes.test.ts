import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import websocket from '@fastify/websocket';
import { createSilentLogger, TAC, TACServer, tacPlugin, VoiceChannel } from '@tac/core';
import Fastify from 'fastify';
import { pino } from 'pino';
import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { RelayClient } from '../voice/helpers/relay-client.ts';
import { AUTH_TOKEN, testConfig } from '../voice/helpers/voice-app.ts';

/** Headers and URL of a JSON webhook signed as Twilio does (inject's host is localhost:80). */
function signedJson(path: string, body: string, token = AUTH_TOKEN) {
  const url = `${path}?bodySHA256=${getExpectedBodyHash(body)}`;
  return {
    url,
    headers: {
      'content-type': 'application/json',
      'x-twilio-signature': getExpectedTwilioSignature(token, `http://localhost${url}`, {}),
    },
    payload: body,
  };
}

function signedForm(path: string, form: Record<string, string>) {
  return {
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': getExpectedTwilioSignature(AUTH_TOKEN, `http://localhost${path}`, form),
    },
    payload: new URLSearchParams(form).toString(),
  };
}

async function makeServer(config = {}, options = {}) {
  const tac = await TAC.create({ config: testConfig(config), logger: createSilentLogger() });
  const server = new TACServer(tac, { host: '127.0.0.1', port: 0, ...options });
  await server.fastify.ready();
  return { tac, server };
}

describe('TACServer routes', () => {
  const servers: TACServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  const track = <T extends { server: TACServer }>(x: T) => {
    servers.push(x.server);
    return x;
  };

  it('POST /webhook answers 200 {"status":"ok"} first, then dispatches with the idempotency token', async () => {
    const { tac, server } = track(await makeServer());
    const order: string[] = [];
    const dispatched = new Promise<unknown[]>((resolve) => {
      vi.spyOn(tac, 'handleOrchestratorEvent').mockImplementation(async (event, meta) => {
        order.push('dispatch');
        resolve([event, meta]);
      });
    });
    const body = JSON.stringify({
      eventType: 'CONVERSATION_UPDATED',
      timestamp: 't',
      data: { id: 'conv_1', status: 'CLOSED' },
    });
    const res = await server.fastify.inject({
      method: 'POST',
      ...signedJson('/webhook', body),
      headers: { ...signedJson('/webhook', body).headers, 'i-twilio-idempotency-token': 'idem-1' },
    });
    order.push('replied');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(await dispatched).toEqual([
      { eventType: 'CONVERSATION_UPDATED', timestamp: 't', data: { id: 'conv_1', status: 'CLOSED' } },
      { idempotencyToken: 'idem-1' },
    ]);
    expect(order).toEqual(['replied', 'dispatch']);
  });

  it('POST /webhook refuses bad bodies with a clear 4xx and keeps serving', async () => {
    const { tac, server } = track(await makeServer());
    const dispatch = vi.spyOn(tac, 'handleOrchestratorEvent').mockResolvedValue();
    const send = (body: string) => server.fastify.inject({ method: 'POST', ...signedJson('/webhook', body) });
    expect((await send('[1,2]')).json()).toEqual({ error: 'Webhook body must be a JSON object' });
    expect((await send('[1,2]')).statusCode).toBe(400);
    expect((await send('{"nope":')).statusCode).toBe(400);
    const envelope = await send('{"eventType":"X"}');
    expect(envelope.statusCode).toBe(400);
    expect(envelope.json().error).toContain('"eventType": string, "data": object');
    const text = await server.fastify.inject({
      method: 'POST',
      url: '/webhook',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(415);
    expect((await send('{"eventType":"X","data":{}}')).statusCode).toBe(200);
    expect(dispatch).toHaveBeenCalledTimes(0); // dispatch runs after the reply (setImmediate)
    await new Promise((r) => setImmediate(r));
    expect(dispatch).toHaveBeenCalledTimes(1);
  });

  it('refuses unsigned, wrongly signed, or bodySHA256-less JSON webhooks with 403', async () => {
    const { tac, server } = track(await makeServer());
    const dispatch = vi.spyOn(tac, 'handleOrchestratorEvent').mockResolvedValue();
    const body = '{"eventType":"X","data":{}}';
    const good = signedJson('/webhook', body);
    const unsigned = await server.fastify.inject({
      method: 'POST',
      url: good.url,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(unsigned.statusCode).toBe(403);
    const wrong = await server.fastify.inject({
      method: 'POST',
      ...signedJson('/webhook', body, 'wrong-token'),
    });
    expect(wrong.statusCode).toBe(403);
    const tampered = await server.fastify.inject({
      method: 'POST',
      ...good,
      payload: '{"eventType":"Y","data":{}}',
    });
    expect(tampered.statusCode).toBe(403);
    const noHash = await server.fastify.inject({
      method: 'POST',
      url: '/webhook',
      headers: {
        'content-type': 'application/json',
        'x-twilio-signature': getExpectedTwilioSignature(AUTH_TOKEN, 'http://localhost/webhook', {}),
      },
      payload: body,
    });
    expect(noHash.statusCode).toBe(403);
    await new Promise((r) => setImmediate(r));
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('enforces the body limit (413)', async () => {
    const { server } = track(await makeServer({}, { bodyLimit: 1024 }));
    const body = JSON.stringify({ eventType: 'X', data: { pad: 'x'.repeat(2048) } });
    const res = await server.fastify.inject({ method: 'POST', ...signedJson('/webhook', body) });
    expect(res.statusCode).toBe(413);
  });

  it('POST /ci-webhook: 400 with a clear error when not configured, the result when configured', async () => {
    const off = track(await makeServer());
    const res = await off.server.fastify.inject({ method: 'POST', ...signedJson('/ci-webhook', '{}') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('Conversation Intelligence is not enabled');

    const on = track(await makeServer({ cintelConfigurationId: 'GA1', cintelSummaryOperatorSid: 'LY1' }));
    const result = { success: true, eventType: 'summary', skipped: false, createdCount: 2 };
    const spy = vi.spyOn(on.tac, 'processCintelEvent').mockResolvedValue(result as never);
    const ok = await on.server.fastify.inject({
      method: 'POST',
      ...signedJson('/ci-webhook', '{"accountId":"AC1"}'),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual(result);
    expect(spy).toHaveBeenCalledWith({ accountId: 'AC1' });
    const unsigned = await on.server.fastify.inject({
      method: 'POST',
      url: '/ci-webhook',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unsigned.statusCode).toBe(403);
  });

  it('answers 503 on voice routes when no voice channel is registered', async () => {
    const { server } = track(await makeServer());
    const res = await server.fastify.inject({ method: 'POST', ...signedForm('/twiml', { CallSid: 'CA1' }) });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('tac.registerChannel(new VoiceChannel(tac))');
  });

  it('honours custom paths, and null leaves a route out', async () => {
    const { tac, server } = track(
      await makeServer({}, { paths: { twiml: '/voice/incoming', webhook: null } }),
    );
    tac.registerChannel(new VoiceChannel(tac));
    const twiml = await server.fastify.inject({
      method: 'POST',
      ...signedForm('/voice/incoming', { CallSid: 'CA1' }),
    });
    expect(twiml.statusCode).toBe(200);
    expect(twiml.body).toContain('<ConversationRelay');
    const webhook = await server.fastify.inject({ method: 'POST', ...signedJson('/webhook', '{}') });
    expect(webhook.statusCode).toBe(404);
  });

  it('validateSignatures: false lets unsigned requests through', async () => {
    const { tac, server } = track(await makeServer({}, { validateSignatures: false }));
    tac.registerChannel(new VoiceChannel(tac));
    const res = await server.fastify.inject({
      method: 'POST',
      url: '/twiml',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'CallSid=CA1',
    });
    expect(res.statusCode).toBe(200);
  });

  it('fails at construction on bad options, naming them', async () => {
    const tac = await TAC.create({ config: testConfig(), logger: createSilentLogger() });
    expect(() => new TACServer(tac, { port: 70_000, paths: { twiml: 'no-slash' } })).toThrow(
      expect.objectContaining({
        code: 'TAC_ERR_INVALID_ARGUMENT',
        message: expect.stringMatching(/port[\s\S]*paths\.twiml|paths\.twiml[\s\S]*port/),
      }),
    );
  });
});

describe('TACServer logging', () => {
  it("the HTTP logger is never louder than TAC's own (a silent TAC stays silent)", async () => {
    const silent = new TACServer(await TAC.create({ config: testConfig(), logger: createSilentLogger() }));
    expect(silent.fastify.log.level).toBe('silent');
    const chatty = await TAC.create({
      config: testConfig(),
      logger: pino({ level: 'debug' }, new Writable({ write: (_chunk, _encoding, done) => done() })),
    });
    expect(new TACServer(chatty).fastify.log.level).toBe('warn');
  });
});

describe('tacPlugin in your own fastify app', () => {
  it("mounts TAC's routes without touching the app's own JSON parsing", async () => {
    const tac = await TAC.create({ config: testConfig(), logger: createSilentLogger() });
    tac.registerChannel(new VoiceChannel(tac));
    const app = Fastify();
    app.post('/api/echo', async (request) => ({ got: request.body }));
    await app.register(tacPlugin, { tac, paths: { twiml: '/tac/twiml' } });
    try {
      const echo = await app.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } });
      expect(echo.json()).toEqual({ got: { a: 1 } });
      const twiml = await app.inject({ method: 'POST', ...signedForm('/tac/twiml', { CallSid: 'CA1' }) });
      expect(twiml.statusCode).toBe(200);
      expect(twiml.headers['content-type']).toContain('application/xml');
      expect(app.hasDecorator('websocketServer')).toBe(false); // registered inside the plugin's scope only
    } finally {
      await app.close();
    }
  });

  it("shares the app's own @fastify/websocket: the app's socket route and TAC's voice socket both work", async () => {
    const tac = await TAC.create({ config: testConfig(), logger: createSilentLogger() });
    tac.registerChannel(new VoiceChannel(tac));
    tac.onMessageReady(async ({ message }) => `heard ${message}`);
    const app = Fastify();
    await app.register(websocket);
    app.get('/echo', { websocket: true }, (socket) => {
      socket.on('message', (data) => socket.send(`echo ${String(data)}`));
    });
    await app.register(tacPlugin, { tac });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const ws = base.replace('http', 'ws');
    try {
      const echo = new WebSocket(`${ws}/echo`);
      await once(echo, 'open');
      echo.send('hi');
      const [echoed] = await once(echo, 'message');
      expect(String(echoed)).toBe('echo hi');
      echo.close();

      const call = await RelayClient.connect(`${ws}/ws`, { authToken: AUTH_TOKEN });
      call.setup();
      call.prompt('hello');
      expect((await call.reply()).text).toBe('heard hello');
      await call.hangup();

      // An unsigned upgrade is still refused on TAC's socket (policy close), not on the app's.
      const unsigned = await RelayClient.connect(`${ws}/ws`);
      expect((await unsigned.closed).code).toBe(1008);
    } finally {
      await app.close();
    }
  });

  it('stop() completes and closes the sockets of clients that never finished a request', async () => {
    const tac = await TAC.create({ config: testConfig(), logger: createSilentLogger() });
    tac.registerChannel(new VoiceChannel(tac));
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    await server.start();
    const partial = [
      '', // connected, silent
      'POST /webhook HTTP/1.1\r\nHost: x\r\n', // headers never finished
      'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":', // body cut short
    ];
    const sockets = await Promise.all(
      partial.map(async (bytes) => {
        const socket = connect(server.port ?? 0, '127.0.0.1');
        await once(socket, 'connect');
        if (bytes) socket.write(bytes);
        return { socket, closed: once(socket, 'close') };
      }),
    );
    // Let the server read what was sent before it stops.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.stop();
    await Promise.all(sockets.map((s) => s.closed));
    expect(sockets.every((s) => s.socket.destroyed)).toBe(true);
  });

  it('answers a WebSocket upgrade to a plain HTTP route with 404 and closes it, so stop() still completes', async () => {
    const tac = await TAC.create({ config: testConfig(), logger: createSilentLogger() });
    tac.registerChannel(new VoiceChannel(tac));
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    const base = await server.start();
    try {
      const refused = await RelayClient.connect(`${base.replace('http', 'ws')}/webhook`).then(
        () => 'opened',
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/Unexpected server response: 404/);
    } finally {
      await server.stop();
    }
  });
});
