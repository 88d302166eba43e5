import type { WebSocket } from 'ws';
import { z } from 'zod';
import { settleWithin } from '../../async/abortable.ts';
import { type CallOptions, CallsClient } from '../../calls/index.ts';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import type { ConversationSession } from '../../session/index.ts';
import type { TAC } from '../../tac.ts';
import type { ConversationEndReason } from '../../turn/handlers.ts';
import type { Channel, OrchestratorEvent, SendResponseOptions } from '../channel.ts';
import type { MemoryMode } from '../channel-type.ts';
import {
  type AmdEvent,
  type CallStatusEvent,
  type InboundCallRequest,
  parseAmdEvent,
  parseCallStatusEvent,
  parseInboundCallRequest,
  parseRecordingEvent,
  parseRelayActionCallback,
  type RecordingEvent,
  type RelayActionCallback,
  type TwilioForm,
} from './call-events.ts';
import { RelayCall, type RelayCallHost } from './relay-call.ts';
import type { OutboundFrame } from './relay-frames.ts';
import {
  DEFAULT_WELCOME_GREETING,
  mergeTwiMLOptions,
  renderConversationRelayTwiml,
  resolveActionUrl,
} from './twiml.ts';
import { type VoiceTwiMLOptions, VoiceTwiMLOptionsSchema } from './twiml-options.ts';
import {
  parseVoiceChannelOptions,
  type ResolvedVoiceChannelOptions,
  type VoiceChannelOptions,
} from './voice-channel-options.ts';
import { type VoiceChannelEventMap, VoiceChannelEvents } from './voice-events.ts';

/** Where Twilio reaches this app, derived from the request when `TWILIO_VOICE_PUBLIC_DOMAIN` is unset. */
export interface VoiceOrigins {
  /** e.g. `https://example.com` */
  http: string;
  /** e.g. `wss://example.com` */
  ws: string;
}

/** Customizes one incoming call's TwiML; its options win over the channel's. */
export type InboundCallTwiMLCustomizer = (
  call: InboundCallRequest,
) => VoiceTwiMLOptions | undefined | Promise<VoiceTwiMLOptions | undefined>;

/** A keypress on a call. */
export interface DtmfContext {
  conversationId?: string;
  callSid: string;
  digit: string;
  session?: ConversationSession;
}

/** Handles keypresses (requires `twiml.dtmfDetection: true`). */
export type DtmfHandler = (context: DtmfContext) => void | Promise<void>;

/** The `<Connect action>` callback, with the session when it is still known. */
export type ActionCallbackContext = RelayActionCallback & { session?: ConversationSession };

/**
 * Answers the `<Connect action>` callback. Return TwiML (e.g. `<Dial>` to a
 * human after a handoff) to continue the call; nothing answers `<Response/>`,
 * which ends it.
 */
export type ActionCallbackHandler = (
  context: ActionCallbackContext,
) => string | undefined | Promise<string | undefined>;

/** Arguments of {@link VoiceChannel.initiateOutboundConversation}. */
export interface InitiateVoiceConversationOptions {
  /** The number (or `client:`/`sip:` address) to call. */
  to: string;
  /** TwiML options for this call, over the channel's. */
  twimlOptions?: VoiceTwiMLOptions;
  /** Calls API options (AMD, recording, status callbacks, timeout, …). */
  callOptions?: CallOptions;
}

/** Result of an HTTP route the channel answers. */
export interface VoiceHttpResult {
  status: number;
  contentType: string;
  body: string;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const MAX_CLOSED_CALL_INDEX = 10_000;
/** Minimum wait for in-flight work after sockets closed, even with a zero drain budget. */
const DRAIN_FLOOR_MS = 100;

/**
 * Voice through ConversationRelay: TwiML for incoming and outbound calls, the
 * WebSocket protocol, barge-in, DTMF, call events, and the session lifecycle
 * in relay-only (conversation id = CallSid) and orchestrated modes. Serve it
 * with {@link TACServer} (or `tacPlugin` in your own fastify app).
 *
 * @example
 * ```ts
 * const voice = tac.registerChannel(new VoiceChannel(tac, {
 *   memoryMode: 'once',
 *   twiml: { ttsProvider: 'Google', voice: 'en-US-Journey-O', dtmfDetection: true },
 * }));
 * voice.onDtmf(({ digit, callSid }) => console.log(callSid, 'pressed a key'));
 * ```
 */
export class VoiceChannel implements Channel {
  readonly type = 'voice' as const;
  readonly memoryMode: MemoryMode;
  readonly tac: TAC;
  /** Parsed options. */
  readonly options: ResolvedVoiceChannelOptions;
  /** Calls API client (used for outbound calls and `endCall`). */
  readonly calls: CallsClient;

