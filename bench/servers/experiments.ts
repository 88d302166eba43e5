import type { Socket } from 'node:net';
import type { VoiceChannel } from '@tac/core';
import type { WebSocket } from 'ws';

/**
 * Candidate hot-path fixes, tried from the outside before anyone edits core:
 * `npm run bench -- --experiment=<name>` applies them to our server only, so
 * a proposal comes with its measured before/after.
 */
export const EXPERIMENTS = ['cork', 'no-turn-timeout'] as const;
/** One of {@link EXPERIMENTS}. */
export type Experiment = (typeof EXPERIMENTS)[number];

/**
 * `cork`: batch the frames a reply produces in one go into one socket write.
 * The first `send` of a burst corks the TCP socket and a `process.nextTick`
 * uncorks it, which runs only once the current chain of promise reactions is
 * done, so a model that yields 20 tokens at once costs one `writev` instead of
 * 21; a model whose tokens arrive over the network still gets each token out in
 * the same tick it arrived. (ws corks per frame itself; corks nest.)
 */
function corkBursts(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  if (!socket) return;
  const send = ws.send.bind(ws);
  let corked = false;
  ws.send = ((...args: Parameters<WebSocket['send']>) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(...args);
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
