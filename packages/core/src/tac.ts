import type { TACAgent } from './agent/types.ts';
import { useAgent as installAgent, type UseAgentOptions } from './agent/use-agent.ts';
import type { Channel, OrchestratorEvent } from './channels/channel.ts';
import type { ChannelType } from './channels/channel-type.ts';
import { TACConfig, type TACConfigData } from './config/index.ts';
import { TACError, TACErrorCode } from './errors/index.ts';
import { TwilioHttpClient, type TwilioHttpClientOptions } from './http/index.ts';
import { type OperatorProcessingResult, processCintelEvent } from './intelligence/process-cintel-event.ts';
import { createLogger, type TACLogger } from './logging/index.ts';
import { retrieveMemory } from './memory/retrieve-memory.ts';
import type { TACMemoryResponse } from './memory/tac-memory-response.ts';
import { dispatchOrchestratorEvent } from './orchestrator/dispatch-event.ts';
import { type ConversationSession, InMemorySessionStore, type SessionStore } from './session/index.ts';
import { TACEvents } from './turn/events.ts';
import type {
  ConversationEndedHandler,
  ConversationEndReason,
  ErrorContext,
  ErrorHandler,
  InterruptContext,
  InterruptHandler,
  MessageReadyHandler,
} from './turn/handlers.ts';

/** Tunables of the runtime; all have defaults. */
export interface TACOptions {
  /** Upper bound of one turn (model + tools), after which the customer gets the apology. @defaultValue 60_000 */
  turnTimeoutMs: number;
  /** Memory retrieval never delays a turn longer than this; then the turn goes on without it. @defaultValue 3_000 */
  memoryTimeoutMs: number;
  /** Said or sent when a turn fails. @defaultValue "I'm sorry, something went wrong on my side. Could you say that again?" */
  apologyMessage: string;
  /** History items kept per conversation. @defaultValue 200 */
  maxHistoryItems: number;
}

/** Arguments of {@link TAC.create}. */
export interface TACCreateOptions {
  /** A {@link TACConfig}, or its data. @defaultValue `TACConfig.fromEnv()` */
  config?: TACConfig | TACConfigData;
  logger?: TACLogger;
  /** Where sessions and history live. @defaultValue an {@link InMemorySessionStore} */
  sessionStore?: SessionStore;
  /** REST client options (timeouts, retries, fetch). */
  http?: TwilioHttpClientOptions;
  options?: Partial<TACOptions>;
}

/** The subset of an Orchestrator Configuration TAC uses. */
export interface OrchestratorConfiguration {
  id: string;
  memoryStoreId?: string;
  conversationsV1Bridge?: { serviceId?: string };
  [key: string]: unknown;
}

const DEFAULT_OPTIONS: TACOptions = {
  turnTimeoutMs: 60_000,
  memoryTimeoutMs: 3_000,
  apologyMessage: "I'm sorry, something went wrong on my side. Could you say that again?",
  maxHistoryItems: 200,
};

const constructing = Symbol('tac.constructing');

/**
 * The Twilio Agent Connect runtime: configuration, channels, sessions, the
 * turn, and the hooks your code plugs into. Create it with {@link TAC.create}.
 *
 * @example
 * ```ts
 * const tac = await TAC.create({ config: TACConfig.fromEnv() });
 * tac.registerChannel(new VoiceChannel(tac));
 * tac.onMessageReady(async ({ message }) => `You said: ${message}`);
 * ```
 */
export class TAC {
  readonly config: TACConfig;
  readonly logger: TACLogger;
  readonly sessions: SessionStore;
  readonly http: TwilioHttpClient;
  /** Lifecycle events (turns, tools, handoffs) for observers; never sent anywhere. */
  readonly events = new TACEvents();
  readonly options: TACOptions;
  /** The Orchestrator configuration fetched at create (orchestrated mode only). */
  readonly configuration: OrchestratorConfiguration | undefined;

