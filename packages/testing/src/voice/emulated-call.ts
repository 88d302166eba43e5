import type { StudioExecution } from '../studio/studio-store.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { callListener } from '../util/listeners.ts';
import type {
  ConversationRelayClient,
  RelayEvents,
  RelayProtocolError,
  RelayReply,
} from './conversation-relay-client.ts';
import type { AppFrame } from './frames.ts';
import type { ConversationRelayTwiml, ParsedTwiml } from './twiml.ts';

/** How a call's ConversationRelay session ended (`await call.ended`). */
export interface CallEnd {
  /** `ended`: the app sent `end`; `completed`: the caller hung up; `failed`: the WebSocket failed or closed. */
  sessionStatus: 'ended' | 'completed' | 'failed';
  /** `CallStatus` posted in the action callback. */
  callStatus: 'in-progress' | 'completed';
  /** The `end` frame's `handoffData`, verbatim (posted as `HandoffData`). */
  handoffData?: string;
  closeCode?: number;
  closeReason?: string;
  /** `ErrorCode`/`ErrorMessage` for failed sessions. */
  errorCode?: string;
  errorMessage?: string;
  /** HTTP status of a rejected WebSocket upgrade (e.g. 403 for a bad signature). */
  upgradeStatus?: number;
  /** The app's answer to the `<Connect action>` callback, if there is an action. */
  callbackResponse?: { status?: number; body?: string; twiml?: ParsedTwiml };
  /** The form params posted to the action URL. */
  callbackParams?: Record<string, string>;
  /** When the action URL was a Studio Flow webhook: the execution it started. */
  studioExecution?: StudioExecution;
}

/** Events of {@link EmulatedCall.on} and what their listeners get. */
export interface CallEvents extends RelayEvents {
  /**
   * The call ended: the session is over and the `<Connect action>` callback (if
   * any) was answered; same value as `await call.ended`. Once; a listener added
   * afterwards is still called.
   */
  end: CallEnd;
}

/** @internal What the voice caller gives a call. */
export interface EmulatedCallInit {
  callSid: string;
  direction: 'inbound' | 'outbound-api';
  from: string;
  to: string;
  twiml: string;
  parsed: ParsedTwiml;
  conversationId?: string;
  client?: ConversationRelayClient;
  ended: Promise<CallEnd>;
  hangup: () => Promise<CallEnd>;
}

/**
 * One emulated phone call over ConversationRelay (`await emu.call()`): the
 * emulator is the caller; speak with `say`, barge in with `interrupt`, press
 * keys with `dtmf`, read what the app said with `nextReply`, and `hangup`.
 */
export class EmulatedCall {
  readonly callSid: string;
  readonly direction: 'inbound' | 'outbound-api';
  /** The caller's number (inbound) or TAC's number (outbound). */
  readonly from: string;
  readonly to: string;
  /** The TwiML the app returned, verbatim. */
  readonly twiml: string;
  /** The parsed `<Connect><ConversationRelay>`. */
  readonly conversationRelay: ConversationRelayTwiml;
  /** The Orchestrator conversation created for the call (orchestrated mode). */
  readonly conversationId: string | undefined;
  /** Resolves once the session ended and the action callback (if any) was answered. */
  readonly ended: Promise<CallEnd>;
  private readonly client: ConversationRelayClient | undefined;
  private readonly hangupFn: () => Promise<CallEnd>;

  constructor(init: EmulatedCallInit) {
    this.callSid = init.callSid;
    this.direction = init.direction;
    this.from = init.from;
    this.to = init.to;
    this.twiml = init.twiml;
    this.conversationRelay = init.parsed.conversationRelay as ConversationRelayTwiml;
    this.conversationId = init.conversationId;
    this.client = init.client;
    this.ended = init.ended;
    this.hangupFn = init.hangup;
  }

  /** `welcomeGreeting` from the TwiML (ConversationRelay plays it on answer). */
  get welcomeGreeting(): string | undefined {
    return this.conversationRelay.welcomeGreeting;
  }

  /** The `setup` message's `sessionId` (VX…), once connected. */
  get sessionId(): string | undefined {
    return this.client?.setup.sessionId;
  }

  /** True while the WebSocket is open. */
  get connected(): boolean {
    return this.client?.isOpen ?? false;
  }

