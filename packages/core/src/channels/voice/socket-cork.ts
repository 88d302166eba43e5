import type { WebSocket } from 'ws';

/** The part of a `net.Socket` that batching needs. */
export interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

/**
 * The TCP socket under a `ws` WebSocket, so a burst of frames can be corked
 * into one write. `ws` keeps it in its internal `_socket` field (public API
 * has no accessor); this is the only place that reaches for it. Undefined when
 * it is absent or not a stream (another WebSocket implementation, a test
 * double): frames then simply go out one write each, as `ws.send` does.
 */
export function corkableSocketOf(ws: WebSocket): CorkableSocket | undefined {
  const socket = (ws as unknown as { _socket?: Partial<CorkableSocket> | null })._socket;
  return socket && typeof socket.cork === 'function' && typeof socket.uncork === 'function'
    ? (socket as CorkableSocket)
    : undefined;
}
