import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { type CallRecord, CallRegistry } from '../api/call-registry.ts';
import { registerCallRoutes } from '../api/calls-routes.ts';
import { registerMessageRoutes, type SentMessage } from '../api/messages-routes.ts';
import { Inboxes } from '../customers/inbox.ts';
import { type CustomerOptions, MessagingCustomer } from '../customers/messaging-customer.ts';
import { receiveInbound } from '../customers/receive-inbound.ts';
import { checkBasicAuth } from '../http/basic-auth.ts';
import { FaultInjector } from '../http/faults.ts';
import { productOf } from '../http/products.ts';
import { sendTwilioError, TwilioHttpError, twilioErrorBody } from '../http/twilio-error.ts';
import { IntelligenceControls } from '../intelligence/intelligence-controls.ts';
import { registerKnowledgeRoutes } from '../knowledge/knowledge-routes.ts';
import { KnowledgeStore } from '../knowledge/knowledge-store.ts';
import { registerMemoryRoutes } from '../memory/memory-routes.ts';
import type { MemoryCommunication } from '../memory/memory-store.ts';
import { MemoryStore } from '../memory/memory-store.ts';
import { type CustomerChannel, orchestratorChannel } from '../orchestrator/addresses.ts';
import { registerOrchestratorRoutes } from '../orchestrator/orchestrator-routes.ts';
import { OrchestratorStore } from '../orchestrator/orchestrator-store.ts';
import type {
  ActionRecord,
  CommunicationResource,
  ConfigurationResource,
  ConversationResource,
  ConversationStatus,
  OrchestratorEventType,
  ParticipantResource,
} from '../orchestrator/types.ts';
import { registerStudioRoutes } from '../studio/studio-routes.ts';
import { StudioStore } from '../studio/studio-store.ts';
import { isStudioWebhookRequest } from '../studio/studio-webhook.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { newId, randomHex, randomPhone, sid } from '../util/ids.ts';
import { isoNow, sleep } from '../util/time.ts';
import { type WaitForOptions, waitFor } from '../util/wait-for.ts';
import type { EmulatedCall } from '../voice/emulated-call.ts';
import { type AnswerOptions, type PlaceCallOptions, VoiceCaller } from '../voice/voice-caller.ts';
import { type WebhookDelivery, WebhookSender } from '../webhooks/webhook-sender.ts';
import {
  type AppTarget,
  AppTargetSchema,
  type EmulatorOptions,
  EmulatorOptionsSchema,
  parseOptions,
  type ResolvedEmulatorOptions,
} from './options.ts';

/** `emu.orchestrator`: read and drive Conversation Orchestrator state. */
export interface OrchestratorControls {
  /** The Conversation Configuration (its `statusCallbacks` follow `setApp`). */
  readonly configuration: ConfigurationResource;
  /** Every conversation, oldest first. */
  conversations(filter?: { status?: ConversationStatus; channelId?: string }): ConversationResource[];
  /** One conversation. */
  conversation(id: string): ConversationResource | undefined;
  participants(conversationId: string): ParticipantResource[];
  communications(conversationId: string): CommunicationResource[];
  /** Every Actions API request (`SEND_MESSAGE`), oldest first. */
  readonly actions: readonly ActionRecord[];
  /** Change a conversation's status as Twilio would (sends `CONVERSATION_UPDATED`). */
  setStatus(conversationId: string, status: ConversationStatus): Promise<WebhookDelivery | undefined>;
  /** Simulate the CLOSED timeout: status CLOSED + `CONVERSATION_UPDATED`. */
  closeConversation(conversationId: string): Promise<WebhookDelivery | undefined>;
  /** Orchestrator webhooks sent so far (optionally of one event type). */
  webhooks(eventType?: OrchestratorEventType): WebhookDelivery[];
  /** The underlying store (advanced). */
  readonly store: OrchestratorStore;
}