  private readonly channelMap = new Map<ChannelType, Channel>();
  private handler: MessageReadyHandler | undefined;
  private readonly interruptHandlers: InterruptHandler[] = [];
  private readonly endedHandlers: ConversationEndedHandler[] = [];
  private readonly errorHandlers: ErrorHandler[] = [];
  private shuttingDown = false;

  /** @internal Use {@link TAC.create}. */
  constructor(
    token: typeof constructing,
    init: {
      config: TACConfig;
      logger: TACLogger;
      sessions: SessionStore;
      http: TwilioHttpClient;
      options: TACOptions;
      configuration?: OrchestratorConfiguration;
    },
  ) {
    if (token !== constructing)
      throw new TACError(TACErrorCode.INVALID_ARGUMENT, 'TAC constructor is private. Use TAC.create()');
    this.config = init.config;
    this.logger = init.logger;
    this.sessions = init.sessions;
    this.http = init.http;
    this.options = init.options;
    this.configuration = init.configuration;
  }

  /**
   * Validate the configuration and, in orchestrated mode, fetch the
   * Conversation Configuration (for the Memory store id). Fails with a clear
   * `TAC_ERR_CONFIG` error when the configuration can't be read.
   */
  static async create(options: TACCreateOptions = {}): Promise<TAC> {
    const config =
      options.config instanceof TACConfig
        ? options.config
        : options.config
          ? new TACConfig(options.config)
          : TACConfig.fromEnv();
    const logger = options.logger ?? createLogger({ level: config.values.logLevel });
    const http = new TwilioHttpClient(config, { logger, ...options.http });
    let configuration: OrchestratorConfiguration | undefined;
    const id = config.values.conversationConfigurationId;
    if (id) {
      try {
        const res = await http.request<OrchestratorConfiguration>({
          product: 'conversations',
          method: 'GET',
          path: `/v2/ControlPlane/Configurations/${encodeURIComponent(id)}`,
          timeoutMs: 10_000,
        });
        configuration = res.body;
      } catch (error) {
        throw new TACError(
          TACErrorCode.CONFIG,
          `Could not fetch Conversation Configuration ${id} (TWILIO_CONVERSATION_CONFIGURATION_ID): ${(error as Error).message}. ` +
            'Check the id and credentials, or unset it to run voice in ConversationRelay-only mode.',
          { cause: error, context: { variables: ['TWILIO_CONVERSATION_CONFIGURATION_ID'] } },
        );
      }
    }
    return new TAC(constructing, {
      config,
      logger,
      sessions: options.sessionStore ?? new InMemorySessionStore(),
      http,
      options: { ...DEFAULT_OPTIONS, ...options.options },
      configuration,
    });
  }

  /** Orchestrator mode (messaging, Memory) vs ConversationRelay-only voice. */
  isOrchestratorEnabled(): boolean {
    return this.config.isOrchestratorEnabled();
  }

  /** The Memory store of the Orchestrator configuration, if any. */
  get memoryStoreId(): string | undefined {
    return this.configuration?.memoryStoreId;
  }

  /** Register a channel; replaces a channel of the same type. */
  registerChannel<C extends Channel>(channel: C): C {
    this.channelMap.set(channel.type, channel);
    return channel;
  }

  /** The registered channel of a type. */
  getChannel<C extends Channel = Channel>(type: ChannelType): C | undefined {
    return this.channelMap.get(type) as C | undefined;
  }

  /** Every registered channel. */
  get channels(): readonly Channel[] {
    return [...this.channelMap.values()];
  }

  /**
   * Handle every customer turn (low level, as in Twilio's TAC). Return a
   * string (sent for you), an `AsyncIterable<string>` (streamed token by token
   * on voice), or nothing (you sent the reply yourself). Replaces any earlier
   * handler or agent.
   */
  onMessageReady(handler: MessageReadyHandler): this {
    this.handler = handler;
    return this;
  }

