import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import WebSocket from 'ws';

/** A frame as the app sent it (parsed JSON). */
export type AppFrame = {
  type: string;
  token?: string;
  last?: boolean;
  handoffData?: string;
  [k: string]: unknown;
};

/** One spoken reply: tokens until `last: true`. */
export interface Reply {
  text: string;
  tokens: string[];
  frames: AppFrame[];
}

/** Options for {@link RelayClient.connect}. */
export interface ConnectOptions {
  /** Sign the upgrade with this token (default: sign nothing). */
  authToken?: string;
  /** Override the signature header value (e.g. a wrong one); `null` sends none. */
  signature?: string | null;
  /** URL to sign instead of the connect URL (proxy tests). */
  signedUrl?: string;
  headers?: Record<string, string>;
}

/**
 * A minimal ConversationRelay caller for tests: opens the signed WebSocket the
 * way Twilio does, sends `setup`/`prompt`/`interrupt`/`dtmf` frames and
 * collects what the app sends back.
 */
export class RelayClient {
  readonly ws: WebSocket;
  /** Every frame received, in order. */
  readonly frames: AppFrame[] = [];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as AppFrame);
      this.wake();
    });
  }

  /** Open a WebSocket, signed like ConversationRelay signs its upgrade (URL without query, query params as params). */
  static connect(url: string, options: ConnectOptions = {}): Promise<RelayClient> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.signature !== null) {
      if (options.signature !== undefined) headers['x-twilio-signature'] = options.signature;
      else if (options.authToken) {
        const signed = new URL(options.signedUrl ?? url);
        const params: Record<string, string> = {};
        for (const [k, v] of signed.searchParams) params[k] = v;
        const bare = `${signed.protocol}//${signed.host}${signed.pathname}`;
        headers['x-twilio-signature'] = getExpectedTwilioSignature(options.authToken, bare, params);
      }
    }
    const ws = new WebSocket(url, { headers });
    const client = new RelayClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string): void {
    this.ws.send(data);
  }

  setup(overrides: Record<string, unknown> = {}): void {
    this.send({
      type: 'setup',
      sessionId: 'VX00000000000000000000000000000001',
      accountSid: 'AC00000000000000000000000000000000',
      parentCallSid: '',
      callSid: 'CA00000000000000000000000000000001',
      from: '+15557654321',
      to: '+15550001111',
      forwardedFrom: '',
      callType: 'PSTN',
      callerName: '',
      direction: 'inbound',
      callStatus: 'RINGING',
      customParameters: {},
      ...overrides,
    });
  }

  prompt(voicePrompt: string, last = true): void {
    this.send({ type: 'prompt', voicePrompt, lang: 'en-US', last });
  }

  interrupt(utteranceUntilInterrupt: string, durationUntilInterruptMs: number | string = 400): void {
    this.send({ type: 'interrupt', utteranceUntilInterrupt, durationUntilInterruptMs });
  }

  dtmf(digit: string): void {
    this.send({ type: 'dtmf', digit });
  }

  /** The next frame not yet consumed by `nextFrame`/`reply`. */
  async nextFrame(timeoutMs = 5_000): Promise<AppFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.cursor >= this.frames.length) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.frames[this.cursor++] as AppFrame;
  }

  /** Collect `text` frames until one with `last: true`. */
  async reply(timeoutMs = 5_000): Promise<Reply> {
    const frames: AppFrame[] = [];
    while (true) {
      const frame = await this.nextFrame(timeoutMs);
      frames.push(frame);
      if (frame.type === 'text' && frame.last === true) break;
    }
    const tokens = frames.filter((f) => f.type === 'text' && f.token).map((f) => f.token as string);
    return { text: tokens.join(''), tokens, frames };
  }

  /** Close like a caller hanging up, and wait for the close to complete. */
  async hangup(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'caller hung up');
    await this.closed;
  }
}
