/**
 * The Twilio REST side of the messaging benchmarks: answers what TAC calls
 * (Orchestrator configuration, participants, communications, Actions) with
 * minimal valid JSON and counts the replies TAC sends (`POST …/Actions`), so
 * the orchestrator can tell how many turns completed. Not an emulator: no
 * state, no validation, as cheap as possible, on the load generator's core.
 */
import { createServer } from 'node:http';
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { monoMs } from '../lib/clock.ts';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';

childArgs();
let actions = 0;
let firstActionAt = 0;
let lastActionAt = 0;
const routes = new Map<string, number>();
let actionSeq = 0;

function routeOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/(conv_conversation|comms_)[^/?]*/g, '/{id}').replace(/\?.*$/, '')}`;
}

const agent = {
  id: 'comms_participant_agent',
  type: 'AI_AGENT',
  addresses: [{ channel: 'SMS', address: BENCH_ACCOUNT.phoneNumber }],
};

const server = createServer((req, res) => {
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const route = routeOf(method, path);
  routes.set(route, (routes.get(route) ?? 0) + 1);
  req.resume();
  req.on('end', () => {
    let status = 200;
    let body: unknown = {};
    const conv = /\/v2\/Conversations\/([^/?]+)/.exec(path)?.[1];
    if (path.startsWith('/v2/ControlPlane/Configurations/')) {
      body = { id: BENCH_ACCOUNT.conversationConfigurationId, displayName: 'bench' };
    } else if (conv && path.includes('/Actions') && method === 'POST') {
      actions++;
      const t = monoMs();
      if (!firstActionAt) firstActionAt = t;
      lastActionAt = t;
      status = 202;
      body = {
        id: `comms_action_${String(++actionSeq).padStart(26, '0')}`,
        type: 'SEND_MESSAGE',
        status: 'QUEUED',
        conversationId: conv,
        createdAt: new Date().toISOString(),
      };
    } else if (conv && path.includes('/Participants')) {
      body =
        method === 'GET'
          ? { participants: [agent] }
          : { id: `comms_participant_${actionSeq}`, type: 'CUSTOMER', addresses: [] };
      if (method === 'POST') status = 201;
    } else if (conv && path.includes('/Communications')) {
      body = { communications: [] };
    } else if (conv) {
      body = { id: conv, status: 'ACTIVE', configurationId: BENCH_ACCOUNT.conversationConfigurationId };
    }
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  serveRpc(
    {
      stats: () => ({
        actions,
        firstActionAt,
        lastActionAt,
        routes: Object.fromEntries(routes),
        at: monoMs(),
      }),
      reset: () => {
        actions = 0;
        firstActionAt = 0;
        lastActionAt = 0;
        routes.clear();
        return true;
      },
    },
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
  signalReady({ port: typeof address === 'object' && address ? address.port : 0 });
});
