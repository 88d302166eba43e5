import { WebSocket } from 'ws';
import { AsyncQueue } from '../util/async-queue.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { newId, randomPhone } from '../util/ids.ts';
import { callListener, Listeners } from '../util/listeners.ts';
import { signWebSocketUpgrade } from '../webhooks/signature.ts';
import { resolveTarget } from '../webhooks/tunnel.ts';
import { type AppFrame, checkAppFrame, type SetupMessage, type TextFrame } from './frames.ts';
import type { InterruptMode } from './twiml.ts';

/** A complete talk cycle from the app: `text` tokens up to `last: true`. */
export interface RelayReply {
  /** Tokens joined exactly as sent (no trimming). */
  text: string;
  tokens: string[];
  /** True when the caller barged in during this cycle; such replies are not returned by `nextReply()`. */
  interrupted: boolean;
}

/** How and why the WebSocket closed. */
export interface RelayClose {
  code: number;
  reason: string;
  /** `caller` when the ConversationRelay side closed (hang-up, `end`, protocol violation), `app` otherwise. */
  initiator: 'caller' | 'app';
  /** The `end` frame, when the app ended the session. */
  endFrame?: { handoffData?: string };
}

/** An invalid frame and the `error` sent back for it. */
export interface RelayProtocolError {
  raw: string;
  reason: string;
  description: string;
}

/** Options of {@link ConversationRelayClient.connect}. */
export interface ConversationRelayClientOptions {
  /** The WebSocket URL as it appears in TwiML (`wss://host/path`); the signature is computed over it. */
  url: string;
  /** Auth token that signs the upgrade (`X-Twilio-Signature`). Omit to send no signature. */
  authToken?: string;
  /** Where to connect if different from `url` (see `resolveTarget`). */
  target?: string;
  /** Extra upgrade headers (e.g. `X-Forwarded-*`). */
  headers?: Record<string, string>;
  /** Fields of the `setup` message; the rest get documented-looking defaults. */
  setup?: Partial<Omit<SetupMessage, 'type'>>;
  /** Language of prompts. @defaultValue en-US */
  language?: string;
  /** As `dtmfDetection` in TwiML: without it `dtmf()` refuses (Twilio would not send keypresses). @defaultValue true */
  dtmfDetection?: boolean;
  /** As `interruptible` in TwiML. @defaultValue any */
  interruptible?: InterruptMode;
  /** Consecutive invalid frames before closing with 1007. @defaultValue 10 */
  maxConsecutiveInvalid?: number;
  /** @defaultValue 5000 */
  connectTimeoutMs?: number;
  /**
   * Abandons the connection: once aborted, `connect()` terminates the socket
   * (whether the upgrade is still pending or just completed), never sends
   * `setup`, and rejects with the signal's reason.
   */
  signal?: AbortSignal;
  /** Called with every final prompt sent (for transcripts). */
  onPrompt?: (text: string) => void;
  /** Called with every completed talk cycle. */
  onReply?: (reply: RelayReply) => void;
  /**
   * Called with every valid frame the app sends, as it arrives (parsed). Set
   * here, it is in place before `setup` goes out, so no frame can be missed.
   * Same as `on('frame', …)`.
   */
  onFrame?: (frame: AppFrame) => void;
}

/** Events of {@link ConversationRelayClient.on} and what their listeners get. */
export interface RelayEvents {
  /** Every valid frame the app sends, parsed, as it arrives (after it was recorded in `frames`). */
  frame: AppFrame;
  /** Every invalid frame the app sends, with the `error` sent back for it. */
  invalidFrame: RelayProtocolError;
  /** The WebSocket closed (once; a listener added afterwards is still called). */
  close: RelayClose;
}

interface Cycle {
  tokens: string[];
  interrupted: boolean;
  interruptible: boolean;
}

/**
 * Dial a ConversationRelay WebSocket server as Twilio does: a signed upgrade,
 * `setup`, then `prompt`/`interrupt`/`dtmf` frames; the app's frames are
 * validated with ConversationRelay's rules (an `error` frame for each invalid
 * one, close 1007 after ten in a row) and its `text` tokens are collected into
 * replies. Works against any server, not only TAC apps.
 *
 * @example
 * ```ts
 * const relay = await ConversationRelayClient.connect({ url: 'ws://127.0.0.1:8000/ws', authToken });
 * await relay.say('What are your hours?');
 * const { text } = await relay.nextReply();
 * await relay.close();
 * ```
 */