  /** Called on voice barge-in, after the running turn was aborted. */
  onInterrupt(handler: InterruptHandler): this {
    this.interruptHandlers.push(handler);
    return this;
  }

  /** Called when a conversation ends and its session is removed. */
  onConversationEnded(handler: ConversationEndedHandler): this {
    this.endedHandlers.push(handler);
    return this;
  }

  /** Called with errors TAC handled itself (apology sent, message dropped, send failed after retries). */
  onError(handler: ErrorHandler): this {
    this.errorHandlers.push(handler);
    return this;
  }

  /**
   * Serve every channel with one agent (from `@tac/ai-sdk`, `@tac/openai-agents`
   * or `@tac/langchain`). Tools are checked now, so misconfiguration fails at
   * start-up rather than at the first customer.
   */
  useAgent(agent: TACAgent, options: Partial<UseAgentOptions> = {}): this {
    installAgent(this, agent, options);
    return this;
  }

  /** @internal The active message handler. */
  get messageHandler(): MessageReadyHandler | undefined {
    return this.handler;
  }

  /** The apology given when a turn fails. */
  get apologyMessage(): string {
    return this.options.apologyMessage;
  }

  /** True once {@link TAC.shutdown} started. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Memory for a session: Conversation Memory Recall, falling back to the
   * Orchestrator's communications, or empty in relay-only mode. Never throws.
   */
  retrieveMemory(session: ConversationSession, query?: string): Promise<TACMemoryResponse> {
    return retrieveMemory(this, session, query);
  }

  /** Route a Conversation Orchestrator webhook event (what `POST /webhook` does). */
  handleOrchestratorEvent(event: OrchestratorEvent, meta: { idempotencyToken?: string } = {}): Promise<void> {
    return dispatchOrchestratorEvent(this, event, meta);
  }

  /**
   * Turn a Conversation Intelligence webhook into Memory summaries (what
   * `POST /ci-webhook` does). Requires `TWILIO_TAC_CI_CONFIGURATION_ID`.
   */
  processCintelEvent(payload: unknown): Promise<OperatorProcessingResult> {
    return processCintelEvent(this, payload);
  }

  /** @internal Fire interrupt hooks (voice channel). */
  async emitInterrupt(context: InterruptContext): Promise<void> {
    this.events.emit('interrupt-received', {
      conversationId: context.conversationId,
      channel: context.channel,
      utteranceUntilInterrupt: context.utteranceUntilInterrupt,
    });
    for (const h of this.interruptHandlers) {
      try {
        await h(context);
      } catch (error) {
        this.reportError(error, {
          conversationId: context.conversationId,
          channel: context.channel,
          stage: 'onInterrupt',
        });
      }
    }
  }

  /**
   * End a conversation locally: remove its session and history, then fire
   * `onConversationEnded`. Safe to call twice (the second call does nothing).
   */
  async endConversation(conversationId: string, reason: ConversationEndReason): Promise<void> {
    const session = await this.sessions.get(conversationId);
    if (!session) return;
    await this.sessions.delete(conversationId);
    this.events.emit('conversation-ended', { conversationId, channel: session.channel, reason });
    for (const h of this.endedHandlers) {
      try {
        await h({ session, reason });
      } catch (error) {
        this.reportError(error, { conversationId, channel: session.channel, stage: 'onConversationEnded' });
      }
    }
  }

  /** @internal Log an error (PII-masked) and tell `onError` handlers; never throws. */
  reportError(error: unknown, context: ErrorContext): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.error({ err, ...context }, err.message);
    for (const h of this.errorHandlers) {
      Promise.resolve()
        .then(() => h(err, context))
        .catch((e) => this.logger.warn({ err: e }, 'onError handler threw'));
    }
  }

  /** Stop accepting turns, drain channels (open calls, in-flight turns), then close the session store and idle REST connections. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    await Promise.allSettled(this.channels.map((c) => c.drain?.(timeoutMs)));
    await this.sessions.close?.();
    this.http.close();
  }
}
