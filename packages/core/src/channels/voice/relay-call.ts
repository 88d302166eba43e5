import type { WebSocket } from 'ws';
import { ABORTED, AbortableIterator, raceAbort, settleWithin } from '../../async/abortable.ts';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import type { TACLogger } from '../../logging/index.ts';
import { type ConversationSession, createSession } from '../../session/index.ts';
import type { TAC } from '../../tac.ts';
import type { ConversationEndReason } from '../../turn/handlers.ts';
import { runTurn } from '../../turn/run-turn.ts';
import { TurnAbortReason } from '../../turn/turn-abort.ts';
import type { Channel } from '../channel.ts';
import {
  type ConversationLookupOptions,
  findConversationByCallSid,
  loadVoiceParticipants,
} from './conversation-lookup.ts';
import {
  type DtmfFrame,
  type InfoFrame,
  type InterruptFrame,
  type OutboundFrame,
  type PromptFrame,
  parseInboundFrame,
  type RelayErrorFrame,
  type SetupFrame,
} from './relay-frames.ts';
import { type CorkableSocket, corkableSocketOf } from './socket-cork.ts';
import type { VoiceChannelEventMap } from './voice-events.ts';

/** What a {@link RelayCall} needs from its channel. */
export interface RelayCallHost {
  readonly tac: TAC;
  readonly channel: Channel;
  readonly setupTimeoutMs: number;
  readonly conversationLookup: ConversationLookupOptions;
  emit<K extends keyof VoiceChannelEventMap>(event: K, payload: VoiceChannelEventMap[K]): void;
  /** Run the DTMF hook (never throws). */
  dispatchDtmf(call: RelayCall, digit: string): Promise<void>;
  /** `setup` arrived: index the call by CallSid. */
  callStarted(call: RelayCall): void;
  /** The conversation id is known: index the call by it. */
  callBound(call: RelayCall): void;
  /** The socket is gone: drop indexes, end the session when appropriate. */
  callClosed(call: RelayCall, reason: ConversationEndReason): Promise<void>;
  /** Keep a promise for graceful shutdown. */
  track<T>(promise: Promise<T>): Promise<T>;
}

interface ActiveTurn {
  readonly controller: AbortController;
  finished: boolean;
}

/** Upper bound on waiting for an aborted turn before ending its session (memory writes may be in flight). */
const TURN_SETTLE_MS = 5_000;
/** Upper bound on how long a new turn waits for the one it superseded to let go. */
const PREVIOUS_TURN_GRACE_MS = 500;

/**
 * One ConversationRelay WebSocket: the protocol (setup first, prompts, barge-in,
 * DTMF), one turn at a time, and delivery of replies as `text` frames.
 *
 * Invariants: after a turn is aborted, none of its tokens are sent; a talk
 * cycle that streamed tokens is always closed with `{token:'', last:true}`;
 * an empty `last:true` is never sent on its own.
 */
export class RelayCall {
  readonly ws: WebSocket;
  /** Set by `setup`. */
  callSid: string | undefined;
  /** Orchestrator conversation id, or the CallSid in relay-only mode; set once the session is ready. */
  conversationId: string | undefined;
  /** The session once ready. */
  session: ConversationSession | undefined;
  /** True when the conversation id is the CallSid (relay-only mode, or an orchestrated lookup that failed). */
  relayOnly: boolean;
  /** Resolves with the session (undefined if the call closed first). */
  ready: Promise<ConversationSession | undefined> = Promise.resolve(undefined);
  /** Resolves when the call's local state is cleaned up. */
  readonly closed: Promise<void>;

  private readonly host: RelayCallHost;
  private readonly tac: TAC;
  /** The call's child logger, made on first use (most calls log little or nothing); see {@link log}. */
  private logger: TACLogger | undefined;
  private state: 'awaiting-setup' | 'open' | 'closed' = 'awaiting-setup';
  /** Aborts the orchestrated conversation lookup if the socket closes first (made only while it runs). */
  private lookupAbort: AbortController | undefined;
  private setupTimer: NodeJS.Timeout | undefined;
  private turn: ActiveTurn | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** No turn of this call is still running: the next one starts at once, without a grace timer. */
  private chainIdle = true;
  /** Deliveries started by `sendResponse` (aborted by barge-in like turns). */
  private readonly deliveries = new Set<AbortController>();
  /** Tokens went out with `last:false` and the cycle is not closed yet. */
  private openCycle = false;
  private endSent = false;
  private handedOffFlag = false;
  private endReason: ConversationEndReason | undefined;
  private resolveClosed!: () => void;
  /** {@link sendFrame} corked the socket until the next tick. */
  private corked = false;