  private readonly events = new VoiceChannelEvents();
  private readonly connections = new Set<RelayCall>();
  private readonly byCallSid = new Map<string, RelayCall>();
  private readonly byConversation = new Map<string, RelayCall>();
  /** CallSids with more than one socket open at once (a reconnect before the old socket closed). */
  private readonly sharedCallSids = new Set<string>();
  /** Orchestrated calls whose socket closed: CallSid → conversation id, until the conversation closes. */
  private readonly closedCalls = new Map<string, string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly idleWaiters = new Set<() => void>();
  private customizer: InboundCallTwiMLCustomizer | undefined;
  private readonly dtmfHandlers: DtmfHandler[] = [];
  private callStatusHandler: ((event: CallStatusEvent) => void | Promise<void>) | undefined;
  private amdHandler: ((event: AmdEvent) => void | Promise<void>) | undefined;
  private recordingHandler: ((event: RecordingEvent) => void | Promise<void>) | undefined;
  private actionHandler: ActionCallbackHandler | undefined;
  private draining = false;
  private localOrigins: VoiceOrigins | undefined;
  /** The bridge {@link RelayCall} uses; kept off the public surface. */
  private readonly host: RelayCallHost;

  constructor(tac: TAC, options: VoiceChannelOptions = {}) {
    this.tac = tac;
    this.options = parseVoiceChannelOptions(options);
    this.memoryMode = this.options.memoryMode;
    this.calls = new CallsClient(tac.config, { timeoutMs: tac.http.timeoutMs });
    this.host = {
      tac,
      channel: this,
      setupTimeoutMs: this.options.setupTimeoutMs,
      conversationLookup: this.options.conversationLookup,
      emit: (event, payload) => this.events.emit(event, payload),
      dispatchDtmf: (call, digit) => this.dispatchDtmf(call, digit),
      callStarted: (call) => {
        if (!call.callSid) return;
        // A reconnect of the same call (the action URL answered with a new <Connect>) replaces the index entry.
        const previous = this.byCallSid.get(call.callSid);
        if (previous && previous !== call && previous.isOpen) this.sharedCallSids.add(call.callSid);
        this.byCallSid.set(call.callSid, call);
      },
      callBound: (call) => {
        if (call.conversationId) this.byConversation.set(call.conversationId, call);
        if (call.callSid) this.closedCalls.delete(call.callSid);
      },
      callClosed: (call, reason) => this.callClosed(call, reason),
      track: (promise) => this.track(promise),
    };
  }

  // ---------------------------------------------------------------- hooks

