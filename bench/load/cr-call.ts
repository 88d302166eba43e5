import { WebSocket } from 'ws';
import { newCallSid, setupFrame, signWebSocketUpgrade } from '../lib/twilio-fixtures.ts';

/**
 * One simulated ConversationRelay call: a signed WebSocket upgrade, then
 * `setup`, as Twilio opens it. Frames from the server are handed raw to
 * `onFrame` (the load generator only looks for `"last":true`, so it never
 * spends its core parsing JSON).
 */
export class CrCall {
  readonly callSid = newCallSid();
  readonly ws: WebSocket;
  onFrame: (data: Buffer) => void = () => {};
  onClose: () => void = () => {};
  private readonly opened: Promise<void>;

  /** `url` is the server's `ws://127.0.0.1:port/ws`; the signature covers its `wss://` form, as behind TLS. */
  constructor(url: string) {
    const wss = url.replace(/^ws:/, 'wss:');
    this.ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      headers: { 'x-forwarded-proto': 'https', 'x-twilio-signature': signWebSocketUpgrade(wss) },
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        this.ws.send(setupFrame(this.callSid));
        resolve();
      });
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
      );
    });
    this.opened.catch(() => {});
    this.ws.on('message', (data: Buffer) => this.onFrame(data));
    this.ws.on('close', () => this.onClose());
  }

  /** Resolves once the socket is open and `setup` was sent. */
  ready(): Promise<void> {
    return this.opened;
  }

  send(frame: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Hang up (close 1000) and wait for the socket to close. */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2_000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close(1000);
    });
  }
}

const LAST_TRUE = Buffer.from('"last":true');
const TEXT_TYPE = Buffer.from('"type":"text"');

/** True when a server frame ends the talk cycle (`"last":true`). */
export function isLastFrame(data: Buffer): boolean {
  return data.includes(LAST_TRUE);
}

/** True for a `text` frame. */
export function isTextFrame(data: Buffer): boolean {
  return data.includes(TEXT_TYPE);
}

/** Open `count` calls, at most `parallel` handshakes at a time. Failures are counted, not thrown. */
export async function openCalls(
  url: string,
  count: number,
  parallel = 200,
): Promise<{ calls: CrCall[]; failed: number; firstError?: string }> {
  const calls: CrCall[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      next++;
      const call = new CrCall(url);
      try {
        await call.ready();
        calls.push(call);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
        call.ws.terminate();
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return { calls, failed, firstError };
}
