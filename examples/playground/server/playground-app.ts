import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { LiveHub } from './live-hub.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The page's files; read on each request so edits show on reload. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/**
 * The playground's web server: the static page and `WS /api/live`, which
 * hands each page to the {@link LiveHub}. `GET /api/info` returns the same
 * data the page gets first (mode, agent, URLs), for scripts and tests.
 */
export async function createPlaygroundApp(options: {
  hub: LiveHub;
  info: () => unknown;
  logger: FastifyBaseLogger;
}): Promise<FastifyInstance> {
  // Ctrl-C must stop the playground even while a browser holds a connection open.
  const app = Fastify({ loggerInstance: options.logger, forceCloseConnections: true });
  await app.register(websocket);

  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, async (_req, reply) => {
      const body = await readFile(`${PUBLIC_DIR}${asset.file}`);
      return reply.type(asset.type).header('cache-control', 'no-store').send(body);
    });
  }

  app.get('/api/info', async () => options.info());

  app.get('/api/live', { websocket: true }, (socket, req) => {
    // Only pages served by this playground may drive it (another site open in the browser must not).
    const origin = req.headers.origin;
    // Browsers send `Origin: null` from sandboxed frames and file:// pages: no origin to trust either.
    if (origin && URL.parse(origin)?.host !== req.headers.host) {
      socket.close(1008, 'Cross-origin connections are not allowed');
      return;
    }
    options.hub.attach(socket);
  });

  return app;
}
