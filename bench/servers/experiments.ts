import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { VoiceChannel } from '@tac/core';
import type { WebSocket } from 'ws';

/**
 * Candidate hot-path fixes, tried from the outside before anyone edits core:
 * `npm run bench -- --experiment=<name>` applies them to our server only, so
 * a proposal comes with its measured before/after.
 */
export const EXPERIMENTS = ['cork', 'no-turn-timeout', 'http-agent'] as const;
/** One of {@link EXPERIMENTS}. */
export type Experiment = (typeof EXPERIMENTS)[number];

/**
 * `cork`: batch the frames of a burst into one socket write. The first frame
 * after a quiet moment goes out at once (first-token latency is untouched);
 * then the TCP socket is corked and a `process.nextTick` uncorks it, which
 * runs only once the current chain of promise reactions is done, so a model
 * that yields 20 tokens in one go costs two writes instead of 21, and a model
 * whose tokens arrive over the network still gets each one out in the tick it
 * arrived. (ws corks each frame itself; corks nest.)
 */
function corkBursts(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  if (!socket) return;
  const send = ws.send.bind(ws);
  let batching = false;
  ws.send = ((...args: Parameters<WebSocket['send']>) => {
    if (batching) return send(...args);
    send(...args);
    batching = true;
    socket.cork();
    process.nextTick(() => {
      batching = false;
      socket.uncork();
    });
  }) as WebSocket['send'];
}

/**
 * `no-turn-timeout`: `turnTimeoutMs: 0`, so `runTurn` creates no
 * `AbortSignal.timeout` + `AbortSignal.any` per turn. Not a fix (the timeout
 * is a feature); it prices what that pair costs, which is what replacing it
 * with one `setTimeout`/`clearTimeout` per turn would save.
 */
export function tacOptionsFor(experiments: readonly Experiment[]): { turnTimeoutMs?: number } {
  return experiments.includes('no-turn-timeout') ? { turnTimeoutMs: 0 } : {};
}

/**
 * `http-agent`: TAC's REST client (`TwilioHttpClient`) through a fetch-shaped
 * function on `node:http(s)` with a keep-alive agent, instead of the global
 * `fetch` (undici + WHATWG streams, several hundred µs of CPU per request on
 * this machine). Uses the client's public `fetch` option; nothing else changes.
 */
export function httpOptionsFor(experiments: readonly Experiment[]): { fetch?: typeof fetch } {
  return experiments.includes('http-agent') ? { fetch: agentFetch() } : {};
}

function agentFetch(): typeof fetch {
  const agents = { http: new Agent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input));
      const secure = url.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string>,
          agent: secure ? agents.https : agents.http,
          signal: init.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            const headers = {
              get: (name: string) => {
                const v = res.headers[name.toLowerCase()];
                return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
              },
              forEach: (cb: (value: string, key: string) => void) => {
                for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) cb(String(v), k);
              },
            };
            resolve({
              ok: status >= 200 && status < 300,
              status,
              headers,
              text: async () => text,
            } as Response);
          });
        },
      );
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    })) as typeof fetch;
}

/** Apply `experiments` to a voice channel before the server starts. */
export function applyExperiments(voice: VoiceChannel | undefined, experiments: readonly Experiment[]): void {
  if (voice && experiments.includes('cork')) {
    const handle = voice.handleWebSocket.bind(voice);
    voice.handleWebSocket = (ws, meta) => {
      corkBursts(ws);
      return handle(ws, meta);
    };
  }
}

/** Parse `--experiment=a,b`; unknown names fail loudly rather than measure nothing. */
export function parseExperiments(value: string | undefined): Experiment[] {
  if (!value) return [];
  return value.split(',').map((name) => {
    if (!(EXPERIMENTS as readonly string[]).includes(name)) {
      throw new Error(`Unknown experiment "${name}". Known: ${EXPERIMENTS.join(', ')}`);
    }
    return name as Experiment;
  });
}