  /** The ConversationRelay client under this call (for lower-level protocol tests). */
  get relay(): ConversationRelayClient {
    return this.requireClient();
  }

  /** Every frame the app sent (parsed). */
  get frames(): readonly (AppFrame | Record<string, unknown>)[] {
    return this.client?.frames ?? [];
  }

  /** Every completed talk cycle, interrupted ones included. */
  get replies(): readonly RelayReply[] {
    return this.client?.replies ?? [];
  }

  /** Invalid frames the app sent and the `error` each got. */
  get protocolErrors(): readonly RelayProtocolError[] {
    return this.client?.protocolErrors ?? [];
  }

  /** The caller speaks: partial prompts (`last:false`) then the final one. */
  say(text: string, options: { partials?: string[]; lang?: string } = {}): Promise<void> {
    return this.requireClient().say(text, options);
  }

  /** The next full reply (text tokens up to `last:true`), skipping interrupted ones. */
  nextReply(options: { timeoutMs?: number } = {}): Promise<RelayReply> {
    return this.requireClient().nextReply(options);
  }

  /** Barge in (see {@link ConversationRelayClient.interrupt}). */
  interrupt(
    options: { utteranceUntilInterrupt?: string; durationUntilInterruptMs?: number; force?: boolean } = {},
  ): Promise<void> {
    return this.requireClient().interrupt(options);
  }

  /** Press a key (needs `dtmfDetection="true"` in the TwiML unless `force`). */
  dtmf(digit: string, options: { force?: boolean } = {}): Promise<void> {
    return this.requireClient().dtmf(digit, options);
  }

  /** Send anything over the WebSocket (protocol tests). */
  sendRaw(data: string): void {
    this.requireClient().sendRaw(data);
  }

  /**
   * Listen to the call as it happens; returns the function that removes the listener.
   *
   * - `frame`: every valid frame the app sends, parsed, as it arrives (after it
   *   was added to `call.frames`). Frames sent before you subscribe are not
   *   replayed; pass `onFrame` to `emu.call()` to see every one.
   * - `invalidFrame`: every frame that breaks ConversationRelay's rules, with the `error` sent back.
   * - `close`: the WebSocket closed (`RelayClose`: code, reason, who closed it).
   * - `end`: the call ended and the action callback was answered ({@link CallEnd}).
   *
   * `close` and `end` happen once and reach listeners added after the fact too.
   * A call whose WebSocket never connected emits only `end`. A listener that
   * throws is reported as an uncaught exception; the call carries on.
   *
   * @example
   * ```ts
   * const stop = call.on('frame', (frame) => {
   *   if (frame.type === 'text') process.stdout.write(frame.token);
   * });
   * call.on('end', (end) => console.log(end.sessionStatus));
   * ```
   */
  on<E extends keyof CallEvents>(event: E, listener: (value: CallEvents[E]) => void): () => void {
    if (event === 'end') {
      let active = true;
      // `ended` never rejects in practice; a rejection has nothing to report to an `end` listener.
      this.ended.then(
        (end) => {
          if (active) callListener(listener as (value: CallEnd) => void, end);
        },
        () => {},
      );
      return () => {
        active = false;
      };
    }
    if (event !== 'frame' && event !== 'invalidFrame' && event !== 'close') {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `Unknown event "${String(event)}": use 'frame', 'invalidFrame', 'close' or 'end'`,
      );
    }
    // Never connected: no frames and no socket to close will ever come.
    if (!this.client) return () => {};
    return this.client.on(
      event as keyof RelayEvents,
      listener as (value: RelayEvents[keyof RelayEvents]) => void,
    );
  }

  /** Wait for a frame from the app matching `test`. */
  waitForFrame<F extends AppFrame = AppFrame>(
    test: (frame: AppFrame) => boolean,
    options: { timeoutMs?: number } = {},
  ): Promise<F> {
    return this.requireClient().waitForFrame<F>(test, options);
  }

  /** Hang up: close the WebSocket (1000) and post the action callback with `SessionStatus=completed`. */
  hangup(): Promise<CallEnd> {
    return this.hangupFn();
  }

  private requireClient(): ConversationRelayClient {
    if (!this.client) {
      throw new EmulatorError(
        EmulatorErrorCode.NOT_CONNECTED,
        `Call ${this.callSid} never connected its WebSocket; see \`await call.ended\` for why`,
      );
    }
    return this.client;
  }
}