/** `emu.calls`: Calls API records and the callee side of outbound calls. */
export interface CallControls {
  /** Calls created through the Calls API, oldest first. */
  readonly created: readonly CallRecord[];
  /** Every call (also emulated inbound calls). */
  readonly all: readonly CallRecord[];
  /** Calls with a live ConversationRelay session. */
  readonly active: EmulatedCall[];
  get(callSid: string): CallRecord | undefined;
  /** Answer an outbound call: fetch its TwiML, open its ConversationRelay session, return the call handle. */
  answer(callSid: string, options?: AnswerOptions): Promise<EmulatedCall>;
  /** The callee does not pick up. */
  reject(callSid: string, status?: 'busy' | 'no-answer' | 'failed' | 'canceled'): Promise<void>;
}

const DEFAULT_CHANNEL_SETTINGS = {
  SMS: { statusTimeouts: { inactive: 2, closed: 3 }, captureRules: [] },
  WHATSAPP: { statusTimeouts: { inactive: 10, closed: 15 }, captureRules: [] },
  RCS: { statusTimeouts: { inactive: 10, closed: 15 }, captureRules: [] },
  CHAT: { statusTimeouts: { inactive: 10, closed: 15 }, captureRules: [] },
  VOICE: { statusTimeouts: { inactive: 5, closed: 30 }, captureRules: [] },
};

/**
 * A local Twilio for tests: Conversation Orchestrator, Memory, Knowledge,
 * Studio, Calls and Messages on one origin with Twilio's real paths, plus the
 * customers and callers that drive an app. Webhooks and WebSocket upgrades are
 * signed with the auth token exactly as Twilio signs them.
 *
 * @example
 * ```ts
 * const emu = await TwilioEmulator.start();
 * const app = await startMyApp(emu.env);          // reads TWILIO_* incl. TWILIO_API_BASE_URL
 * emu.setApp({ url: app.url });
 * const alice = emu.customer({ channel: 'sms' });
 * await alice.send('Hello');
 * expect((await alice.nextReply()).text).toMatch(/hi/i);
 * await emu.stop();
 * ```
 */
export class TwilioEmulator {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly phoneNumber: string;
  readonly whatsappNumber: string;
  readonly rcsSenderId: string;
  /** Conversation Configuration id (undefined with `orchestrated: false`). */
  readonly configurationId: string | undefined;
  readonly studioFlowSid: string;
  readonly orchestrator: OrchestratorControls;
  /** Conversation Memory: `seedProfile`, `profiles`, `recalls`, `lookups`. */
  readonly memory: MemoryStore;
  /** Enterprise Knowledge: `seed`, `setMetadata`, `searches`. */
  readonly knowledge: KnowledgeStore;
  /** Studio: `executions`. */
  readonly studio: StudioStore;
  /** Conversation Intelligence: `deliver()` operator results to the app's `/ci-webhook`; `env`, `deliveries`. */
  readonly intelligence: IntelligenceControls;
  readonly calls: CallControls;
  /** Messages API: `sent`. */
  readonly messages: { readonly sent: SentMessage[] };
  /** Per-product fault injection. */
  readonly faults: FaultInjector;

  private readonly options: ResolvedEmulatorOptions;
  private readonly server: FastifyInstance;
  private readonly sender: WebhookSender;
  private readonly store: OrchestratorStore;
  private readonly voice: VoiceCaller;
  private readonly inboxes = new Inboxes();
  private readonly customers = new Map<string, MessagingCustomer>();
  private app:
    | { url: string; origin: string; webhookUrl: string; twimlUrl: string; ciWebhookPath: string }
    | undefined;
  private chatCustomers = 0;
  private stopping: Promise<void> | undefined;
  private readonly stopped = new AbortController();
  private origin = '';

