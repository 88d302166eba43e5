import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

/** What a {@link HoldingApp} can keep waiting. */
export type Holdable = 'twiml' | 'webhook' | 'upgrade';

/** A request the holding app has not answered yet. */
export interface HeldRequest {
  kind: Holdable;
  /** The connection it came on; destroyed when the emulator gives up on it. */
  socket: Duplex;
  /** Answer it now (TwiML for /twiml, 200 for /webhook, the 101 for an upgrade). */
  release(): void;
}

/** The holding app's handle. */
export interface HoldingApp {
  url: string;
  /** The next held request (ones held already come first). */
  nextHeld(): Promise<HeldRequest>;
  /** Messages received on accepted WebSockets (e.g. `setup`). */
  messages: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * An app that keeps chosen requests waiting until the test releases them, so
 * `emu.stop()` can land while the emulator waits on the app. Answers the rest
 * at once: TwiML with a ConversationRelay back to itself, 200 elsewhere.
 */
export async function startHoldingApp(hold: Holdable[]): Promise<HoldingApp> {
  const held: HeldRequest[] = [];
  const waiters: ((request: HeldRequest) => void)[] = [];
  const sockets = new Set<Duplex>();
  const messages: Record<string, unknown>[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const arrive = (request: HeldRequest) => {
    const waiter = waiters.shift();
    if (waiter) waiter(request);
    else held.push(request);
  };
  const server = http.createServer((req, res) => {
    req.resume();
    const kind: Holdable = req.url?.startsWith('/twiml') ? 'twiml' : 'webhook';
    const answer = () => {
      if (kind === 'twiml') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          `<Response><Connect><ConversationRelay url="ws://${req.headers.host}/ws"/></Connect></Response>`,
        );
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
    };
    if (hold.includes(kind)) arrive({ kind, socket: req.socket, release: answer });
    else answer();
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    sockets.add(socket);
    const accept = () =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
      });
    if (hold.includes('upgrade')) arrive({ kind: 'upgrade', socket, release: accept });
    else accept();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    nextHeld: () => {
      const first = held.shift();
      return first ? Promise.resolve(first) : new Promise((resolve) => waiters.push(resolve));
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      // Upgraded sockets are not the server's any more: close() would wait for them.
      for (const socket of sockets) socket.destroy();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
