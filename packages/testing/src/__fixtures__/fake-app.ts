import formbody from '@fastify/formbody';
import Fastify, { type FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { type WebSocket, WebSocketServer } from 'ws';

/** A request the fake app received, with the result of Twilio's own validator. */
export interface ReceivedRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  body: unknown;
  signatureValid: boolean;
}

/** A WebSocket the fake app accepted. */
export interface ReceivedSocket {
  ws: WebSocket;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  signatureValid: boolean;
  messages: Record<string, unknown>[];
}

/** What the fake app does; every hook is optional. */
export interface FakeAppOptions {
  authToken: string;
  /** TwiML for POST /twiml (gets the app's own URL). */
  twiml?: (app: { url: string; host: string }, form: Record<string, string>) => string;
  /** Status for POST /webhook. @defaultValue 200 */
  webhookStatus?: () => number;
  /** Called for each valid webhook (after answering 200). */
  onWebhook?: (event: { eventType: string; data: Record<string, unknown> }) => void | Promise<void>;
  /** Called with each WebSocket message. */
  onWsMessage?: (socket: ReceivedSocket, message: Record<string, unknown>) => void;
  /** Body of POST /conversation-relay-callback. @defaultValue '<Response><Hangup/></Response>' */
  callbackTwiml?: string;
  /** Answer of POST /ci-webhook (given the JSON body). @defaultValue 200 `{ received: true }` */
  ciAnswer?: (body: unknown) => { status: number; body: unknown };
}

/** The fake app's handle. */
export interface FakeApp {
  url: string;
  host: string;
  webhooks: ReceivedRequest[];
  twimlRequests: ReceivedRequest[];
  callbacks: ReceivedRequest[];
  /** POST /ci-webhook (and /custom-ci) requests. */
  ciWebhooks: ReceivedRequest[];
  sockets: ReceivedSocket[];
  /** Errors thrown by `onWebhook` handlers. */
  errors: unknown[];
  /** Waits for running `onWebhook` handlers, then closes sockets and the server. */
  close(): Promise<void>;
}

// The URL Twilio signed, rebuilt the way TAC does (X-Forwarded-* first).
function publicUrl(req: { headers: FastifyRequest['headers']; url?: string }, scheme: 'http' | 'ws'): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host)
    .split(',')[0]
    ?.trim();
  const secure = proto === 'https';
  const s = scheme === 'http' ? (secure ? 'https' : 'http') : secure ? 'wss' : 'ws';
  return `${s}://${host}${req.url}`;
}

/**
 * A minimal Twilio app for the emulator's own tests: validates every request
 * with the `twilio` package's validators and records what it got.
 */
export async function startFakeApp(options: FakeAppOptions): Promise<FakeApp> {
  const app = Fastify({ forceCloseConnections: true });
  await app.register(formbody);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, { raw: body, json: JSON.parse(body as string) });
    } catch (error) {
      done(error as Error);
    }
  });
  const state: FakeApp = {
    url: '',
    host: '',
    webhooks: [],
    twimlRequests: [],
    callbacks: [],
    ciWebhooks: [],
    sockets: [],
    errors: [],
    close: async () => {},
  };
  const pending = new Set<Promise<void>>();
  const record = (req: FastifyRequest, list: ReceivedRequest[]) => {
    const url = publicUrl(req, 'http');
    const signature = String(req.headers['x-twilio-signature'] ?? '');
    const isJson = String(req.headers['content-type']).startsWith('application/json');
    const parsed = req.body as { raw: string; json: unknown } | Record<string, string>;
    const rawBody = isJson
      ? (parsed as { raw: string }).raw
      : new URLSearchParams(parsed as Record<string, string>).toString();
    const body = isJson ? (parsed as { json: unknown }).json : parsed;
    const signatureValid = isJson
      ? twilio.validateRequestWithBody(options.authToken, signature, url, rawBody)
      : twilio.validateRequest(options.authToken, signature, url, body as Record<string, string>);
    const entry = { url, headers: { ...req.headers }, rawBody, body, signatureValid };
    list.push(entry);
    return entry;
  };
  app.post('/webhook', async (req, reply) => {
    const entry = record(req, state.webhooks);
    const status = options.webhookStatus?.() ?? 200;
    void reply.code(status).send({ status: status < 300 ? 'ok' : 'error' });
    if (entry.signatureValid && status < 300 && options.onWebhook) {
      const event = entry.body as { eventType: string; data: Record<string, unknown> };
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => options.onWebhook?.(event))
        .catch((error: unknown) => {
          state.errors.push(error);
        });
      pending.add(run);
      void run.finally(() => pending.delete(run));
    }
    return reply;
  });
  app.post('/twiml', async (req, reply) => {
    const entry = record(req, state.twimlRequests);
    if (!entry.signatureValid) return reply.code(403).send('Invalid signature');
    const xml =
      options.twiml?.(state, entry.body as Record<string, string>) ??
      `<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="${state.url}/conversation-relay-callback"><ConversationRelay url="ws://${state.host}/ws" welcomeGreeting="Hi!"/></Connect></Response>`;
    return reply.type('application/xml').send(xml);
  });
  app.post('/conversation-relay-callback', async (req, reply) => {
    const entry = record(req, state.callbacks);
    if (!entry.signatureValid) return reply.code(403).send('Invalid signature');
    return reply.type('application/xml').send(options.callbackTwiml ?? '<Response><Hangup/></Response>');
  });
  for (const path of ['/ci-webhook', '/custom-ci']) {
    app.post(path, async (req, reply) => {
      const entry = record(req, state.ciWebhooks);
      if (!entry.signatureValid) return reply.code(403).send({ error: 'Invalid signature' });
      const answer = options.ciAnswer?.(entry.body) ?? { status: 200, body: { received: true } };
      return reply.code(answer.status).send(answer.body);
    });
  }
  const wss = new WebSocketServer({ noServer: true });
  app.server.on('upgrade', (req, socket, head) => {
    const url = publicUrl({ headers: req.headers, url: req.url }, 'ws');
    const u = new URL(url);
    const params = Object.fromEntries(u.searchParams);
    const signatureValid = twilio.validateRequest(
      options.authToken,
      String(req.headers['x-twilio-signature'] ?? ''),
      `${u.protocol}//${u.host}${u.pathname}`,
      params,
    );
    if (!signatureValid) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const entry: ReceivedSocket = { ws, url, headers: { ...req.headers }, signatureValid, messages: [] };
      state.sockets.push(entry);
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        entry.messages.push(message);
        options.onWsMessage?.(entry, message);
      });
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  state.host = `127.0.0.1:${port}`;
  state.url = `http://${state.host}`;
  state.close = async () => {
    await Promise.all([...pending]);
    for (const s of state.sockets) s.ws.terminate();
    wss.close();
    await app.close();
  };
  return state;
}

/** Basic-auth fetch against the emulator (JSON or form). */
export async function api(
  emu: { baseUrl: string; apiKey: string; apiSecret: string },
  method: string,
  path: string,
  body?: { json?: unknown; form?: Record<string, string> },
  auth: { user: string; pass: string } | null = { user: emu.apiKey, pass: emu.apiSecret },
  // biome-ignore lint/suspicious/noExplicitAny: JSON under test is asserted on, not typed
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = {};
  if (auth) headers['authorization'] = `Basic ${Buffer.from(`${auth.user}:${auth.pass}`).toString('base64')}`;
  let payload: string | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(body.form).toString();
  }
  const res = await fetch(`${emu.baseUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
