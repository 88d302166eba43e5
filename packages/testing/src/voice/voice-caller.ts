import { type CallRecord, type CallRegistry, isTerminal } from '../api/call-registry.ts';
import type { MemoryStore } from '../memory/memory-store.ts';
import type { OrchestratorStore } from '../orchestrator/orchestrator-store.ts';
import type { StudioStore } from '../studio/studio-store.ts';
import { recordVoiceHandoff, studioWebhookFlow } from '../studio/studio-webhook.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { newId, randomPhone } from '../util/ids.ts';
import { resolveTarget } from '../webhooks/tunnel.ts';
import type { WebhookSender } from '../webhooks/webhook-sender.ts';
import { ConversationRelayClient, type RelayReply } from './conversation-relay-client.ts';
import { type CallEnd, EmulatedCall } from './emulated-call.ts';
import type { AppFrame } from './frames.ts';
import { type ParsedTwiml, parseTwiml } from './twiml.ts';

/** What the voice caller needs from the emulator. */
export interface VoiceCallerContext {
  accountSid: string;
  authToken: string;
  applicationSid: string;
  phoneNumber: string;
  configurationId: string | undefined;
  sender: WebhookSender;
  calls: CallRegistry;
  orchestrator: OrchestratorStore | undefined;
  memory: MemoryStore;
  studio: StudioStore;
  /**
   * The emulator's own origin (`emu.baseUrl`). A `<Connect action>` on it with
   * Studio's webhook path is a Studio voice handoff: TAC rewrites
   * webhooks.twilio.com to `TWILIO_API_BASE_URL` like every Twilio host.
   */
  selfOrigin(): string | undefined;
  /** The app's origin and TwiML URL, once `setApp` was called. */
  app(): { origin: string; twimlUrl: string } | undefined;
  /**
   * Aborted, with the `EMU_ERR_STOPPED` error as its reason, when the emulator
   * stops: calls still being set up then reject with that error and connect nothing.
   */
  signal: AbortSignal;
}

/** Options of `emu.call()`. */
export interface PlaceCallOptions {
  /** The caller. @defaultValue a random +1555… number */
  from?: string;
  /** The number called. @defaultValue the emulator's `TWILIO_PHONE_NUMBER` */
  to?: string;
  /** Merged over the TwiML's `<Parameter>`s in `setup.customParameters`. */
  customParameters?: Record<string, string>;
  /** `setup.callType`. @defaultValue PSTN */
  callType?: 'PSTN' | 'SIP' | 'CLIENT';
  /** `setup.callerName`. @defaultValue '' */
  callerName?: string;
  /**
   * Called with every valid frame the app sends on this call, parsed, as it
   * arrives. In place before `setup` is sent, so even the first frame is seen;
   * `call.on('frame', …)` does the same from the moment you subscribe.
   */
  onFrame?: (frame: AppFrame) => void;
}

/** Options of `emu.calls.answer()`. */
export interface AnswerOptions {
  /** With `MachineDetection` on the call: what AMD reports. @defaultValue human */
  answeredBy?:
    | 'human'
    | 'machine_start'
    | 'machine_end_beep'
    | 'machine_end_silence'
    | 'machine_end_other'
    | 'fax'
    | 'unknown';
  /** Merged over the TwiML's `<Parameter>`s. */
  customParameters?: Record<string, string>;
  /** Called with every valid frame the app sends, from the first one (see {@link PlaceCallOptions.onFrame}). */
  onFrame?: (frame: AppFrame) => void;
}

interface Session {
  client: ConversationRelayClient;
  hangupRequested: boolean;
  call?: EmulatedCall;
}

/**
 * The ConversationRelay caller: places inbound calls against the app's
 * `/twiml`, answers outbound calls created through the Calls API, runs the
 * session and posts the `<Connect action>` callback (reference
 * conversationrelay.md §7.3).
 */
export class VoiceCaller {
  private readonly ctx: VoiceCallerContext;
  private readonly sessions = new Map<string, Session>();

  constructor(ctx: VoiceCallerContext) {
    this.ctx = ctx;
    ctx.calls.onRemoteHangup = (callSid) => this.hangUpSession(callSid);
  }

  /** Calls with a live session. */
  get active(): EmulatedCall[] {
    return [...this.sessions.values()].flatMap((s) => (s.call ? [s.call] : []));
  }

