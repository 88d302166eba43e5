import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  form: URLSearchParams;
}

/**
 * A tiny stand-in for the Voice Calls API (`/2010-04-01/Accounts/{AC}/Calls…`)
 * on 127.0.0.1, to prove what the `twilio` package sends through TAC's
 * base-URL request client.
 */
export async function startFakeCallsApi(
  options: { failWith?: { status: number; code: number; message: string } } = {},
) {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const path = (req.url ?? '').split('?')[0] as string;
    requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      form: new URLSearchParams(body),
    });
    res.setHeader('content-type', 'application/json');
    if (options.failWith) {
      res.statusCode = options.failWith.status;
      res.end(
        JSON.stringify({
          ...options.failWith,
          more_info: `https://www.twilio.com/docs/errors/${options.failWith.code}`,
        }),
      );
      return;
    }
    const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Calls(?:\/(CA\w+))?\.json$/.exec(path);
    if (!match) {
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
      return;
    }
    const sid = match[2] ?? `CA${String(++counter).padStart(32, '0')}`;
    const form = new URLSearchParams(body);
    res.statusCode = match[2] ? 200 : 201;
    res.end(
      JSON.stringify({
        sid,
        account_sid: match[1],
        to: form.get('To'),
        from: form.get('From'),
        status: match[2] ? (form.get('Status') ?? 'in-progress') : 'queued',
        direction: 'outbound-api',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
