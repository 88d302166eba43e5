/**
 * Floor for the voice benchmarks: the ConversationRelay server a developer
 * would write by hand with plain `ws`, no TAC. It checks the upgrade's Twilio
 * signature (anything less would not be production code), answers `setup`,
 * streams the same stub model as the TAC server on a final `prompt`, and stops
 * it on `interrupt`. Frames are the same as TAC's: tokens with `last: false`,
 * then `{"token":"","last":true}`.
 *
 * Run by the orchestrator: `node bench/baselines/minimal-cr-server.ts --model=stub|endless`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';
import { endlessModel, stubModel, takeAbortLog } from '../stubs/stub-model.ts';

const args = childArgs();
const modelName = args.model ?? 'stub';

function signedUrl(req: IncomingMessage): { url: string; params: Record<string, string> } {
  const proto = String(req.headers['x-forwarded-proto'] ?? 'http')
    .split(',')[0]
    ?.trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '')
    .split(',')[0]
    ?.trim();
  const u = new URL(req.url ?? '/', 'http://localhost');
  return {
    url: `${proto === 'https' ? 'wss' : 'ws'}://${host}${u.pathname}`,
    params: Object.fromEntries(u.searchParams),
  };
}

interface Call {
  callSid: string;
  /** The running reply; cleared when it ends, so a new prompt aborts only what still runs. */
  controller: AbortController | undefined;
}

async function speak(ws: WebSocket, call: Call, signal: AbortSignal): Promise<void> {
  const tokens = modelName === 'endless' ? endlessModel(call.callSid, signal) : stubModel(signal);
  let sent = false;
  for await (const token of tokens) {
    if (signal.aborted) break;
    ws.send(JSON.stringify({ type: 'text', token, last: false }));
    sent = true;
  }
  // ConversationRelay waits for `last: true`; close the talk cycle even after a barge-in.
  if (sent && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'text', token: '', last: true }));
  if (call.controller?.signal === signal) call.controller = undefined;
}

const wss = new WebSocketServer({ noServer: true });
const server = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
let openCalls = 0;

server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  const { url, params } = signedUrl(req);
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || !validateRequest(BENCH_ACCOUNT.authToken, signature, url, params)) {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const call: Call = { callSid: '', controller: undefined };
    openCalls++;
    ws.on('message', (data) => {
      let msg: { type?: string; callSid?: string; last?: boolean };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg.type === 'setup') call.callSid = String(msg.callSid);
      else if (msg.type === 'prompt' && msg.last) {
        call.controller?.abort();
        const controller = new AbortController();
        call.controller = controller;
        speak(ws, call, controller.signal).catch(() => {});
      } else if (msg.type === 'interrupt') {
        call.controller?.abort();
      }
    });
    ws.on('close', () => {
      openCalls--;
      call.controller?.abort();
    });
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  serveRpc(
    { aborts: () => takeAbortLog(), openCalls: () => openCalls },
    () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        server.close(() => resolve());
      }),
  );
  signalReady({ port: typeof address === 'object' && address ? address.port : 0, path: '/ws' });
});