  /** Observe calls (`setup`, `prompt`, `interrupt`, `dtmf`, `info`, …); returns the unsubscribe function. */
  on<K extends keyof VoiceChannelEventMap>(
    event: K,
    listener: (payload: VoiceChannelEventMap[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  /** Handle keypresses (requires `twiml.dtmfDetection: true`). Digits are never logged. */
  onDtmf(handler: DtmfHandler): this {
    this.dtmfHandlers.push(handler);
    return this;
  }

  /** Customize each incoming call's TwiML (per caller, per number…). A failing customizer falls back to the channel's options. */
  onInboundCallTwiml(customizer: InboundCallTwiMLCustomizer): this {
    this.customizer = customizer;
    return this;
  }

  /** Call progress callbacks (`POST {voiceCallEventPath}/status`); outbound calls get the URL automatically. */
  onCallStatus(handler: (event: CallStatusEvent) => void | Promise<void>): this {
    this.callStatusHandler = handler;
    return this;
  }

  /** Async answering-machine detection results (`POST {voiceCallEventPath}/amd`). */
  onAmd(handler: (event: AmdEvent) => void | Promise<void>): this {
    this.amdHandler = handler;
    return this;
  }

  /** Recording status callbacks (`POST {voiceCallEventPath}/recording`). */
  onRecording(handler: (event: RecordingEvent) => void | Promise<void>): this {
    this.recordingHandler = handler;
    return this;
  }

  /** Answer the `<Connect action>` callback yourself (e.g. `<Dial>` a human after a handoff). */
  onActionCallback(handler: ActionCallbackHandler): this {
    this.actionHandler = handler;
    return this;
  }

  // ---------------------------------------------------------------- TwiML

  /**
   * TwiML for an incoming call (`POST /twiml`): channel options, then the
   * per-call customizer, over TAC's defaults (welcome greeting,
   * `conversationConfiguration` in orchestrated mode, action URL by precedence).
   *
   * @param form The TwiML request's form fields.
   * @param origins Public origins derived from the request (used when `TWILIO_VOICE_PUBLIC_DOMAIN` is unset).
   */
  async handleIncomingCall(form: TwilioForm, origins?: VoiceOrigins): Promise<string> {
    const request = parseInboundCallRequest(form);
    let custom: VoiceTwiMLOptions | undefined;
    if (this.customizer) {
      try {
        const result = await this.customizer(request);
        custom = result ? VoiceTwiMLOptionsSchema.parse(result) : undefined;
      } catch (error) {
        this.tac.reportError(error, {
          channel: 'voice',
          stage: 'twiml-customizer',
          callSid: request.callSid,
        });
      }
    }
    this.tac.logger.info({ callSid: request.callSid, direction: request.direction }, 'incoming call');
    return this.buildTwiml(custom, origins);
  }

  /** Public origins: `TWILIO_VOICE_PUBLIC_DOMAIN`, else the request's, else the local server's. */
  private origins(fromRequest?: VoiceOrigins): VoiceOrigins {
    const domain = this.tac.config.values.voicePublicDomain;
    if (domain) return { http: `https://${domain}`, ws: `wss://${domain}` };
    const origins = fromRequest ?? this.localOrigins;
    if (!origins) {
      throw new TACError(
        TACErrorCode.CONFIG,
        'Invalid TAC configuration:\n  - TWILIO_VOICE_PUBLIC_DOMAIN: is required for voice URLs outside a request (outbound calls)',
        { context: { variables: ['TWILIO_VOICE_PUBLIC_DOMAIN'] } },
      );
    }
    return origins;
  }

  private async buildTwiml(
    override: VoiceTwiMLOptions | undefined,
    fromRequest?: VoiceOrigins,
  ): Promise<string> {
    const config = this.tac.config;
    const origins = this.origins(fromRequest);
    const channelTwiml = this.options.twiml as VoiceTwiMLOptions;
    const merged = mergeTwiMLOptions(
      {
        welcomeGreeting: DEFAULT_WELCOME_GREETING,
        conversationConfiguration: config.values.conversationConfigurationId,
      },
      this.options.welcomeGreeting === undefined
        ? undefined
        : { welcomeGreeting: this.options.welcomeGreeting },
      channelTwiml,
      override,
    );
    return renderConversationRelayTwiml({
      ...merged,
      websocketUrl: merged.websocketUrl ?? `${origins.ws}${config.values.voiceWebsocketPath}`,
      actionUrl: resolveActionUrl([override, channelTwiml], config, origins.http),
    });
  }

  // ---------------------------------------------------------------- WebSocket

  /**
   * Serve one ConversationRelay WebSocket (already authenticated). Resolves
   * when the call's local state is gone.
   */
  handleWebSocket(ws: WebSocket, meta: { remoteAddress?: string } = {}): Promise<void> {
    // Calls that got their TwiML before a shutdown began are still served; drain() bounds them.
    const call = new RelayCall(this.host, ws, { relayOnly: !this.tac.isOrchestratorEnabled() });
    this.connections.add(call);
    this.events.emit('webSocketConnected', { remoteAddress: meta.remoteAddress });
    return call.closed;
  }

  private async callClosed(call: RelayCall, reason: ConversationEndReason): Promise<void> {
    this.connections.delete(call);
    if (call.callSid && this.byCallSid.get(call.callSid) === call) this.byCallSid.delete(call.callSid);
    const conversationId = call.conversationId;
    if (conversationId && this.byConversation.get(conversationId) === call)
      this.byConversation.delete(conversationId);
    // Another socket of the same call still open (a reconnect, in whichever order the two close)
    // owns the session: point the indexes back at it; its own close will end the session.
    if (call.callSid && this.sharedCallSids.has(call.callSid)) {
      let others = 0;
      for (const other of this.connections) {
        if (other.callSid !== call.callSid || !other.isOpen) continue;
        others += 1;
        if (!this.byCallSid.has(call.callSid)) this.byCallSid.set(call.callSid, other);
        if (
          conversationId &&
          other.conversationId === conversationId &&
          !this.byConversation.has(conversationId)
        )
          this.byConversation.set(conversationId, other);
      }
      if (others <= 1) this.sharedCallSids.delete(call.callSid);
    }
    const superseded = conversationId !== undefined && this.byConversation.has(conversationId);
    try {
      if (superseded) {
        this.tac.logger.debug(
          { callSid: call.callSid },
          'replaced socket closed; session kept for the new one',
        );
      } else if (conversationId && call.relayOnly) {
        // Relay-only: nothing else will ever close this conversation.
        await this.tac.endConversation(conversationId, reason);
      } else if (conversationId && call.handedOff) {
        // The handoff cleared the status callbacks, so no CLOSED webhook will come: a human has it now.
        await this.tac.endConversation(conversationId, 'handoff');
      } else if (conversationId && call.callSid && (await this.tac.sessions.get(conversationId))) {
        // Orchestrated: the session lives until the conversation's CLOSED webhook.
        this.closedCalls.set(call.callSid, conversationId);
        if (this.closedCalls.size > MAX_CLOSED_CALL_INDEX) {
          const oldest = this.closedCalls.keys().next().value;
          if (oldest !== undefined) this.closedCalls.delete(oldest);
        }
      }
    } finally {
      if (this.connections.size === 0) for (const wake of [...this.idleWaiters]) wake();
    }
  }

  private async dispatchDtmf(call: RelayCall, digit: string): Promise<void> {
    const session = call.session;
    for (const handler of this.dtmfHandlers) {
      try {
        await handler({ conversationId: call.conversationId, callSid: call.callSid ?? '', digit, session });
      } catch (error) {
        this.tac.reportError(error, {
          conversationId: call.conversationId,
          channel: 'voice',
          stage: 'onDtmf',
        });
      }
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  // ---------------------------------------------------------------- sending

  /**
   * Speak a reply in a call: a string as one final `text` frame, an
   * `AsyncIterable<string>` token by token (`last:false`) closed by
   * `{token:'', last:true}`. Barge-in and newer prompts stop it. Resolves with
   * the text sent. After the reply, a pending handoff sends `end`.
   *
   * @throws TACError `TAC_ERR_NOT_FOUND` when no call is open for the conversation (or CallSid).
   */
  async sendResponse(
    conversationId: string,
    response: string | AsyncIterable<string>,
    options: SendResponseOptions = {},
  ): Promise<string> {
    return this.openCall(conversationId).send(response, options.signal);
  }

  /** Send a raw ConversationRelay frame (`play`, `sendDigits`, `language`, …) on an open call. */
  sendFrame(conversationId: string, frame: OutboundFrame): boolean {
    return this.openCall(conversationId).sendFrame(frame);
  }

  /**
   * End the ConversationRelay session (`end` frame); Twilio then calls the
   * `<Connect action>` URL with `handoffData` as `HandoffData`. Objects are sent as JSON.
   */
  endSession(conversationId: string, handoffData?: unknown): boolean {
    const data =
      handoffData === undefined || typeof handoffData === 'string'
        ? handoffData
        : JSON.stringify(handoffData);
    return this.openCall(conversationId).end(data as string | undefined);
  }

  private openCall(idOrCallSid: string): RelayCall {
    const call = this.byConversation.get(idOrCallSid) ?? this.byCallSid.get(idOrCallSid);
    if (!call) {
      throw new TACError(TACErrorCode.NOT_FOUND, `No open call for conversation ${idOrCallSid}`, {
        context: { conversationId: idOrCallSid, channel: 'voice' },
      });
    }
    return call;
  }

  // ---------------------------------------------------------------- lookups

  /** The session of a call by CallSid (open calls, and orchestrated calls until their conversation closes). */
  async getSessionByCallSid(callSid: string): Promise<ConversationSession | undefined> {
    const call = this.byCallSid.get(callSid);
    if (call?.session) return call.session;
    return this.tac.sessions.get(this.closedCalls.get(callSid) ?? call?.conversationId ?? callSid);
  }

  /** The WebSocket of an open call, by conversation id or CallSid. */
  getWebSocket(idOrCallSid: string): WebSocket | undefined {
    return (this.byConversation.get(idOrCallSid) ?? this.byCallSid.get(idOrCallSid))?.ws;
  }

  /** Number of open ConversationRelay sockets. */
  get openCalls(): number {
    return this.connections.size;
  }

  /** True when this channel tracks the conversation (routing of `CONVERSATION_UPDATED`). */
  async hasConversation(conversationId: string): Promise<boolean> {
    if (this.byConversation.has(conversationId)) return true;
    for (const id of this.closedCalls.values()) if (id === conversationId) return true;
    return (await this.tac.sessions.get(conversationId))?.channel === 'voice';
  }

  // ---------------------------------------------------------------- Orchestrator

  /**
   * `CONVERSATION_UPDATED` for a voice conversation: `CLOSED` ends the session,
   * `INACTIVE` drops the `memoryMode: 'once'` cache. Other events are ignored.
   */
  async processWebhook(event: OrchestratorEvent): Promise<void> {
    if (event.eventType !== 'CONVERSATION_UPDATED') return;
    const conversationId = typeof event.data.id === 'string' ? event.data.id : undefined;
    if (!conversationId) return;
    const status = event.data.status;
    if (status === 'CLOSED') {
      for (const [callSid, id] of this.closedCalls)
        if (id === conversationId) this.closedCalls.delete(callSid);
      await this.tac.endConversation(conversationId, 'closed');
    } else if (status === 'INACTIVE') {
      const session = await this.tac.sessions.get(conversationId);
      const live = this.byConversation.get(conversationId)?.session;
      if (live) live.cachedMemory = undefined;
      if (session) {
        session.cachedMemory = undefined;
        await this.tac.sessions.set(session);
      }
    }
  }

  // ---------------------------------------------------------------- callbacks

  /**
   * The `<Connect action>` callback (`POST /conversation-relay-callback`):
   * checks `AccountSid` (403 on mismatch), ends the relay-only session when the
   * caller hung up (`CallStatus=completed`), reads `HandoffData`, and answers
   * with the TwiML of {@link onActionCallback} or `<Response/>`.
   */
  async handleActionCallback(form: TwilioForm): Promise<VoiceHttpResult> {
    const callback = parseRelayActionCallback(form);
    if (callback.accountSid !== this.tac.config.accountSid) {
      this.tac.logger.warn(
        { callSid: callback.callSid },
        'ConversationRelay callback for another account refused',
      );
      return { status: 403, contentType: 'text/plain', body: 'AccountSid mismatch' };
    }
    const session = await this.getSessionByCallSid(callback.callSid);
    this.tac.logger.info(
      {
        callSid: callback.callSid,
        callStatus: callback.callStatus,
        sessionStatus: callback.sessionStatus,
        handoff: callback.handoffDataRaw !== undefined,
        errorCode: callback.errorCode,
      },
      'ConversationRelay session ended',
    );
    let twiml: string | undefined;
    if (this.actionHandler) {
      try {
        twiml = (await this.actionHandler({ ...callback, session })) || undefined;
      } catch (error) {
        this.tac.reportError(error, {
          channel: 'voice',
          stage: 'onActionCallback',
          callSid: callback.callSid,
        });
      }
    }
    const relayOnly = !this.tac.isOrchestratorEnabled() || session?.conversationId === callback.callSid;
    if (relayOnly && callback.callStatus === 'completed') {
      await this.tac.endConversation(callback.callSid, 'hangup');
    }
    return { status: 200, contentType: 'application/xml', body: twiml ?? EMPTY_TWIML };
  }

  /** A call status callback (`POST {voiceCallEventPath}/status`). Throws `TAC_ERR_WEBHOOK_INVALID` without CallSid. */
  async handleCallStatusEvent(form: TwilioForm): Promise<void> {
    const event = parseCallStatusEvent(form);
    await this.runHook('onCallStatus', event.callSid, () => this.callStatusHandler?.(event));
  }

  /** An async AMD callback (`POST {voiceCallEventPath}/amd`). */
  async handleAmdEvent(form: TwilioForm): Promise<void> {
    const event = parseAmdEvent(form);
    await this.runHook('onAmd', event.callSid, () => this.amdHandler?.(event));
  }

  /** A recording status callback (`POST {voiceCallEventPath}/recording`). */
  async handleRecordingEvent(form: TwilioForm): Promise<void> {
    const event = parseRecordingEvent(form);
    await this.runHook('onRecording', event.callSid, () => this.recordingHandler?.(event));
  }

  private async runHook(stage: string, callSid: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.tac.reportError(error, { channel: 'voice', stage, callSid });
    }
  }

  // ---------------------------------------------------------------- Calls API

  /**
   * Place an outbound call that connects to this app over ConversationRelay.
   * Status, AMD and recording callback URLs are filled in when the matching
   * hook is registered and the option isn't set. The conversation (orchestrated
   * mode) is found when the call connects.
   *
   * @throws TwilioApiError when the Calls API refuses; TACError `TAC_ERR_CONFIG` without a public domain.
   */
  async initiateOutboundConversation(
    options: InitiateVoiceConversationOptions,
  ): Promise<{ callSid: string }> {
    if (typeof options?.to !== 'string' || options.to.trim() === '') {
      throw new TACError(
        TACErrorCode.INVALID_ARGUMENT,
        'initiateOutboundConversation needs `to` (the number to call)',
      );
    }
    if (this.tac.isShuttingDown || this.isDraining) {
      throw new TACError(TACErrorCode.ABORTED, 'TAC is shutting down: no new outbound calls');
    }
    let twimlOptions: z.output<typeof VoiceTwiMLOptionsSchema> | undefined;
    if (options.twimlOptions) {
      const parsed = VoiceTwiMLOptionsSchema.safeParse(options.twimlOptions);
      if (!parsed.success) {
        throw new TACError(
          TACErrorCode.INVALID_ARGUMENT,
          `initiateOutboundConversation: invalid twimlOptions:\n${z.prettifyError(parsed.error)}`,
          { context: { fields: parsed.error.issues.map((i) => `twimlOptions.${i.path.join('.')}`) } },
        );
      }
      twimlOptions = parsed.data;
    }
    const origins = this.origins();
    const twiml = await this.buildTwiml(twimlOptions, origins);
    const callOptions: CallOptions = { ...options.callOptions };
    const config = this.tac.config;
    if (this.callStatusHandler && !callOptions.statusCallback) {
      callOptions.statusCallback = `${origins.http}${config.callEventPath('status')}`;
      callOptions.statusCallbackEvent ??= ['initiated', 'ringing', 'answered', 'completed'];
    }
    if (this.amdHandler && callOptions.machineDetection && !callOptions.asyncAmdStatusCallback) {
      callOptions.asyncAmd ??= 'true';
      callOptions.asyncAmdStatusCallback = `${origins.http}${config.callEventPath('amd')}`;
    }
    if (this.recordingHandler && callOptions.record && !callOptions.recordingStatusCallback) {
      callOptions.recordingStatusCallback = `${origins.http}${config.callEventPath('recording')}`;
    }
    const call = await this.calls.create({ ...callOptions, to: options.to, from: config.phoneNumber, twiml });
    this.tac.logger.info({ callSid: call.sid }, 'outbound call created');
    return { callSid: call.sid };
  }

  /**
   * Hang up a call (`status=completed` through the Calls API) and clean up
   * locally. Never throws: false when Twilio refused (reported through `onError`).
   */
  async endCall(callSid: string): Promise<boolean> {
    try {
      await this.calls.update(callSid, { status: 'completed' });
    } catch (error) {
      this.tac.reportError(error, { channel: 'voice', stage: 'endCall', callSid });
      return false;
    }
    const call = this.byCallSid.get(callSid);
    if (call) await call.shutdownSocket(1000, 'Call ended', 'ended-by-app');
    return true;
  }

  // ---------------------------------------------------------------- lifecycle

  /** @internal The server's own origins, the fallback for URLs when neither the public domain nor a request is known. */
  setLocalOrigins(origins: VoiceOrigins | undefined): void {
    this.localOrigins = origins;
  }

  /** True once {@link drain} started: new incoming calls should be refused (the server answers 503). */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Graceful shutdown: wait up to `timeoutMs` for open calls to end, then close
   * the rest (1001) with their turns aborted, and wait for in-flight work.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    if (this.connections.size > 0) {
      let wake!: () => void;
      const idle = new Promise<void>((resolve) => {
        wake = resolve;
      });
      this.idleWaiters.add(wake);
      await settleWithin(idle, timeoutMs);
      this.idleWaiters.delete(wake);
    }
    await Promise.allSettled(
      [...this.connections].map((call) => call.shutdownSocket(1001, 'Server shutting down', 'shutdown')),
    );
    // Aborted turns let go at once; a producer that ignores its signal gets what is left of the budget.
    await settleWithin(
      Promise.allSettled([...this.inFlight]),
      Math.max(DRAIN_FLOOR_MS, deadline - Date.now()),
    );
  }
}
