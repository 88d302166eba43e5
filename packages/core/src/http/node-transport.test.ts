import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeTransport } from './node-transport.ts';
import type { TransportRequest } from './transport.ts';

/** What a test server saw for one request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Which TCP connection carried it (1 = the server's first). */
  connection: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

const servers: Server[] = [];
const transports: NodeTransport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A real HTTP server on 127.0.0.1 that records each request and lets `handler` answer. */
async function server(handler: Handler) {
  const seen: Seen[] = [];
  const connections = new Map<Socket, number>();
  let closedSockets = 0;
  const s = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        connection: connections.get(req.socket) ?? 0,
      };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  s.on('connection', (socket) => {
    connections.set(socket, connections.size + 1);
    socket.on('close', () => closedSockets++);
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    connections: () => connections.size,
    closedSockets: () => closedSockets,
  };
}

function transport(options: ConstructorParameters<typeof NodeTransport>[0] = {}) {
  const t = new NodeTransport(options);
  transports.push(t);
  return t;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const request = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  method: 'GET',
  url: new URL(url),
  headers: {},
  timeoutMs: 5_000,
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

describe('NodeTransport: exchanges', () => {
  it('sends method, headers and body, and returns status, lower-case headers and text', async () => {
    const srv = await server((_req, res) =>
      json(res, 201, { ok: true }, { 'X-Request-Id': 'RQ1', 'set-cookie': 'a=1' }),
    );
    const res = await transport().send(
      request(`${srv.origin}/v2/Things?x=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
        body: '{"héllo":"wörld"}',
      }),
    );
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text)).toEqual({ ok: true });
    expect(res.headers['x-request-id']).toBe('RQ1');
    expect(res.headers['set-cookie']).toBe('a=1');
    const [seen] = srv.seen;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/v2/Things?x=1');
    expect(seen?.headers.authorization).toBe('Basic abc');
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength('{"héllo":"wörld"}')));
    expect(seen?.body).toBe('{"héllo":"wörld"}');
  });

  it('reuses one keep-alive connection for requests in sequence', async () => {
    const srv = await server((_req, res) => json(res, 200, { ok: true }));
    const t = transport();
    for (let i = 0; i < 5; i++) await t.send(request(`${srv.origin}/r${i}`));
    expect(srv.seen.map((s) => s.connection)).toEqual([1, 1, 1, 1, 1]);
    expect(srv.connections()).toBe(1);
  });

  it('opens at most maxSockets connections; further requests wait for a free one', async () => {
    const srv = await server((_req, res) => setImmediate(() => json(res, 200, { ok: true })));
    const t = transport({ maxSockets: 2 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.send(request(`${srv.origin}/${i}`))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(srv.seen).toHaveLength(6);
    expect(srv.connections()).toBe(2);
  });

  it('fails with the system error code when nothing listens', async () => {
    const srv = await server(() => {});
    const closed = srv.origin;
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const error = (await rejection(transport().send(request(`${closed}/x`)))) as NodeJS.ErrnoException;
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('leaves no timer behind once a request finished', async () => {
    const srv = await server((_req, res) => json(res, 200, {}));
    const t = transport();
    await t.send(request(`${srv.origin}/warm`)); // the agent's sockets and server timers exist from here on
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    for (let i = 0; i < 20; i++) await t.send(request(`${srv.origin}/r`, { timeoutMs: 60_000 }));
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe('NodeTransport: timeouts and aborts', () => {
  it('rejects with a TimeoutError and drops the connection when the answer does not come in time', async () => {
    const srv = await server(() => {}); // never answers
    const error = (await rejection(
      transport().send(request(`${srv.origin}/slow`, { timeoutMs: 30 })),
    )) as Error;
    expect(error.name).toBe('TimeoutError');
    await expect.poll(() => srv.closedSockets()).toBe(1);
  });

  it('times out a response whose body never ends', async () => {
    const srv = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const error = (await rejection(
      transport().send(request(`${srv.origin}/slow`, { timeoutMs: 30 })),
    )) as Error;
    expect(error.name).toBe('TimeoutError');
  });

  it("rejects with the caller's reason when the signal fires in flight, and drops the connection", async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const srv = await server(() => controller.abort(reason));
    const error = await rejection(
      transport().send(request(`${srv.origin}/x`, { signal: controller.signal })),
    );
    expect(error).toBe(reason);
    await expect.poll(() => srv.closedSockets()).toBe(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const srv = await server((_req, res) => json(res, 200, {}));
    const signal = AbortSignal.abort();
    const error = await rejection(transport().send(request(`${srv.origin}/x`, { signal })));
    expect(error).toBe(signal.reason);
    expect(srv.seen).toHaveLength(0);
  });

  it('fails when the connection closes before the response ended', async () => {
    const srv = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"cut":');
      setImmediate(() => req.socket.destroy());
    });
    const error = await rejection(transport().send(request(`${srv.origin}/x`)));
    expect(error).toBeInstanceOf(Error);
  });
});

describe('NodeTransport: redirects (as fetch follows them)', () => {
  const redirectTo = (status: number, location: string) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { location });
    res.end('moved');
  };

  it('follows a 307 with method, body and Authorization on the same origin', async () => {
    const srv = await server((req, res) =>
      req.url === '/old' ? redirectTo(307, '/new')(req, res) : json(res, 200, { at: req.url }),
    );
    const res = await transport().send(
      request(`${srv.origin}/old`, {
        method: 'POST',
        headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
        body: '{"a":1}',
      }),
    );
    expect(JSON.parse(res.text)).toEqual({ at: '/new' });
    const second = srv.seen[1];
    expect(second?.method).toBe('POST');
    expect(second?.body).toBe('{"a":1}');
    expect(second?.headers.authorization).toBe('Basic abc');
    expect(second?.headers['content-type']).toBe('application/json');
  });

  it('turns a POST into a body-less GET on 302 and 303', async () => {
    for (const status of [302, 303]) {
      const srv = await server((req, res) =>
        req.url === '/old' ? redirectTo(status, '/new')(req, res) : json(res, 200, {}),
      );
      await transport().send(
        request(`${srv.origin}/old`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"a":1}',
        }),
      );
      const second = srv.seen[1];
      expect(second?.method).toBe('GET');
      expect(second?.body).toBe('');
      expect(second?.headers['content-type']).toBeUndefined();
      expect(second?.headers['content-length']).toBeUndefined();
    }
  });

  it('drops Authorization when the redirect leaves the origin (e.g. a Memory profile merge)', async () => {
    const other = await server((_req, res) => json(res, 200, { merged: true }));
    const srv = await server(redirectTo(301, `${other.origin}/v1/Profiles/mem_profile_2`));
    const res = await transport().send(
      request(`${srv.origin}/v1/Profiles/mem_profile_1`, {
        headers: { authorization: 'Basic abc', accept: 'application/json' },
      }),
    );
    expect(JSON.parse(res.text)).toEqual({ merged: true });
    expect(srv.seen[0]?.headers.authorization).toBe('Basic abc');
    expect(other.seen[0]?.url).toBe('/v1/Profiles/mem_profile_2');
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
    expect(other.seen[0]?.headers.accept).toBe('application/json');
  });

  it('gives up after 20 redirects', async () => {
    const srv = await server((req, res) => redirectTo(302, `/hop${srv.seen.length}`)(req, res));
    const error = (await rejection(transport().send(request(`${srv.origin}/start`)))) as Error;
    expect(error.message).toContain('redirects');
    expect(srv.seen).toHaveLength(21);
  });

  it('returns a 3xx without Location as it is', async () => {
    const srv = await server((_req, res) => {
      res.writeHead(304);
      res.end();
    });
    const res = await transport().send(request(`${srv.origin}/x`));
    expect(res.status).toBe(304);
    expect(srv.seen).toHaveLength(1);
  });
});
