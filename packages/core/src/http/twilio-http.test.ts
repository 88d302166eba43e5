import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { TACConfig, type TACConfigData } from '../config/index.ts';
import { isAbortError, TACError, TACErrorCode, TwilioApiError } from '../errors/index.ts';
import type { TACLogger } from '../logging/index.ts';
import { TwilioHttpClient, type TwilioHttpClientOptions } from './twilio-http.ts';

const BASE: TACConfigData = {
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: 'token',
  apiKey: `SK${'b'.repeat(32)}`,
  apiSecret: 'api-secret',
  phoneNumber: '+15550001111',
};

const config = (extra: Partial<TACConfigData> = {}) => new TACConfig({ ...BASE, ...extra });

/** What the fake Twilio server saw for one request. */
interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

type Handler = (req: FastifyRequest, reply: FastifyReply, attempt: number) => unknown;

const servers: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real HTTP server on 127.0.0.1 answering every route with `handler`; records each request. */
async function fakeTwilio(handler: Handler) {
  const app = Fastify({ forceCloseConnections: true });
  servers.push(app);
  const seen: Seen[] = [];
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  app.all('/*', async (req, reply) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: req.body });
    return handler(req, reply, seen.length);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const client = (options: TwilioHttpClientOptions = {}) =>
    new TwilioHttpClient(config({ apiBaseUrl: origin }), { backoffMs: 1, ...options });
  return { origin, seen, client };
}

/** Answers `status` (with a Twilio error body) for the first `failures` attempts, then 200. */
const failThenOk =
  (failures: number, status = 503): Handler =>
  (_req, reply, attempt) =>
    attempt <= failures
      ? reply.code(status).send({ code: 20_500, message: 'Service unavailable', status })
      : { ok: true, attempt };

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const app = Fastify();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  await app.close();
  return port;
}

