/**
 * Floor for the messaging benchmarks: bare fastify doing exactly the check a
 * TAC webhook must do, and nothing else. It keeps the raw JSON body, rebuilds
 * the URL Twilio signed (`X-Forwarded-Proto`/`Host`), runs twilio's
 * `validateRequestWithBody` (URL signature + `bodySHA256`), parses the JSON and
 * acknowledges `200 {"status":"ok"}` as Twilio's TAC does.
 */
import Fastify from 'fastify';
import { validateRequestWithBody } from 'twilio/lib/webhooks/webhooks.js';
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';

childArgs();
const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

let accepted = 0;
app.post('/webhook', async (req, reply) => {
  const raw = req.body as string;
  const proto = String(req.headers['x-forwarded-proto'] ?? req.protocol)
    .split(',')[0]
    ?.trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host)
    .split(',')[0]
    ?.trim();
  const signature = req.headers['x-twilio-signature'];
  if (
    typeof signature !== 'string' ||
    !validateRequestWithBody(BENCH_ACCOUNT.authToken, signature, `${proto}://${host}${req.url}`, raw)
  ) {
    return reply.code(403).send({ error: 'invalid signature' });
  }
  const event = JSON.parse(raw) as { eventType?: unknown };
  if (typeof event.eventType !== 'string') return reply.code(400).send({ error: 'invalid event' });
  accepted++;
  return { status: 'ok' };
});

await app.listen({ host: '127.0.0.1', port: 0 });
serveRpc({ accepted: () => accepted }, () => app.close());
const address = app.server.address();
signalReady({ port: typeof address === 'object' && address ? address.port : 0 });
