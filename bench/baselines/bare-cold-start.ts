/**
 * Floor for cold start: the bare server a developer would write with the same
 * stack as TAC (fastify + @fastify/websocket + @fastify/formbody + twilio):
 * `POST /twiml`, `WS /ws` and `POST /webhook`, each signature-checked.
 * `--twilio=full` imports the whole `twilio` package (as most apps do);
 * `--twilio=webhooks` only its webhooks module (the lean floor).
 */
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';

const args = childArgs();
type Webhooks = Pick<
  typeof import('twilio/lib/webhooks/webhooks.js'),
  'validateRequest' | 'validateRequestWithBody'
>;
let webhooks: Webhooks;
let twimlFor: (wsUrl: string) => string;
if (args.twilio === 'full') {
  const twilio = (await import('twilio')).default;
  webhooks = twilio as unknown as Webhooks;
  twimlFor = (url) => {
    const response = new twilio.twiml.VoiceResponse();
    response.connect().conversationRelay({ url });
    return response.toString();
  };
} else {
  webhooks = await import('twilio/lib/webhooks/webhooks.js');
  twimlFor = (url) =>
    `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><ConversationRelay url="${url}"/></Connect></Response>`;
}

const app = Fastify({ logger: false });
await app.register(formbody);
await app.register(websocket);
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
const token = BENCH_ACCOUNT.authToken;
const origin = (headers: Record<string, string | string[] | undefined>) =>
  `${headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${headers.host}`;

app.post('/twiml', async (req, reply) => {
  const ok = webhooks.validateRequest(
    token,
    String(req.headers['x-twilio-signature']),
    `${origin(req.headers)}${req.url}`,
    req.body as Record<string, string>,
  );
  if (!ok) return reply.code(403).send();
  return reply.type('text/xml').send(twimlFor(`wss://${req.headers.host}/ws`));
});
app.post('/webhook', async (req, reply) => {
  const ok = webhooks.validateRequestWithBody(
    token,
    String(req.headers['x-twilio-signature']),
    `${origin(req.headers)}${req.url}`,
    req.body as string,
  );
  if (!ok) return reply.code(403).send();
  JSON.parse(req.body as string);
  return { status: 'ok' };
});
app.get('/ws', { websocket: true }, (socket, req) => {
  const ok = webhooks.validateRequest(
    token,
    String(req.headers['x-twilio-signature']),
    `wss://${req.headers.host}/ws`,
    {},
  );
  if (!ok) {
    socket.close(1008, 'Invalid signature');
    return;
  }
  socket.on('message', () => {});
});

await app.listen({ host: '127.0.0.1', port: 0 });
serveRpc({}, () => app.close());
const address = app.server.address();
signalReady({ port: typeof address === 'object' && address ? address.port : 0 });