  /** Place an inbound call: signed POST to the app's TwiML URL, then the session. */
  async placeCall(options: PlaceCallOptions = {}): Promise<EmulatedCall> {
    this.ctx.signal.throwIfAborted();
    const app = this.ctx.app();
    if (!app) {
      throw new EmulatorError(EmulatorErrorCode.APP, 'No app to call: call emu.setApp({ url }) first');
    }
    const from = options.from ?? randomPhone();
    const to = options.to ?? this.ctx.phoneNumber;
    const record = this.ctx.calls.add({ direction: 'inbound', to, from, status: 'ringing', method: 'POST' });
    const delivery = await this.ctx.sender.send({
      kind: 'twiml',
      url: app.twimlUrl,
      form: {
        AccountSid: this.ctx.accountSid,
        ApiVersion: '2010-04-01',
        CallSid: record.sid,
        CallStatus: 'ringing',
        Called: to,
        CalledCountry: 'US',
        Caller: from,
        CallerCountry: 'US',
        Direction: 'inbound',
        From: from,
        FromCountry: 'US',
        To: to,
        ToCountry: 'US',
      },
    });
    // A stop() cuts the TwiML request short; say so rather than blame the app for an empty answer.
    await this.failIfStopped(record, 'failed');
    if (!delivery.ok) {
      await this.ctx.calls.transition(record, 'failed');
      throw new EmulatorError(
        EmulatorErrorCode.APP,
        `POST ${app.twimlUrl} answered ${delivery.status ?? delivery.attempts.at(-1)?.error}; Twilio would play an application error`,
        { context: { status: delivery.status, body: delivery.responseBody } },
      );
    }
    return this.run(record, delivery.responseBody ?? '', options);
  }