  private constructor(options: ResolvedEmulatorOptions, server: FastifyInstance) {
    this.options = options;
    this.server = server;
    this.accountSid = options.accountSid ?? sid('AC');
    this.authToken = options.authToken ?? randomHex(32);
    this.apiKey = options.apiKey ?? sid('SK');
    this.apiSecret = options.apiSecret ?? randomHex(32);
    this.phoneNumber = options.phoneNumber;
    this.whatsappNumber = options.whatsappNumber ?? `whatsapp:${options.phoneNumber}`;
    this.rcsSenderId = options.rcsSenderId;
    this.studioFlowSid = newId.flow();
    this.faults = new FaultInjector();
    this.memory = new MemoryStore();
    this.knowledge = new KnowledgeStore(options.knowledgeBase);
    this.studio = new StudioStore();
    this.messages = { sent: [] };
    this.sender = new WebhookSender({
      authToken: this.authToken,
      retry: options.webhookRetry,
      appOrigin: () => this.app?.origin,
    });
    const now = isoNow();
    const configuration: ConfigurationResource = {
      id: newId.configuration(),
      displayName: 'tac-emulator',
      description: 'Conversation Configuration of the local Twilio emulator',
      conversationGroupingType: options.conversationGroupingType,
      memoryStoreId: this.memory.storeId,
      channelSettings: DEFAULT_CHANNEL_SETTINGS,
      statusCallbacks: [],
      intelligenceConfigurationIds: [],
      conversationsV1Bridge: { serviceId: newId.chatService() },
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    this.configurationId = options.orchestrated ? configuration.id : undefined;
    const events = new Set(options.webhookEvents);
    this.store = new OrchestratorStore({
      accountId: this.accountSid,
      configuration,
      hooks: {
        emit: async (record, event) => {
          if (!events.has(event.eventType)) return undefined;
          const callbacks = this.store.statusCallbacksOf(record);
          const deliveries = await Promise.all(
            callbacks.map((cb) =>
              this.sender.send({
                kind: 'orchestrator',
                url: cb.url,
                json: event,
                eventType: event.eventType,
                conversationId: record.resource.id,
                serialKey: record.resource.id,
              }),
            ),
          );
          return deliveries[0];
        },
        deliverToCustomer: (communication) => this.inboxes.deliver(communication),
      },
    });
    this.intelligence = new IntelligenceControls({
      accountSid: this.accountSid,
      memoryStoreId: this.memory.storeId,
      sender: this.sender,
      orchestrator: this.store,
      app: () => this.app && { url: this.app.url, ciWebhookPath: this.app.ciWebhookPath },
    });
    const callRegistry = new CallRegistry(this.accountSid, this.sender);
    this.voice = new VoiceCaller({
      accountSid: this.accountSid,
      authToken: this.authToken,
      applicationSid: sid('AP'),
      phoneNumber: this.phoneNumber,
      configurationId: this.configurationId,
      sender: this.sender,
      calls: callRegistry,
      orchestrator: this.store,
      memory: this.memory,
      studio: this.studio,
      selfOrigin: () => this.origin || undefined,
      app: () => this.app,
      signal: this.stopped.signal,
    });
    const store = this.store;
    const sender = this.sender;
    this.orchestrator = {
      get configuration() {
        return store.configuration;
      },
      conversations: (filter = {}) => store.list(filter),
      conversation: (id) => (store.find(id) ? structuredClone(store.get(id).resource) : undefined),
      participants: (id) => structuredClone(store.get(id).participants),
      communications: (id) => structuredClone(store.get(id).communications),
      get actions() {
        return store.actions;
      },
      setStatus: (id, status) => this.setConversationStatus(id, status),
      closeConversation: (id) => this.setConversationStatus(id, 'CLOSED'),
      webhooks: (eventType) =>
        sender.deliveries.filter(
          (d) => d.kind === 'orchestrator' && (!eventType || d.eventType === eventType),
        ),
      store,
    };
    const voice = this.voice;
    this.calls = {
      get created() {
        return callRegistry.created;
      },
      get all() {
        return callRegistry.all;
      },
      get active() {
        return voice.active;
      },
      get: (callSid) => callRegistry.get(callSid),
      answer: (callSid, opts) => voice.answer(callSid, opts),
      reject: (callSid, status) => voice.reject(callSid, status),
    };
    this.registerRoutes(callRegistry);
    if (options.app) this.setApp(options.app);
  }

  /** Start an emulator on 127.0.0.1 and a random port (options are all optional). */
  static async start(options: EmulatorOptions = {}): Promise<TwilioEmulator> {
    const parsed = parseOptions(EmulatorOptionsSchema, options, 'TwilioEmulator options');
    const server = Fastify({
      logger: parsed.logger ? { level: 'info' } : false,
      forceCloseConnections: true,
      bodyLimit: 1024 * 1024,
    });
    await server.register(formbody);
    // Routes are added by the constructor; fastify only needs them before listen().
    const emulator = new TwilioEmulator(parsed, server);
    await server.listen({ host: parsed.host, port: parsed.port });
    const { port } = server.server.address() as { port: number };
    emulator.origin = `http://${parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host}:${port}`;
    return emulator;
  }

  /** `http://127.0.0.1:<port>`: every product on one origin. */
  get baseUrl(): string {
    return this.origin;
  }

  /**
   * Environment for an app, as-is: credentials, numbers, ids and
   * `TWILIO_API_BASE_URL` (plus `TWILIO_VOICE_PUBLIC_DOMAIN` once the app is set).
   */
  get env(): Record<string, string> {
    const env: Record<string, string> = {
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_API_KEY: this.apiKey,
      TWILIO_API_SECRET: this.apiSecret,
      TWILIO_PHONE_NUMBER: this.phoneNumber,
      TWILIO_WHATSAPP_NUMBER: this.whatsappNumber,
      TWILIO_RCS_SENDER_ID: this.rcsSenderId,
    };
    if (this.configurationId) env['TWILIO_CONVERSATION_CONFIGURATION_ID'] = this.configurationId;
    env['TWILIO_KNOWLEDGE_BASE_ID'] = this.knowledge.base.id;
    env['TWILIO_STUDIO_HANDOFF_FLOW_SID'] = this.studioFlowSid;
    env['TWILIO_API_BASE_URL'] = this.baseUrl;
    if (this.app) env['TWILIO_VOICE_PUBLIC_DOMAIN'] = new URL(this.app.url).host;
    return env;
  }

  /** The Memory store id (the configuration's `memoryStoreId`). */
  get memoryStoreId(): string {
    return this.memory.storeId;
  }

  /** Every webhook sent (Orchestrator, TwiML, action callbacks, call status), oldest first. */
  get webhooks(): readonly WebhookDelivery[] {
    return this.sender.deliveries;
  }

  /**
   * Point the emulator at the app: Orchestrator webhooks go to
   * `url + webhookPath` (it becomes the configuration's status callback),
   * calls to `url + twimlPath` and Conversation Intelligence webhooks to
   * `url + ciWebhookPath`; public hosts in TwiML are forwarded to `url`.
   */
  setApp(target: AppTarget): void {
    const app = parseOptions(AppTargetSchema, target, 'setApp options');
    const base = app.url.replace(/\/+$/, '');
    this.app = {
      url: base,
      origin: new URL(base).origin,
      webhookUrl: `${base}${app.webhookPath}`,
      twimlUrl: `${base}${app.twimlPath}`,
      ciWebhookPath: app.ciWebhookPath,
    };
    this.store.configuration.statusCallbacks = [{ url: this.app.webhookUrl, method: 'POST' }];
    this.store.configuration.updatedAt = isoNow();
  }

  /** A simulated messaging customer (the same handle for the same channel and address). */
  customer(options: CustomerOptions): MessagingCustomer {
    const channel = options.channel;
    if (!['sms', 'whatsapp', 'rcs', 'chat'].includes(channel)) {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `customer channel must be sms, whatsapp, rcs or chat; got "${String(channel)}"`,
      );
    }
    const address = options.address ?? this.defaultAddress(channel);
    const key = `${channel}:${address}`;
    const existing = this.customers.get(key);
    if (existing) return existing;
    const customer = new MessagingCustomer({
      channel,
      address,
      chatChannelId: channel === 'chat' ? newId.chatChannel() : undefined,
      v1Bridge: options.v1Bridge ?? this.options.v1Bridge,
      agentParticipant: options.agentParticipant ?? true,
      inbox: this.inboxes.of(orchestratorChannel(channel), address),
      backend: {
        send: (c, text) => {
          this.stopped.signal.throwIfAborted();
          if (!this.configurationId) {
            throw new EmulatorError(
              EmulatorErrorCode.UNSUPPORTED,
              'Messaging needs the Orchestrator: start the emulator with orchestrated: true (the default)',
            );
          }
          if (!this.app) {
            throw new EmulatorError(
              EmulatorErrorCode.APP,
              'No app to deliver to: call emu.setApp({ url }) first',
            );
          }
          const sent = receiveInbound(this.store, this.memory, {
            channel: orchestratorChannel(c.channel),
            address: c.address,
            agentAddress: this.agentAddress(c.channel),
            text,
            chatChannelId: c.chatChannelId,
            v1Bridge: c.v1Bridge,
            agentParticipant: c.agentParticipant,
          });
          return { ...sent, delivery: sent.delivery.then((d) => this.unlessCutShort(d)) };
        },
        redeliver: async (delivery) => {
          this.stopped.signal.throwIfAborted();
          return this.unlessCutShort(await this.sender.redeliver(delivery));
        },
      },
    });
    this.customers.set(key, customer);
    return customer;
  }