export class ConversationRelayClient {
  /** The `setup` message that was sent. */
  readonly setup: SetupMessage;
  /** Every frame the app sent, parsed (invalid JSON kept as `{ raw }`). */
  readonly frames: (AppFrame | Record<string, unknown>)[] = [];
  /** Every completed talk cycle, interrupted ones included. */
  readonly replies: RelayReply[] = [];
  /** Every invalid frame and the error sent back. */
  readonly protocolErrors: RelayProtocolError[] = [];
  /** Resolves once the WebSocket is closed. */
  readonly closed: Promise<RelayClose>;
  /** Language of prompts; changed by the app's `language` frames. */
  language: string;

  private readonly ws: WebSocket;
  private readonly options: ConversationRelayClientOptions;
  private readonly replyQueue: AsyncQueue<RelayReply>;
  private readonly frameWaiters = new Set<{
    test: (f: AppFrame) => boolean;
    resolve: (f: AppFrame) => void;
  }>();
  private cycle: Cycle | undefined;
  private invalidStreak = 0;
  private endFrame: { handoffData?: string } | undefined;
  private closingByCaller = false;
  private readonly frameListeners = new Listeners<AppFrame>();
  private readonly invalidFrameListeners = new Listeners<RelayProtocolError>();

  private constructor(ws: WebSocket, setup: SetupMessage, options: ConversationRelayClientOptions) {
    this.ws = ws;
    this.setup = setup;
    this.options = options;
    this.language = options.language ?? 'en-US';
    if (options.onFrame) this.frameListeners.add(options.onFrame);
    this.replyQueue = new AsyncQueue(`a reply (text with last:true) on call ${setup.callSid}`);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        const close: RelayClose = {
          code,
          reason: reason.toString(),
          initiator: this.closingByCaller ? 'caller' : 'app',
          ...(this.endFrame ? { endFrame: this.endFrame } : {}),
        };
        this.replyQueue.close(
          new EmulatorError(
            EmulatorErrorCode.NOT_CONNECTED,
            `The call's WebSocket closed (${code} ${close.reason})`.trim(),
            {
              context: { ...close },
            },
          ),
        );
        resolve(close);
      });
    });
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? '' : data.toString()));
  }

  /**
   * Open the WebSocket (signed upgrade) and send `setup`. Rejects with
   * `EMU_ERR_APP` when the upgrade fails; `context.upgradeStatus` holds the
   * HTTP status (e.g. 403 for a rejected signature).
   */
  static async connect(options: ConversationRelayClientOptions): Promise<ConversationRelayClient> {
    const resolved = options.target
      ? { target: options.target, headers: {} }
      : resolveTarget(options.url, undefined);
    const headers: Record<string, string> = { ...resolved.headers, ...options.headers };
    if (options.authToken)
      headers['x-twilio-signature'] = signWebSocketUpgrade(options.authToken, options.url);
    const signal = options.signal;
    signal?.throwIfAborted();
    const ws = new WebSocket(resolved.target, {
      headers,
      handshakeTimeout: options.connectTimeoutMs ?? 5000,
    });
    const drop = () => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    };
    await new Promise<void>((resolve, reject) => {
      const aborted = () => {
        drop();
        reject(signal?.reason);
      };
      const failed = (message: string, context: Record<string, unknown>) => {
        signal?.removeEventListener('abort', aborted);
        drop();
        reject(
          new EmulatorError(EmulatorErrorCode.APP, message, { context: { url: options.url, ...context } }),
        );
      };
      signal?.addEventListener('abort', aborted, { once: true });
      ws.once('open', () => {
        signal?.removeEventListener('abort', aborted);
        ws.removeAllListeners();
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => {
        failed(`WebSocket upgrade to ${options.url} was rejected with HTTP ${res.statusCode}`, {
          upgradeStatus: res.statusCode,
        });
      });
      ws.once('error', (error) =>
        failed(`WebSocket connection to ${options.url} failed: ${error.message}`, {}),
      );
    });
    // The abort may land between 'open' and this continuation; `setup` must not go out after it.
    if (signal?.aborted) {
      drop();
      throw signal.reason;
    }
    ws.on('error', () => {});
    const setup: SetupMessage = {
      type: 'setup',
      sessionId: options.setup?.sessionId ?? newId.session(),
      accountSid: options.setup?.accountSid ?? `AC${'0'.repeat(32)}`,
      parentCallSid: options.setup?.parentCallSid ?? '',
      callSid: options.setup?.callSid ?? newId.call(),
      from: options.setup?.from ?? randomPhone(),
      to: options.setup?.to ?? randomPhone(),
      forwardedFrom: options.setup?.forwardedFrom ?? '',
      callType: options.setup?.callType ?? 'PSTN',
      callerName: options.setup?.callerName ?? '',
      direction: options.setup?.direction ?? 'inbound',
      callStatus: options.setup?.callStatus ?? 'RINGING',
      customParameters: options.setup?.customParameters ?? {},
    };
    const client = new ConversationRelayClient(ws, setup, options);
    client.send(setup);
    return client;
  }

  /** True while the WebSocket is open. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Listen to the session: `frame` for every valid frame the app sends (as it
   * arrives), `invalidFrame` for each invalid one, `close` when the WebSocket
   * closes. Returns the function that removes the listener. A listener that
   * throws is reported as an uncaught exception; the frame is recorded anyway.
   *
   * @example
   * ```ts
   * const stop = relay.on('frame', (frame) => {
   *   if (frame.type === 'text') process.stdout.write(frame.token);
   * });
   * ```
   */
  on<E extends keyof RelayEvents>(event: E, listener: (value: RelayEvents[E]) => void): () => void {
    switch (event) {
      case 'frame':
        return this.frameListeners.add(listener as (value: AppFrame) => void);
      case 'invalidFrame':
        return this.invalidFrameListeners.add(listener as (value: RelayProtocolError) => void);
      case 'close': {
        let active = true;
        void this.closed.then((close) => {
          if (active) callListener(listener as (value: RelayClose) => void, close);
        });
        return () => {
          active = false;
        };
      }
      default:
        throw new EmulatorError(
          EmulatorErrorCode.INVALID_OPTIONS,
          `Unknown event "${String(event)}": use 'frame', 'invalidFrame' or 'close'`,
        );
    }
  }

  /** Send a `prompt` frame. */
  prompt(voicePrompt: string, options: { last?: boolean; lang?: string } = {}): void {
    const last = options.last ?? true;
    if (last) this.closeInterruptedCycle();
    this.send({ type: 'prompt', voicePrompt, lang: options.lang ?? this.language, last });
    if (last) this.options.onPrompt?.(voicePrompt);
  }

  /**
   * The caller says something: optional partial prompts (`last: false`, each
   * the whole utterance so far) then the final one.
   */
  async say(text: string, options: { partials?: string[]; lang?: string } = {}): Promise<void> {
    for (const partial of options.partials ?? []) this.prompt(partial, { last: false, lang: options.lang });
    this.prompt(text, { last: true, lang: options.lang });
  }

  /** The next complete, not interrupted talk cycle from the app. */
  nextReply(options: { timeoutMs?: number } = {}): Promise<RelayReply> {
    return this.replyQueue.next(options.timeoutMs ?? 5000);
  }

  /**
   * The caller barges in. Defaults: `utteranceUntilInterrupt` = the tokens of
   * the current cycle heard so far, duration estimated at 400 ms a word.
   * Refuses (as Twilio would not interrupt) when `interruptible` is `none` or
   * `dtmf`, or the current `text` was sent with `interruptible: false`, unless `force`.
   */
  async interrupt(
    options: { utteranceUntilInterrupt?: string; durationUntilInterruptMs?: number; force?: boolean } = {},
  ): Promise<void> {
    const mode = this.options.interruptible ?? 'any';
    if (!options.force && (mode === 'none' || mode === 'dtmf')) {
      throw new EmulatorError(
        EmulatorErrorCode.UNSUPPORTED,
        `The TwiML sets interruptible="${mode}", so ConversationRelay would not let speech interrupt. Pass { force: true } to send it anyway.`,
      );
    }
    if (!options.force && this.cycle && !this.cycle.interruptible) {
      throw new EmulatorError(
        EmulatorErrorCode.UNSUPPORTED,
        'The text being played was sent with interruptible:false, so ConversationRelay would not interrupt it. Pass { force: true } to send it anyway.',
      );
    }
    const heard = this.cycle?.tokens.join('') ?? '';
    const utterance = options.utteranceUntilInterrupt ?? heard;
    const words = utterance.split(/\s+/).filter(Boolean).length;
    if (this.cycle) this.cycle.interrupted = true;
    else this.cycle = { tokens: [], interrupted: true, interruptible: true };
    this.send({
      type: 'interrupt',
      utteranceUntilInterrupt: utterance,
      durationUntilInterruptMs: options.durationUntilInterruptMs ?? words * 400,
    });
  }

  /** The caller presses a key. Refuses without `dtmfDetection` (Twilio would not send it) unless `force`. */
  async dtmf(digit: string, options: { force?: boolean } = {}): Promise<void> {
    if (!/^[0-9*#A-D]$/.test(digit)) {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `dtmf digit must be one of 0-9, *, #, A-D; got "${digit}"`,
      );
    }
    if (!options.force && this.options.dtmfDetection === false) {
      throw new EmulatorError(
        EmulatorErrorCode.UNSUPPORTED,
        'The TwiML does not set dtmfDetection="true", so ConversationRelay would not send keypresses. Pass { force: true } to send it anyway.',
      );
    }
    this.send({ type: 'dtmf', digit });
  }

  /** Send anything (protocol tests). */
  sendRaw(data: string): void {
    this.assertOpen();
    this.ws.send(data);
  }

  /** Send a message object as JSON. */
  send(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** Wait for a frame from the app matching `test` (frames already received count). */
  waitForFrame<F extends AppFrame = AppFrame>(
    test: (frame: AppFrame) => boolean,
    options: { timeoutMs?: number } = {},
  ): Promise<F> {
    const seen = this.frames.find((f) => typeof f['type'] === 'string' && test(f as AppFrame));
    if (seen) return Promise.resolve(seen as F);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<F>((resolve, reject) => {
      const waiter = {
        test,
        resolve: (f: AppFrame) => {
          clearTimeout(timer);
          resolve(f as F);
        },
      };
      const timer = setTimeout(() => {
        this.frameWaiters.delete(waiter);
        reject(
          new EmulatorError(
            EmulatorErrorCode.TIMEOUT,
            `Timed out after ${timeoutMs} ms waiting for a frame from the app`,
          ),
        );
      }, timeoutMs);
      this.frameWaiters.add(waiter);
    });
  }

  /** Close from the caller's side (a hang-up): 1000 by default. Resolves once closed. */
  async close(code = 1000, reason = 'Closing websocket session'): Promise<RelayClose> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.closingByCaller = true;
      this.ws.close(code, reason);
    }
    return this.closed;
  }

  /** Drop the connection without a close handshake (emulator shutdown). */
  terminate(): void {
    this.closingByCaller = true;
    this.ws.terminate();
  }

  private assertOpen(): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      throw new EmulatorError(EmulatorErrorCode.NOT_CONNECTED, `Call ${this.setup.callSid} is not connected`);
    }
  }

  private closeInterruptedCycle(): void {
    if (this.cycle?.interrupted) this.finishCycle();
  }

  private finishCycle(): void {
    const cycle = this.cycle;
    if (!cycle) return;
    this.cycle = undefined;
    const reply: RelayReply = {
      text: cycle.tokens.join(''),
      tokens: cycle.tokens,
      interrupted: cycle.interrupted,
    };
    this.replies.push(reply);
    this.options.onReply?.(reply);
    if (!reply.interrupted) this.replyQueue.push(reply);
  }

  private onFrame(raw: string): void {
    const result = checkAppFrame(raw);
    if (!result.ok) {
      this.frames.push(
        result.parsed && typeof result.parsed === 'object'
          ? (result.parsed as Record<string, unknown>)
          : { raw },
      );
      const description = `Invalid message received: ${raw}`;
      const protocolError = { raw, reason: result.reason, description };
      this.protocolErrors.push(protocolError);
      this.invalidStreak += 1;
      this.invalidFrameListeners.emit(protocolError);
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.send({ type: 'error', description });
      if (this.invalidStreak >= (this.options.maxConsecutiveInvalid ?? 10)) {
        void this.close(1007, 'Too many consecutive malformed messages');
      }
      return;
    }
    this.invalidStreak = 0;
    const frame = result.frame;
    this.frames.push(frame);
    switch (frame.type) {
      case 'text':
        this.onText(frame);
        break;
      case 'language':
        if (frame.transcriptionLanguage) this.language = frame.transcriptionLanguage;
        break;
      case 'end':
        this.endFrame = frame.handoffData === undefined ? {} : { handoffData: frame.handoffData };
        void this.close(1000, 'Closing websocket session');
        break;
      default:
        break;
    }
    this.frameListeners.emit(frame);
    for (const waiter of [...this.frameWaiters]) {
      if (waiter.test(frame)) {
        this.frameWaiters.delete(waiter);
        waiter.resolve(frame);
      }
    }
  }

  private onText(frame: TextFrame): void {
    if (!this.cycle) this.cycle = { tokens: [], interrupted: false, interruptible: true };
    if (frame.token !== '') this.cycle.tokens.push(frame.token);
    if (frame.interruptible !== undefined) this.cycle.interruptible = frame.interruptible;
    if (frame.last) this.finishCycle();
  }
}