/** Run `fn`, expect it to reject, and return the error for closer assertions. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

describe('TwilioHttpClient.url', () => {
  it('uses the product host, with the region when one is set', () => {
    expect(new TwilioHttpClient(config()).url('conversations', '/v2/Conversations')).toBe(
      'https://conversations.twilio.com/v2/Conversations',
    );
    expect(new TwilioHttpClient(config({ region: 'ie1' })).url('memory', '/v1/Stores')).toBe(
      'https://memory.ie1.twilio.com/v1/Stores',
    );
  });

  it('replaces the origin with apiBaseUrl (even with a region) and keeps the path', () => {
    const client = new TwilioHttpClient(config({ apiBaseUrl: 'http://127.0.0.1:4010/', region: 'au1' }));
    expect(client.url('knowledge', '/v1/KnowledgeBases/kb_1/Search')).toBe(
      'http://127.0.0.1:4010/v1/KnowledgeBases/kb_1/Search',
    );
  });

  it('adds query parameters and skips undefined ones', () => {
    const url = new URL(
      new TwilioHttpClient(config()).url('conversations', '/v2/Conversations', {
        pageSize: 50,
        status: 'ACTIVE',
        flag: false,
        skipped: undefined,
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({ pageSize: '50', status: 'ACTIVE', flag: 'false' });
  });
});

describe('TwilioHttpClient.request: wire format', () => {
  it('sends Basic auth with the API key and secret, accept JSON and a user agent', async () => {
    const fake = await fakeTwilio(() => ({ ok: true }));
    await fake.client().request({ product: 'conversations', method: 'GET', path: '/v2/Conversations' });
    const headers = fake.seen[0]?.headers ?? {};
    const expected = Buffer.from(`${BASE.apiKey}:api-secret`).toString('base64');
    expect(headers.authorization).toBe(`Basic ${expected}`);
    expect(headers.accept).toBe('application/json');
    expect(headers['user-agent']).toMatch(/^tac-typescript\//);
  });

  it('sends a JSON body as application/json', async () => {
    const fake = await fakeTwilio(() => ({ ok: true }));
    await fake.client().request({
      product: 'conversations',
      method: 'POST',
      path: '/v2/Conversations/conv_1/Communications',
      query: { dryRun: true },
      json: { content: { text: 'hi' }, n: 1 },
    });
    const [req] = fake.seen;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v2/Conversations/conv_1/Communications?dryRun=true');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toEqual({ content: { text: 'hi' }, n: 1 });
  });

  it('sends a form body as application/x-www-form-urlencoded', async () => {
    const fake = await fakeTwilio(() => ({ ok: true }));
    await fake.client().request({
      product: 'studio',
      method: 'POST',
      path: '/v2/Flows/FW1/Executions',
      form: { To: '+15557654321', Parameters: '{"a":1}' },
    });
    const [req] = fake.seen;
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.body).toEqual({ To: '+15557654321', Parameters: '{"a":1}' });
  });

  it('sends no body and no content type without json or form', async () => {
    const fake = await fakeTwilio(() => ({ ok: true }));
    await fake.client().request({ product: 'api', method: 'DELETE', path: '/x' });
    expect(fake.seen[0]?.headers['content-type']).toBeUndefined();
    expect(fake.seen[0]?.body).toBeUndefined();
  });
});

describe('TwilioHttpClient.request: responses', () => {
  it('parses a 2xx JSON answer and returns status and lower-case headers', async () => {
    const fake = await fakeTwilio((_req, reply) =>
      reply
        .code(201)
        .header('X-Request-Id', 'RQ1')
        .send({ id: 'conv_1', items: [1, 2] }),
    );
    const res = await fake
      .client()
      .request<{ id: string }>({ product: 'conversations', method: 'POST', path: '/c' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'conv_1', items: [1, 2] });
    expect(res.headers['x-request-id']).toBe('RQ1');
  });

  it('returns non-JSON and unparseable JSON bodies as text, and an empty body as ""', async () => {
    const fake = await fakeTwilio((req, reply) => {
      if (req.url === '/text') return reply.type('text/plain').send('plain words');
      if (req.url === '/broken') return reply.type('application/json').send('{not json');
      return reply.code(204).send();
    });
    const client = fake.client();
    expect((await client.request({ product: 'api', method: 'GET', path: '/text' })).body).toBe('plain words');
    expect((await client.request({ product: 'api', method: 'GET', path: '/broken' })).body).toBe('{not json');
    const empty = await client.request({ product: 'api', method: 'DELETE', path: '/gone' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBe('');
  });

  it('turns a non-2xx answer into a TwilioApiError with status, code, more_info and headers', async () => {
    const fake = await fakeTwilio((_req, reply) =>
      reply.code(409).header('x-conflicting-resource-id', 'conv_participant_existing').send({
        code: 50_409,
        message: 'Participant already exists',
        more_info: 'https://www.twilio.com/docs/errors/50409',
        status: 409,
      }),
    );
    const error = await rejection(() =>
      fake.client().request({
        product: 'conversations',
        method: 'POST',
        path: '/v2/Conversations/c1/Participants',
        retry: 'always',
      }),
    );
    expect(error).toBeInstanceOf(TwilioApiError);
    const apiError = error as TwilioApiError;
    expect(TACError.isInstance(apiError)).toBe(true);
    expect(apiError.code).toBe(TACErrorCode.TWILIO_API);
    expect(apiError.status).toBe(409);
    expect(apiError.twilioCode).toBe(50_409);
    expect(apiError.moreInfo).toBe('https://www.twilio.com/docs/errors/50409');
    expect(apiError.headers['x-conflicting-resource-id']).toBe('conv_participant_existing');
    expect(apiError.body).toMatchObject({ code: 50_409 });
    expect(apiError.message).toContain(
      '/v2/Conversations/c1/Participants answered 409: Participant already exists',
    );
    expect(apiError.context).toMatchObject({ status: 409, method: 'POST' });
    expect(apiError.isTransient).toBe(false);
    // A 409 is not transient: not retried even with retry 'always'.
    expect(fake.seen).toHaveLength(1);
  });

  it('builds a TwilioApiError without Twilio fields when the error body is not JSON', async () => {
    const fake = await fakeTwilio((_req, reply) =>
      reply.code(502).type('text/html').send('<h1>Bad gateway</h1>'),
    );
    const error = (await rejection(() =>
      fake.client().request({ product: 'api', method: 'GET', path: '/x', retry: 'never' }),
    )) as TwilioApiError;
    expect(error.status).toBe(502);
    expect(error.twilioCode).toBeUndefined();
    expect(error.moreInfo).toBeUndefined();
    expect(error.body).toBe('<h1>Bad gateway</h1>');
  });
});

describe('TwilioHttpClient.request: retries', () => {
  it('retries a GET on 503 and then succeeds', async () => {
    const fake = await fakeTwilio(failThenOk(2));
    const res = await fake.client({ retries: 2 }).request({ product: 'api', method: 'GET', path: '/r' });
    expect(res.body).toEqual({ ok: true, attempt: 3 });
    expect(fake.seen).toHaveLength(3);
  });

  it('retries a GET on 429', async () => {
    const fake = await fakeTwilio(failThenOk(1, 429));
    const res = await fake.client().request({ product: 'api', method: 'GET', path: '/r' });
    expect(res.status).toBe(200);
    expect(fake.seen).toHaveLength(2);
  });

  it('gives up after `retries` extra attempts and throws the last answer', async () => {
    const fake = await fakeTwilio(failThenOk(Number.POSITIVE_INFINITY));
    const error = (await rejection(() =>
      fake.client({ retries: 2 }).request({ product: 'api', method: 'PUT', path: '/r' }),
    )) as TwilioApiError;
    expect(error.status).toBe(503);
    expect(fake.seen).toHaveLength(3);
  });

  it("does not retry a POST on 503 with the default 'idempotent' policy", async () => {
    const fake = await fakeTwilio(failThenOk(1));
    const error = (await rejection(() =>
      fake.client().request({ product: 'conversations', method: 'POST', path: '/p', json: {} }),
    )) as TwilioApiError;
    expect(error.status).toBe(503);
    expect(fake.seen).toHaveLength(1);
  });

  it("retries a POST on 503 with 'always'", async () => {
    const fake = await fakeTwilio(failThenOk(1));
    const res = await fake
      .client()
      .request({ product: 'conversations', method: 'POST', path: '/p', json: { a: 1 }, retry: 'always' });
    expect(res.body).toEqual({ ok: true, attempt: 2 });
    expect(fake.seen.map((s) => s.body)).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it("never retries with 'never'", async () => {
    const fake = await fakeTwilio(failThenOk(1));
    await expect(
      fake.client({ retries: 5 }).request({ product: 'api', method: 'GET', path: '/r', retry: 'never' }),
    ).rejects.toMatchObject({ status: 503 });
    expect(fake.seen).toHaveLength(1);
  });

  it('retries a POST when the connection is refused (the request never reached Twilio)', async () => {
    const port = await closedPort();
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = new TwilioHttpClient(config({ apiBaseUrl: `http://127.0.0.1:${port}` }), {
      backoffMs: 1,
      retries: 2,
      fetch: countingFetch,
    });
    const error = (await rejection(() =>
      client.request({ product: 'conversations', method: 'POST', path: '/p', json: {} }),
    )) as TACError;
    expect(error.code).toBe(TACErrorCode.NETWORK);
    expect(error.context).toMatchObject({ method: 'POST', timedOut: false });
    expect(((error.cause as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(attempts).toBe(3);
  });

  it('retries a POST after a refused connection and returns the later success', async () => {
    const fake = await fakeTwilio(() => ({ ok: true }));
    let attempts = 0;
    const flakyFetch: typeof fetch = async (input, init) => {
      attempts++;
      if (attempts === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return fetch(input, init);
    };
    const res = await fake
      .client({ fetch: flakyFetch })
      .request({ product: 'api', method: 'POST', path: '/p' });
    expect(res.body).toEqual({ ok: true });
    expect(attempts).toBe(2);
    expect(fake.seen).toHaveLength(1);
  });

  it('does not retry a POST after a network error that may have reached Twilio', async () => {
    let attempts = 0;
    const resetFetch: typeof fetch = async () => {
      attempts++;
      throw new TypeError('fetch failed', { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } });
    };
    const client = new TwilioHttpClient(config(), { backoffMs: 1, fetch: resetFetch });
    const error = (await rejection(() =>
      client.request({ product: 'api', method: 'POST', path: '/p' }),
    )) as TACError;
    expect(error.code).toBe(TACErrorCode.NETWORK);
    expect(error.message).toContain('fetch failed');
    expect(attempts).toBe(1);
  });
});

describe('TwilioHttpClient.request: timeouts and aborts', () => {
  it('times out with TAC_ERR_NETWORK and context.timedOut', async () => {
    const fake = await fakeTwilio(() => new Promise(() => {}));
    const error = (await rejection(() =>
      fake
        .client()
        .request({ product: 'memory', method: 'GET', path: '/slow', timeoutMs: 50, retry: 'never' }),
    )) as TACError;
    expect(TACError.isInstance(error)).toBe(true);
    expect(error.code).toBe(TACErrorCode.NETWORK);
    expect(error.context).toMatchObject({ timedOut: true, method: 'GET' });
    expect(error.message).toContain('timed out');
  });

  it('retries an idempotent request that timed out', async () => {
    const fake = await fakeTwilio((_req, _reply, attempt) =>
      attempt === 1 ? new Promise(() => {}) : { ok: 2 },
    );
    const res = await fake
      .client()
      .request({ product: 'memory', method: 'GET', path: '/slow', timeoutMs: 500 });
    expect(res.body).toEqual({ ok: 2 });
    expect(fake.seen).toHaveLength(2);
  });

  it('stops retrying when the caller aborts during the backoff', async () => {
    const controller = new AbortController();
    const fake = await fakeTwilio((_req, reply) => reply.code(503).send({ message: 'busy' }));
    // The client logs at debug right before it backs off: abort exactly there.
    const logger = { debug: () => controller.abort() } as unknown as TACLogger;
    const error = await rejection(() =>
      fake
        .client({ backoffMs: 60_000, retries: 5, logger })
        .request({ product: 'api', method: 'GET', path: '/r', signal: controller.signal }),
    );
    // The one-minute backoff was not waited out, and no second attempt was made.
    expect(isAbortError(error)).toBe(true);
    expect(fake.seen).toHaveLength(1);
  });

  it('stops at once, without retrying, when the caller aborts an in-flight request', async () => {
    const controller = new AbortController();
    const fake = await fakeTwilio(() => {
      controller.abort(new Error('caller gave up'));
      return new Promise(() => {});
    });
    const error = await rejection(() =>
      fake
        .client({ retries: 5 })
        .request({ product: 'api', method: 'GET', path: '/r', signal: controller.signal }),
    );
    expect(error).toBe(controller.signal.reason);
    expect(fake.seen).toHaveLength(1);
  });

  it('does not send anything when the signal is already aborted', async () => {
    const fake = await fakeTwilio(() => ({ ok: true }));
    const error = await rejection(() =>
      fake.client().request({ product: 'api', method: 'GET', path: '/r', signal: AbortSignal.abort() }),
    );
    expect(isAbortError(error)).toBe(true);
    expect(fake.seen).toHaveLength(0);
  });
});

describe('TwilioHttpClient.request: default transport (node:http, keep-alive)', () => {
  it('retries a POST whose connection was refused, with the system code on the cause', async () => {
    const port = await closedPort();
    const logged: unknown[] = [];
    const logger = { debug: (fields: unknown) => logged.push(fields) } as unknown as TACLogger;
    const client = new TwilioHttpClient(config({ apiBaseUrl: `http://127.0.0.1:${port}` }), {
      backoffMs: 1,
      retries: 2,
      logger,
    });
    const error = (await rejection(() =>
      client.request({ product: 'conversations', method: 'POST', path: '/p', json: {} }),
    )) as TACError;
    expect(error.code).toBe(TACErrorCode.NETWORK);
    expect(error.context).toMatchObject({ method: 'POST', timedOut: false });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(error.message).toContain('ECONNREFUSED');
    // Two backoffs were logged: three attempts.
    expect(logged).toHaveLength(2);
  });

  it('follows a redirect and keeps Basic auth on the same origin', async () => {
    const fake = await fakeTwilio((req, reply) =>
      req.url === '/v1/Stores/s/Profiles/p1' ? reply.redirect('/v1/Stores/s/Profiles/p2', 301) : { id: 'p2' },
    );
    const res = await fake
      .client()
      .request({ product: 'memory', method: 'GET', path: '/v1/Stores/s/Profiles/p1' });
    expect(res.body).toEqual({ id: 'p2' });
    expect(fake.seen.map((s) => s.url)).toEqual(['/v1/Stores/s/Profiles/p1', '/v1/Stores/s/Profiles/p2']);
    expect(fake.seen[1]?.headers.authorization).toMatch(/^Basic /);
  });

  it('reuses its connection across requests', async () => {
    const fake = await fakeTwilio((req) => ({ port: req.socket.remotePort }));
    const client = fake.client();
    const ports = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const res = await client.request<{ port: number }>({ product: 'api', method: 'GET', path: '/x' });
      ports.add(res.body.port);
    }
    expect(ports.size).toBe(1);
    client.close();
  });
});