  /**
   * Place an inbound call to the app: signed POST to its TwiML URL, the
   * ConversationRelay WebSocket (signed upgrade, `setup`), and in orchestrated
   * mode the call's conversation. Resolves once `setup` was sent. Rejects with
   * `EMU_ERR_STOPPED` once the emulator is stopped, also when the stop came
   * while the call was being set up (nothing connects afterwards).
   */
  call(options: PlaceCallOptions = {}): Promise<EmulatedCall> {
    return this.voice.placeCall(options);
  }

  /** Deliver the last Orchestrator webhook again, with the same idempotency token. */
  redeliverLast(): Promise<WebhookDelivery> {
    const last = this.sender.deliveries.filter((d) => d.kind === 'orchestrator' && !d.redelivery).at(-1);
    if (!last)
      throw new EmulatorError(EmulatorErrorCode.INVALID_OPTIONS, 'No Orchestrator webhook was sent yet');
    return this.sender.redeliver(last);
  }

  /** Poll until `condition` is truthy (returns its value) or throw `EMU_ERR_TIMEOUT`. */
  waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
    return waitFor(condition, options);
  }

  /**
   * Stop: hang up live calls, abandon calls being set up, abort pending
   * webhooks, close the server. Safe to call twice. What is pending on it, and
   * customer sends and calls made afterwards, reject with `EMU_ERR_STOPPED`.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const error = new EmulatorError(EmulatorErrorCode.STOPPED, 'The emulator was stopped');
      // The reason is what every call made after (or cut short by) the stop rejects with.
      this.stopped.abort(error);
      this.voice.closeAll();
      this.inboxes.close(error);
      await this.sender.close();
      await this.store.settle();
      await this.server.close();
    })();
    return this.stopping;
  }

  /** `await using emu = await TwilioEmulator.start()` stops it at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  // A delivery that failed because stop() aborted it says nothing about the app: report the stop.
  private unlessCutShort<D extends WebhookDelivery | undefined>(delivery: D): D {
    if (!delivery?.ok) this.stopped.signal.throwIfAborted();
    return delivery;
  }

  private agentAddress(channel: CustomerChannel): string {
    switch (channel) {
      case 'sms':
        return this.phoneNumber;
      case 'whatsapp':
        return this.whatsappNumber;
      case 'rcs':
        return this.rcsSenderId;
      case 'chat':
        return this.options.chatAgentAddress;
    }
  }

  private defaultAddress(channel: CustomerChannel): string {
    switch (channel) {
      case 'sms':
        return randomPhone();
      case 'whatsapp':
        return `whatsapp:${randomPhone()}`;
      case 'rcs':
        return `rcs:${randomPhone()}`;
      case 'chat':
        this.chatCustomers += 1;
        return `customer${this.chatCustomers}@example.com`;
    }
  }

  private async setConversationStatus(
    id: string,
    status: ConversationStatus,
  ): Promise<WebhookDelivery | undefined> {
    return this.store.update(id, { status }).delivery;
  }

  private communicationsForMemory(conversationId: string): MemoryCommunication[] {
    const record = this.store.find(conversationId);
    if (!record) return [];
    const party = (p: { address: string; channel: string; participantId: string | null }) => {
      const participant = record.participants.find((x) => x.id === p.participantId);
      return {
        id: p.participantId,
        name: participant?.name ?? null,
        address: p.address,
        channel: p.channel,
        type: participant?.type ?? null,
        profileId: participant?.profileId ?? null,
      };
    };
    return record.communications.map((c) => ({
      id: c.id,
      author: party(c.author),
      content: { text: c.content.text },
      recipients: c.recipients.map(party),
      channelId: c.channelId,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    }));
  }

  private registerRoutes(calls: CallRegistry): void {
    const server = this.server;
    const credentials = [
      { username: this.apiKey, password: this.apiSecret },
      { username: this.accountSid, password: this.authToken },
    ];
    server.addHook('onRequest', async (req, reply) => {
      const product = productOf(req.url);
      const fault = product ? this.faults.take(product) : undefined;
      if (fault) {
        if ('drop' in fault) {
          reply.hijack();
          req.raw.socket.destroy();
          return reply;
        }
        if ('delayMs' in fault) {
          try {
            await sleep(fault.delayMs, this.stopped.signal);
          } catch {
            // Stopping: drop the held request rather than answer it late.
            reply.hijack();
            req.raw.socket.destroy();
            return reply;
          }
        } else {
          return sendTwilioError(
            reply,
            new TwilioHttpError(
              fault.status,
              fault.message ?? `Injected fault: ${product} answered ${fault.status}`,
              {
                code: fault.code,
              },
            ),
          );
        }
      }
      if (isStudioWebhookRequest(req.method, req.url)) return undefined;
      if (!checkBasicAuth(req.headers.authorization, credentials)) {
        reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
        return sendTwilioError(reply, new TwilioHttpError(401, 'Authenticate', { code: 20003 }));
      }
      return undefined;
    });
    // The emulator serves no WebSocket (ConversationRelay sockets are the app's). Without an 'upgrade'
    // listener Node answers such a request like any other but leaves its socket out of what close()
    // ends, so it outlived stop(): refuse the upgrade here and close the connection.
    server.server.on('upgrade', (req, socket) => {
      const body = JSON.stringify(twilioErrorBody(404, `No WebSocket is served at ${req.url ?? '/'}`));
      socket.on('error', () => {});
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        () => socket.destroy(),
      );
    });
    server.setErrorHandler((error, _req, reply) => {
      if (error instanceof TwilioHttpError) return sendTwilioError(reply, error);
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) {
        return sendTwilioError(reply, new TwilioHttpError(status, (error as Error).message));
      }
      return sendTwilioError(reply, new TwilioHttpError(500, `Emulator error: ${(error as Error).message}`));
    });
    server.setNotFoundHandler((req, reply) =>
      sendTwilioError(
        reply,
        new TwilioHttpError(404, `The requested resource ${req.method} ${req.url} was not found`),
      ),
    );
    registerOrchestratorRoutes(server, this.store);
    registerMemoryRoutes(server, this.memory, (id) => this.communicationsForMemory(id));
    registerKnowledgeRoutes(server, this.knowledge);
    registerStudioRoutes(server, this.studio, this.accountSid);
    registerCallRoutes(server, calls, this.accountSid);
    registerMessageRoutes(server, this.messages.sent, this.accountSid);
  }
}