  /** Answer an outbound call created through the Calls API (the emulator is the callee). */
  async answer(callSid: string, options: AnswerOptions = {}): Promise<EmulatedCall> {
    this.ctx.signal.throwIfAborted();
    const record = this.ctx.calls.get(callSid);
    if (record?.direction !== 'outbound-api') {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `No outbound call ${callSid} was created through the Calls API`,
      );
    }
    if (record.status !== 'queued' && record.status !== 'initiated' && record.status !== 'ringing') {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `Call ${callSid} is ${record.status}; it can no longer be answered`,
      );
    }
    await this.ctx.calls.transition(record, 'ringing');
    const amd = record.params['MachineDetection'] !== undefined;
    if (amd) record.answeredBy = options.answeredBy ?? 'human';
    const asyncAmd = amd && record.params['AsyncAmd'] === 'true';
    let twiml = record.twiml;
    if (!twiml) {
      if (!record.url) {
        throw new EmulatorError(
          EmulatorErrorCode.UNSUPPORTED,
          `Call ${callSid} uses an ApplicationSid; only Twiml or Url can be answered`,
        );
      }
      const form: Record<string, string> = {
        AccountSid: this.ctx.accountSid,
        ApiVersion: '2010-04-01',
        CallSid: record.sid,
        CallStatus: 'in-progress',
        Called: record.to,
        Caller: record.from,
        Direction: 'outbound-api',
        From: record.from,
        To: record.to,
      };
      if (amd && !asyncAmd && record.answeredBy) form['AnsweredBy'] = record.answeredBy;
      const delivery = await this.ctx.sender.send({
        kind: 'twiml',
        url: record.url,
        method: record.method,
        form,
      });
      await this.failIfStopped(record, 'failed');
      if (!delivery.ok) {
        await this.ctx.calls.transition(record, 'failed');
        throw new EmulatorError(
          EmulatorErrorCode.APP,
          `${record.method} ${record.url} answered ${delivery.status}`,
          {
            context: { status: delivery.status, body: delivery.responseBody },
          },
        );
      }
      twiml = delivery.responseBody ?? '';
    }
    const call = await this.run(record, twiml, options);
    const amdCallback = record.params['AsyncAmdStatusCallback'];
    if (asyncAmd && amdCallback) {
      void this.ctx.sender.send({
        kind: 'amd-status',
        url: amdCallback,
        method: record.params['AsyncAmdStatusCallbackMethod'] === 'GET' ? 'GET' : 'POST',
        form: {
          AccountSid: this.ctx.accountSid,
          CallSid: record.sid,
          AnsweredBy: record.answeredBy ?? 'human',
          MachineDetectionDuration: '1200',
        },
      });
    }
    return call;
  }

  /** The callee does not answer: `busy`, `no-answer`, `failed` or `canceled`. */
  async reject(
    callSid: string,
    status: 'busy' | 'no-answer' | 'failed' | 'canceled' = 'no-answer',
  ): Promise<void> {
    const record = this.ctx.calls.get(callSid);
    if (!record || isTerminal(record.status) || record.status === 'in-progress') {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `Call ${callSid} is not waiting to be answered`,
      );
    }
    await this.ctx.calls.transition(record, status);
  }

  /**
   * Drop every live session (emulator shutdown). Sessions still connecting are
   * not registered yet: `ctx.signal` abandons those.
   */
  closeAll(): void {
    for (const s of this.sessions.values()) s.client.terminate();
  }

  /** Once the emulator is stopped: end the call with `status` and throw the STOPPED error. */
  private async failIfStopped(record: CallRecord, status: 'failed' | 'completed'): Promise<void> {
    if (!this.ctx.signal.aborted) return;
    await this.ctx.calls.transition(record, status);
    this.ctx.signal.throwIfAborted();
  }

  private async hangUpSession(callSid: string): Promise<void> {
    const session = this.sessions.get(callSid);
    if (!session) return;
    session.hangupRequested = true;
    await session.client.close(1000, 'Closing websocket session');
  }

  private async run(
    record: CallRecord,
    twiml: string,
    options: PlaceCallOptions & AnswerOptions,
  ): Promise<EmulatedCall> {
    let parsed: ParsedTwiml;
    try {
      parsed = parseTwiml(twiml);
    } catch (error) {
      await this.ctx.calls.transition(record, 'failed');
      throw error;
    }
    const cr = parsed.conversationRelay;
    if (!cr) {
      await this.ctx.calls.transition(record, 'completed');
      throw new EmulatorError(EmulatorErrorCode.APP, 'The TwiML has no <Connect><ConversationRelay>', {
        context: { twiml },
      });
    }
    const inbound = record.direction === 'inbound';
    const customer = inbound ? record.from : record.to;
    const agent = inbound ? record.to : record.from;
    let conversationId: string | undefined;
    try {
      conversationId = cr.conversationConfiguration
        ? this.createConversation(record.sid, cr.conversationConfiguration, customer, agent)
        : undefined;
    } catch (error) {
      await this.ctx.calls.transition(record, 'failed');
      throw error;
    }
    await this.ctx.calls.transition(record, 'in-progress');
    const startedAt = Date.now();
    const app = this.ctx.app();
    let client: ConversationRelayClient | undefined;
    let connectError: EmulatorError | undefined;
    try {
      const resolved = resolveTarget(cr.url, app?.origin);
      client = await ConversationRelayClient.connect({
        url: cr.url,
        authToken: this.ctx.authToken,
        target: resolved.target,
        headers: resolved.headers,
        language: cr.transcriptionLanguage,
        dtmfDetection: cr.dtmfDetection,
        interruptible: cr.interruptible,
        setup: {
          accountSid: this.ctx.accountSid,
          callSid: record.sid,
          from: record.from,
          to: record.to,
          callType: options.callType ?? 'PSTN',
          callerName: options.callerName ?? '',
          direction: record.direction,
          callStatus: inbound ? 'RINGING' : 'IN_PROGRESS',
          customParameters: { ...cr.parameters, ...options.customParameters },
        },
        onFrame: options.onFrame,
        signal: this.ctx.signal,
        onPrompt: (text) => this.transcribe(conversationId, record.sid, customer, agent, text, 0),
        onReply: (reply: RelayReply) => {
          if (reply.text) this.transcribe(conversationId, record.sid, agent, customer, reply.text, 1);
        },
      });
    } catch (error) {
      await this.failIfStopped(record, 'completed');
      connectError =
        error instanceof EmulatorError
          ? error
          : new EmulatorError(EmulatorErrorCode.APP, (error as Error).message, { cause: error });
    }
    if (client && this.ctx.signal.aborted) {
      // Connected, but stop() ran before the session could be registered for closeAll() to drop.
      client.terminate();
      await this.failIfStopped(record, 'completed');
    }
    const session: Session | undefined = client ? { client, hangupRequested: false } : undefined;
    if (session) this.sessions.set(record.sid, session);
    const ended = this.finish(record, parsed, session, startedAt, connectError);
    const call = new EmulatedCall({
      callSid: record.sid,
      direction: record.direction,
      from: record.from,
      to: record.to,
      twiml,
      parsed,
      conversationId,
      client,
      ended,
      hangup: async () => {
        await this.hangUpSession(record.sid);
        const end = await ended;
        await this.ctx.calls.transition(record, 'completed');
        return end;
      },
    });
    if (session) session.call = call;
    return call;
  }

  private async finish(
    record: CallRecord,
    parsed: ParsedTwiml,
    session: Session | undefined,
    startedAt: number,
    connectError: EmulatorError | undefined,
  ): Promise<CallEnd> {
    const cr = parsed.conversationRelay;
    let end: CallEnd;
    if (!session) {
      end = {
        sessionStatus: 'failed',
        callStatus: 'in-progress',
        errorCode: '39001',
        errorMessage: 'Network connection to WebSocket server failed.',
        upgradeStatus: connectError?.context['upgradeStatus'] as number | undefined,
      };
    } else {
      const close = await session.client.closed;
      const base = { closeCode: close.code, closeReason: close.reason };
      if (close.endFrame) {
        end = { sessionStatus: 'ended', callStatus: 'in-progress', ...base };
        if (close.endFrame.handoffData !== undefined) end.handoffData = close.endFrame.handoffData;
      } else if (session.hangupRequested) {
        end = { sessionStatus: 'completed', callStatus: 'completed', ...base };
      } else {
        end = {
          sessionStatus: 'failed',
          callStatus: 'in-progress',
          errorCode: '64105',
          errorMessage: 'WebSocket Ended.',
          ...base,
        };
      }
    }
    this.sessions.delete(record.sid);
    let nextVerbs = parsed.afterConnect;
    if (cr?.action) {
      const params: Record<string, string> = {
        AccountSid: this.ctx.accountSid,
        ApiVersion: '2010-04-01',
        ApplicationSid: this.ctx.applicationSid,
        CallSid: record.sid,
        CallStatus: end.callStatus,
        Called: record.to,
        Caller: record.from,
        Direction: record.direction,
        From: record.from,
        To: record.to,
        SessionId: session?.client.setup.sessionId ?? newId.session(),
        SessionStatus: end.sessionStatus,
        SessionDuration: String(Math.round((Date.now() - startedAt) / 1000)),
      };
      if (end.handoffData !== undefined) params['HandoffData'] = end.handoffData;
      if (end.errorCode) {
        params['ErrorCode'] = end.errorCode;
        params['ErrorMessage'] = end.errorMessage ?? '';
      }
      end.callbackParams = params;
      const action = new URL(cr.action, this.ctx.app()?.origin);
      const self = this.ctx.selfOrigin();
      const studioFlow = studioWebhookFlow(action, self === undefined ? undefined : new URL(self).host);
      if (studioFlow) {
        // A Studio voice handoff: Studio takes over the live call; record it as an execution.
        end.studioExecution = recordVoiceHandoff(this.ctx.studio, studioFlow, params);
        end.callbackResponse = { status: 200 };
        nextVerbs = ['Studio'];
      } else {
        try {
          const delivery = await this.ctx.sender.send({
            kind: 'connect-action',
            url: action.toString(),
            method: cr.method,
            form: params,
          });
          end.callbackResponse = { status: delivery.status, body: delivery.responseBody };
          nextVerbs = [];
          if (delivery.ok && delivery.responseBody?.trim().startsWith('<')) {
            try {
              const next = parseTwiml(delivery.responseBody);
              end.callbackResponse.twiml = next;
              nextVerbs = next.verbs;
            } catch {
              // Not TwiML: Twilio would end the call, which is what an empty verb list does below.
            }
          }
        } catch {
          nextVerbs = [];
        }
      }
    }
    const continues = end.callStatus !== 'completed' && nextVerbs.some((v) => v !== 'Hangup');
    if (!continues) await this.ctx.calls.transition(record, 'completed');
    return end;
  }

  private createConversation(
    callSid: string,
    configurationId: string,
    customer: string,
    agent: string,
  ): string {
    const orchestrator = this.ctx.orchestrator;
    if (!orchestrator || configurationId !== this.ctx.configurationId) {
      throw new EmulatorError(
        EmulatorErrorCode.APP,
        `The TwiML's conversationConfiguration "${configurationId}" is not this emulator's configuration ` +
          `(${this.ctx.configurationId ?? 'none: started with orchestrated: false'})`,
      );
    }
    const profileId = this.ctx.memory.profileIdFor(customer);
    return orchestrator.create({
      configurationId,
      channelIds: [callSid],
      participants: [
        {
          type: 'CUSTOMER',
          profileId,
          addresses: [{ channel: 'VOICE', address: customer, channelId: callSid }],
        },
        { type: 'AI_AGENT', addresses: [{ channel: 'VOICE', address: agent, channelId: callSid }] },
      ],
    }).resource.id;
  }

  private transcribe(
    conversationId: string | undefined,
    callSid: string,
    author: string,
    recipient: string,
    text: string,
    channel: 0 | 1,
  ): void {
    const orchestrator = this.ctx.orchestrator;
    if (!conversationId || !orchestrator?.find(conversationId)) return;
    let t = 0;
    const words = text
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => {
        const word = { text: w, startTime: t, endTime: t + 0.35 };
        t += 0.4;
        return word;
      });
    orchestrator.addCommunication(conversationId, {
      author: { channel: 'VOICE', address: author },
      recipients: [{ channel: 'VOICE', address: recipient }],
      content: {
        type: 'TRANSCRIPTION',
        text,
        transcription: { channel, confidence: 0.95, engine: 'deepgram', words },
      },
      channelId: callSid,
      deliverToCustomer: false,
    });
  }
}