  constructor(host: RelayCallHost, ws: WebSocket, options: { relayOnly: boolean }) {
    this.host = host;
    this.tac = host.tac;
    this.ws = ws;
    this.relayOnly = options.relayOnly;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.onClose(code));
    ws.on('error', (err) => this.log.debug({ err }, 'ConversationRelay socket error'));
    this.setupTimer = setTimeout(() => {
      this.log.warn('no setup frame in time; closing the ConversationRelay socket');
      this.shutdownSocket(1008, 'setup expected');
    }, host.setupTimeoutMs);
    this.setupTimer.unref?.();
  }

  /** TAC handed this call to a human (the `end` frame with handoff data went out). */
  get handedOff(): boolean {
    return this.handedOffFlag;
  }

  /** True while frames can be sent. */
  get isOpen(): boolean {
    return this.state === 'open' && this.ws.readyState === this.ws.OPEN;
  }

  /** The socket closed (a hang-up or shutdown); a getter, so checks after an `await` aren't narrowed away. */
  private get socketClosed(): boolean {
    return this.state === 'closed';
  }

  /** One child logger per call, carrying the ids known so far (rebuilt only when they change). */
  private get log(): TACLogger {
    if (!this.logger) {
      const bindings: Record<string, string> = { channel: 'voice' };
      if (this.callSid) bindings.callSid = this.callSid;
      if (this.conversationId) bindings.conversationId = this.conversationId;
      this.logger = this.tac.logger.child(bindings);
    }
    return this.logger;
  }

  /**
   * Send one frame; false when the socket is gone.
   *
   * One write per frame would be one syscall per token. The first frame of a
   * burst goes out at once (first-token latency is untouched); then the socket
   * is corked until `process.nextTick`, which runs once the current chain of
   * promise reactions is done, so the rest of a burst a model yields in one go
   * leaves in one write, and a token that arrives on its own still leaves in
   * the tick it arrived. Order is unchanged: corking only delays the flush,
   * and nothing else (a barge-in, the next prompt) runs before that tick ends.
   */
  sendFrame(frame: OutboundFrame): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    if (frame.type === 'end') this.endSent = true;
    if (!this.corked) {
      const socket = corkableSocketOf(this.ws);
      if (socket) {
        // ws corks around each frame too; corks nest, so its uncork leaves ours in place.
        socket.cork();
        this.corked = true;
        process.nextTick(RelayCall.endBurst, this, socket);
      }
    }
    return true;
  }

  /** Flush what a burst left corked (static: no closure per call or per burst). */
  private static endBurst(call: RelayCall, socket: CorkableSocket): void {
    call.corked = false;
    socket.uncork();
  }

  /**
   * Deliver a reply outside the turn runner (`voice.sendResponse`). Barge-in
   * and newer prompts abort it too, as they abort turns.
   */
  async send(response: string | AsyncIterable<string>, signal?: AbortSignal): Promise<string> {
    const own = new AbortController();
    this.deliveries.add(own);
    const combined = signal ? AbortSignal.any([signal, own.signal]) : own.signal;
    try {
      const text = await this.deliver(response, combined);
      // During a turn (e.g. a send_message tool after the handoff tool) the turn's own final reply
      // is still to come: the turn sends the `end` after it, or the caller would hear it cut off.
      const turnRunning = this.turn !== undefined && !this.turn.finished;
      if (!combined.aborted && this.session && !turnRunning) await this.sendPendingHandoff(this.session);
      return text;
    } finally {
      this.deliveries.delete(own);
    }
  }

  /** End the session from the app side (`end` frame), optionally with handoff data for the action URL. */
  end(handoffData?: string): boolean {
    return this.sendFrame(handoffData === undefined ? { type: 'end' } : { type: 'end', handoffData });
  }

  /**
   * Close the socket and clean up now (graceful shutdown, `endCall`): the
   * running turn is aborted and the session ends with `reason` (relay-only).
   */
  shutdownSocket(code: number, reason: string, endReason?: ConversationEndReason): Promise<void> {
    this.endReason ??= endReason;
    try {
      if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
        this.ws.close(code, reason);
      }
    } catch {
      this.ws.terminate();
    }
    // Don't wait for the peer's close frame (ws waits up to 30 s): clean up now.
    this.onClose(code);
    return this.closed;
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const text = isBinary ? undefined : String(data);
    const parsed =
      text === undefined ? ({ ok: false, reason: 'binary frame' } as const) : parseInboundFrame(text);
    if (this.state === 'awaiting-setup') {
      if (!parsed.ok || parsed.frame.type !== 'setup') {
        this.log.warn(
          { reason: parsed.ok ? `${parsed.frame.type} before setup` : parsed.reason },
          'expected setup first',
        );
        void this.shutdownSocket(1008, 'setup expected');
        return;
      }
      this.onSetup(parsed.frame);
      return;
    }
    if (!parsed.ok) {
      this.invalidFrame(parsed.reason);
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'setup':
        this.invalidFrame('duplicate setup');
        return;
      case 'prompt':
        this.onPrompt(frame);
        return;
      case 'interrupt':
        this.onInterrupt(frame);
        return;
      case 'dtmf':
        this.onDtmf(frame);
        return;
      case 'info':
        this.onInfo(frame);
        return;
      case 'error':
        this.onRelayError(frame);
        return;
    }
  }

  // ConversationRelay accepts no error frame from the app (it would count as a malformed
  // message, and ten in a row end the call): report locally and keep the call going.
  private invalidFrame(reason: string): void {
    this.tac.reportError(
      new TACError(TACErrorCode.CR_INVALID_FRAME, `Ignored ConversationRelay frame: ${reason}`, {
        context: { callSid: this.callSid },
      }),
      { conversationId: this.conversationId, channel: 'voice', stage: 'voice-frame', callSid: this.callSid },
    );
  }

  private onSetup(setup: SetupFrame): void {
    clearTimeout(this.setupTimer);
    this.setupTimer = undefined;
    this.state = 'open';
    this.callSid = setup.callSid;
    this.logger = undefined;
    this.host.callStarted(this);
    const outbound = setup.direction.toLowerCase().startsWith('outbound');
    const caller = (outbound ? setup.to : setup.from) || undefined;
    const metadata: Record<string, unknown> = {
      sessionId: setup.sessionId,
      direction: outbound ? 'outbound' : 'inbound',
      callType: setup.callType,
      customParameters: setup.customParameters,
    };
    this.ready = this.host.track(this.prepareSession(setup, caller, metadata)).catch((error) => {
      if (!this.socketClosed) {
        this.tac.reportError(error, { channel: 'voice', stage: 'voice-setup', callSid: setup.callSid });
      }
      return undefined;
    });
  }

  private async prepareSession(
    setup: SetupFrame,
    caller: string | undefined,
    metadata: Record<string, unknown>,
  ): Promise<ConversationSession | undefined> {
    const callSid = setup.callSid;
    let conversationId = callSid;
    let profileId: string | undefined;
    let customer = caller ? { address: caller } : undefined;
    let agent: ConversationSession['aiAgentInfo'];
    if (!this.relayOnly) {
      this.lookupAbort = new AbortController();
      try {
        conversationId = await findConversationByCallSid(
          this.tac,
          callSid,
          this.host.conversationLookup,
          this.lookupAbort.signal,
        );
      } catch (error) {
        if (this.socketClosed) return undefined;
        // Keep the caller talking: fall back to relay-only semantics for this call.
        this.relayOnly = true;
        this.tac.reportError(error, { channel: 'voice', stage: 'voice-setup', callSid });
      } finally {
        this.lookupAbort = undefined;
      }
      if (!this.relayOnly) {
        try {
          const found = await loadVoiceParticipants(this.tac, conversationId, caller ?? '');
          profileId = found.profileId;
          customer = found.customer ?? customer;
          agent = found.agent;
        } catch (error) {
          this.tac.reportError(error, { conversationId, channel: 'voice', stage: 'voice-participants' });
        }
      }
    }
    if (this.socketClosed) return undefined;
    const existing = await this.tac.sessions.get(conversationId);
    const session =
      existing ??
      createSession({
        conversationId,
        channel: 'voice',
        callSid,
        profileId,
        authorInfo: customer,
        aiAgentInfo: agent,
        metadata,
      });
    if (existing) {
      // A reconnect (the action URL answered with a new <Connect>) keeps history and memory.
      existing.callSid = callSid;
      existing.profileId ??= profileId;
      existing.authorInfo ??= customer;
      existing.aiAgentInfo ??= agent;
      existing.metadata = { ...existing.metadata, ...metadata };
    }
    if (this.socketClosed) return undefined;
    await this.tac.sessions.set(session);
    this.session = session;
    this.conversationId = conversationId;
    this.logger = undefined;
    this.host.callBound(this);
    this.host.emit('setup', { callSid, conversationId, session, setup });
    return session;
  }

  private onPrompt(frame: PromptFrame): void {
    const callSid = this.callSid ?? '';
    this.host.emit('prompt', {
      callSid,
      conversationId: this.conversationId,
      voicePrompt: frame.voicePrompt,
      lang: frame.lang,
      last: frame.last,
    });
    // Partials hold the utterance so far; only the final prompt is the customer's turn.
    if (!frame.last) return;
    if (frame.voicePrompt.trim() === '') {
      this.log.debug('empty final prompt ignored');
      return;
    }
    this.startTurn(frame.voicePrompt);
  }

  private startTurn(text: string): void {
    this.abortActive(() => new TurnAbortReason('superseded'));
    const turn: ActiveTurn = { controller: new AbortController(), finished: false };
    this.turn = turn;
    // Turns run one at a time: the next starts once the aborted one has let go (it keeps
    // history writes in order), but never waits long: an aborted turn may still sit in a
    // memory lookup that ignores the signal, and the caller is waiting.
    const run = this.chainIdle
      ? this.runOneTurn(turn, text)
      : settleWithin(this.chain, PREVIOUS_TURN_GRACE_MS).then(() => this.runOneTurn(turn, text));
    this.chainIdle = false;
    const chain: Promise<void> = run.then(
      () => this.markIdle(chain),
      () => this.markIdle(chain),
    );
    this.chain = chain;
    void this.host.track(run).catch(() => {});
  }

  private markIdle(chain: Promise<void>): void {
    // Only the latest turn's end makes the call idle; an earlier one may end after a newer started.
    if (this.chain === chain) this.chainIdle = true;
  }

  private async runOneTurn(turn: ActiveTurn, text: string): Promise<void> {
    const signal = turn.controller.signal;
    try {
      if (signal.aborted) return;
      const session = await raceAbort(this.ready, signal);
      if (!session || signal.aborted) return;
      const output = await runTurn(this.tac, {
        channel: this.host.channel,
        session,
        messages: [text],
        author: 'user',
        signal,
      });
      if (output.kind === 'none') return;
      if (signal.aborted) {
        // Let the guarded stream observe the abort so it reports its turn-end.
        if (output.kind === 'stream')
          void output.stream[Symbol.asyncIterator]()
            .next()
            .catch(() => {});
        return;
      }
      // runTurn's stream is guarded: it already ends as soon as `signal` fires, so no second race here.
      await this.deliver(output.kind === 'text' ? output.text : output.stream, signal, true);
      if (!signal.aborted) await this.sendPendingHandoff(session);
    } catch (error) {
      if (!signal.aborted) {
        this.tac.reportError(error, {
          conversationId: this.conversationId,
          channel: 'voice',
          stage: 'voice-turn',
        });
      }
    } finally {
      turn.finished = true;
      if (this.turn === turn) this.turn = undefined;
    }
  }

  /**
   * Send a reply: a string as one final frame; a stream as `last:false` tokens and a closing `last:true`.
   *
   * @param guarded The stream ends by itself when `signal` fires (runTurn's): don't race each token
   *   against the signal. An app's stream (`sendResponse`) is raced: it may ignore the signal.
   */
  private async deliver(
    response: string | AsyncIterable<string>,
    signal: AbortSignal,
    guarded = false,
  ): Promise<string> {
    if (typeof response === 'string') {
      if (response === '' || signal.aborted || !this.isOpen) return '';
      this.sendFrame({ type: 'text', token: response, last: true });
      return response;
    }
    const it = response[Symbol.asyncIterator]();
    const raced = guarded ? undefined : new AbortableIterator(it, signal);
    let text = '';
    try {
      while (true) {
        const r = raced ? await raced.next() : await it.next();
        if (r === ABORTED || r.done) break;
        // The abort may have landed while this token was on its way: drop it.
        if (signal.aborted || !this.isOpen) break;
        if (typeof r.value !== 'string' || r.value === '') continue;
        this.sendFrame({ type: 'text', token: r.value, last: false });
        this.openCycle = true;
        text += r.value;
      }
    } finally {
      raced?.dispose();
      // Never await the producer: it may ignore the signal.
      Promise.resolve()
        .then(() => it.return?.())
        .catch(() => {});
      // Close the talk cycle (a no-op after barge-in, which closed it already, or when nothing was said).
      this.closeOpenCycle();
    }
    return text;
  }

  private closeOpenCycle(): void {
    if (!this.openCycle) return;
    this.openCycle = false;
    this.sendFrame({ type: 'text', token: '', last: true });
  }

  /**
   * Abort the running turn and app deliveries, and end any half-spoken reply.
   * `reason` is called only when something is running: a TurnAbortReason is an
   * Error (it captures a stack), and most prompts and hang-ups find nothing to abort.
   */
  private abortActive(reason: () => TurnAbortReason): void {
    const t = this.turn;
    const turnLive = t !== undefined && !t.finished && !t.controller.signal.aborted;
    if (turnLive || this.deliveries.size > 0) {
      const r = reason();
      if (turnLive) t.controller.abort(r);
      for (const d of this.deliveries) d.abort(r);
    }
    this.closeOpenCycle();
  }

  private async sendPendingHandoff(session: ConversationSession): Promise<void> {
    let payload = session.pendingHandoffData;
    const stored = payload ? undefined : await this.tac.sessions.get(session.conversationId);
    payload ??= stored?.pendingHandoffData;
    if (!payload || !this.isOpen) return;
    session.pendingHandoffData = undefined;
    if (stored) stored.pendingHandoffData = undefined;
    // Only write back a session that still exists (a hang-up may have ended it meanwhile).
    if (await this.tac.sessions.get(session.conversationId)) await this.tac.sessions.set(stored ?? session);
    this.log.info('handing off: sending end with handoff data');
    if (this.end(JSON.stringify(payload))) this.handedOffFlag = true;
  }

  private onInterrupt(frame: InterruptFrame): void {
    const callSid = this.callSid ?? '';
    const { utteranceUntilInterrupt, durationUntilInterruptMs } = frame;
    this.host.emit('interrupt', {
      callSid,
      conversationId: this.conversationId,
      utteranceUntilInterrupt,
      durationUntilInterruptMs,
    });
    this.abortActive(() => new TurnAbortReason('interrupted', utteranceUntilInterrupt));
    // Even after the reply finished streaming the caller may cut the playback: agents trim history here.
    const notify = this.ready.then((session) => {
      if (!session) return;
      return this.tac.emitInterrupt({
        conversationId: session.conversationId,
        session,
        channel: 'voice',
        utteranceUntilInterrupt,
        durationUntilInterruptMs,
      });
    });
    void this.host.track(notify).catch(() => {});
  }

  private onDtmf(frame: DtmfFrame): void {
    this.host.emit('dtmf', {
      callSid: this.callSid ?? '',
      conversationId: this.conversationId,
      digit: frame.digit,
    });
    void this.host.track(this.host.dispatchDtmf(this, frame.digit));
  }

  private onInfo(frame: InfoFrame): void {
    // Values may carry spoken text (tokensPlayed): log the name only.
    this.log.debug({ name: frame.name }, 'ConversationRelay info');
    this.host.emit('info', { callSid: this.callSid ?? '', name: frame.name, value: frame.value });
  }

  private onRelayError(frame: RelayErrorFrame): void {
    this.log.warn({ description: frame.description.slice(0, 300) }, 'ConversationRelay reported an error');
    this.host.emit('relayError', { callSid: this.callSid, description: frame.description });
  }

  private onClose(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.setupTimer);
    this.setupTimer = undefined;
    let reason: TurnAbortReason | undefined;
    const interrupted = () => (reason ??= new TurnAbortReason('interrupted'));
    this.lookupAbort?.abort(interrupted());
    this.openCycle = false;
    this.abortActive(interrupted);
    const cleanup = (async () => {
      // Let an aborted turn finish its writes (memory cache, history) before the session goes.
      await settleWithin(this.chain, TURN_SETTLE_MS);
      await this.ready;
      const reason = this.endReason ?? (this.endSent ? 'handoff' : 'hangup');
      await this.host.callClosed(this, reason);
      this.host.emit('webSocketDisconnected', {
        callSid: this.callSid,
        conversationId: this.conversationId,
        code,
      });
      this.log.info({ code }, 'ConversationRelay socket closed');
    })();
    void this.host
      .track(cleanup)
      .catch((error) =>
        this.tac.reportError(error, { channel: 'voice', stage: 'voice-close', callSid: this.callSid }),
      )
      .finally(() => this.resolveClosed());
  }
}
