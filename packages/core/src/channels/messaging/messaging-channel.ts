import type { z } from 'zod';
import type { TACConfigValues } from '../../config/index.ts';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { BoundedSet } from '../../orchestrator/bounded-set.ts';
import { ConversationsClient } from '../../orchestrator/conversations-client.ts';
import type { MessageEndpoint, Participant } from '../../orchestrator/orchestrator-types.ts';
import {
  CommunicationCreatedDataSchema,
  ConversationUpdatedDataSchema,
  parseEventData,
} from '../../orchestrator/webhook-event.ts';
import { type ConversationSession, createSession } from '../../session/index.ts';
import type { TAC } from '../../tac.ts';
import { runTurn } from '../../turn/run-turn.ts';
import { turnAbortReasonOf } from '../../turn/turn-abort.ts';
import type { Channel, OrchestratorEvent, SendResponseOptions } from '../channel.ts';
import { type MemoryMode, type MessagingChannelType, orchestratorChannelName } from '../channel-type.ts';
import { type BatchOutcome, ConversationScheduler, type DropReason } from './conversation-scheduler.ts';
import { EventLoopLoad } from './event-loop-load.ts';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  MessagingChannelOptionsSchema,
  type MessagingChannelSettings,
  parseChannelOptions,
} from './messaging-options.ts';
import { initiateOutbound, type OutboundMessagingOptions, type OutboundResult } from './outbound.ts';
import { ownsAddress, reconcileParticipants } from './reconcile-participants.ts';
import { splitMessage } from './split-message.ts';

/** One accepted customer message waiting for its turn. */
export interface InboundMessage {
  text: string;
  communicationId?: string;
  /** The writer's address. */
  address: string;
  /** The writer's participant id, when the webhook carried it. */
  participantId?: string;
  /** Chat: the Conversations v1 channel SID. */
  channelId?: string;
  serviceId?: string;
}

/** How a subclass describes its channel to {@link MessagingChannel}. */
export interface MessagingChannelSpec<S extends z.ZodType = typeof MessagingChannelOptionsSchema> {
  type: MessagingChannelType;
  /** For error messages, e.g. `SMSChannel`. */
  className: string;
  schema?: S;
  /** A configuration value the channel cannot work without (e.g. the WhatsApp sender). */
  requires?: { key: keyof TACConfigValues; variable: string };
}

const AGENT_TYPES = new Set(['AI_AGENT', 'AGENT']);

const same = (a: string | undefined | null, b: string | undefined | null) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

async function collect(stream: AsyncIterable<string>, signal?: AbortSignal): Promise<string> {
  let text = '';
  for await (const delta of stream) {
    if (signal?.aborted) break;
    if (typeof delta === 'string') text += delta;
  }
  return text;
}

/**
 * Base of the channels served through Conversation Orchestrator (SMS,
 * WhatsApp, RCS, Chat): webhook routing (reference §2.2), per-conversation
 * turn scheduling with burst handling, participant reconciliation before the
 * model runs, replies through the Actions API (split, ordered, retried and
 * reported), outbound conversations and lifecycle (INACTIVE, CLOSED).
 *
 * Requires orchestrated mode (`TWILIO_CONVERSATION_CONFIGURATION_ID`).
 */
export abstract class MessagingChannel implements Channel {
  readonly type: MessagingChannelType;
  readonly memoryMode: MemoryMode;
  /** Parsed options with defaults. */
  readonly settings: Readonly<MessagingChannelSettings>;
  protected readonly tac: TAC;
  protected readonly conversations: ConversationsClient;
  private readonly seen: BoundedSet;
  private readonly scheduler: ConversationScheduler<InboundMessage>;

  protected constructor(tac: TAC, options: unknown, spec: MessagingChannelSpec<z.ZodType>) {
    if (!tac.isOrchestratorEnabled()) {
      throw new TACError(
        TACErrorCode.NOT_CONFIGURED,
        `${spec.className} needs Conversation Orchestrator: set TWILIO_CONVERSATION_CONFIGURATION_ID ` +
          '(messaging channels do not run in ConversationRelay-only mode).',
        { context: { variables: ['TWILIO_CONVERSATION_CONFIGURATION_ID'], channel: spec.type } },
      );
    }
    if (spec.requires && !tac.config.values[spec.requires.key]) {
      throw new TACError(
        TACErrorCode.NOT_CONFIGURED,
        `${spec.className} needs its sender address: set ${spec.requires.variable}.`,
        { context: { variables: [spec.requires.variable], channel: spec.type } },
      );
    }
    this.settings = parseChannelOptions(
      spec.schema ?? MessagingChannelOptionsSchema,
      options,
      spec.className,
    ) as MessagingChannelSettings;
    this.tac = tac;
    this.type = spec.type;
    this.memoryMode = this.settings.memoryMode;
    this.conversations = ConversationsClient.for(tac);
    this.seen = new BoundedSet(this.settings.dedupCapacity);
    this.scheduler = new ConversationScheduler<InboundMessage>({
      policy: this.settings.burstPolicy,
      burstWindowMs: this.settings.burstWindowMs,
      maxConcurrentTurns: this.settings.maxConcurrentTurns,
      maxPendingMessages: this.settings.maxPendingMessages,
      maxPendingPerConversation: this.settings.maxPendingPerConversation,
      load: new EventLoopLoad(this.settings.maxEventLoopUtilization),
      process: (conversationId, items, signal) => this.processBatch(conversationId, items, signal),
      onDrop: (conversationId, item, reason) => this.onDrop(conversationId, item, reason),
      onError: (conversationId, error) =>
        this.tac.reportError(error, { conversationId, channel: this.type, stage: 'turn' }),
    });
  }

  /** TAC's own address on this channel: replies come from it, and messages from it are ignored. */
  abstract get agentAddress(): string;

  /** The Orchestrator's uppercase name of this channel (`SMS`, `WHATSAPP`, `RCS`, `CHAT`). */
  get orchestratorName(): string {
    return orchestratorChannelName(this.type);
  }

  /** Longest message sent in one piece. */
  get maxMessageLength(): number {
    return this.settings.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH[this.type];
  }

  /** Messages waiting for a turn (metrics, tests). */
  get pendingMessages(): number {
    return this.scheduler.pendingCount;
  }

  /**
   * Handle an Orchestrator event addressed to this channel. A customer message
   * is only accepted and queued here (so the webhook is acknowledged at once);
   * its turn runs afterwards, in order, one at a time per conversation.
   * Never throws: problems are reported through `tac.onError`.
   */
  async processWebhook(event: OrchestratorEvent, meta: { idempotencyToken?: string } = {}): Promise<void> {
    try {
      if (event.eventType === 'COMMUNICATION_CREATED') this.acceptCommunication(event, meta);
      else if (event.eventType === 'CONVERSATION_UPDATED') await this.handleConversationUpdate(event);
    } catch (error) {
      const data = (event?.data ?? {}) as { conversationId?: unknown; id?: unknown };
      const conversationId = typeof data.conversationId === 'string' ? data.conversationId : undefined;
      this.tac.reportError(error, {
        conversationId: conversationId ?? (typeof data.id === 'string' ? data.id : undefined),
        channel: this.type,
        stage: 'webhook',
        droppedInbound: event?.eventType === 'COMMUNICATION_CREATED',
      });
    }
  }

  /** True while this channel has a session or queued turn for the conversation. */
  async hasConversation(conversationId: string): Promise<boolean> {
    if (this.scheduler.has(conversationId)) return true;
    return (await this.tac.sessions.get(conversationId))?.channel === this.type;
  }

  /**
   * Send a reply in a conversation of this channel, through the Actions API
   * (`SEND_MESSAGE` from TAC's participant to the customer). A stream is
   * collected first; text longer than {@link maxMessageLength} is split at
   * sentence boundaries and sent in order, each part after the previous one
   * was accepted. Transient failures are retried; a final failure throws a
   * {@link TACError} `TAC_ERR_SEND_FAILED` whose context says how many parts went out.
   */
  async sendResponse(
    conversationId: string,
    response: string | AsyncIterable<string>,
    options: SendResponseOptions = {},
  ): Promise<string> {
    const text = typeof response === 'string' ? response : await collect(response, options.signal);
    const session = await this.tac.sessions.get(conversationId);
    if (!session) {
      throw new TACError(
        TACErrorCode.NOT_FOUND,
        `No ${this.type} session for conversation ${conversationId}; start one with initiateOutboundConversation()`,
        { context: { conversationId, channel: this.type } },
      );
    }
    return this.sendText(session, text);
  }

  /**
   * Start a conversation with a customer (reference §2.4): create it with both
   * participants (or reuse the active one the Orchestrator names on 409), send
   * `message`, and mark the session `direction: 'outbound'`. The customer's
   * reply reaches the same message handler. A conversation created here is
   * closed again if the first message cannot be sent.
   */
  initiateOutboundConversation(options: OutboundMessagingOptions): Promise<OutboundResult> {
    return initiateOutbound(this, options);
  }

  /** Wait for queued and running turns (graceful shutdown); abort what remains after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    return this.scheduler.drain(timeoutMs);
  }

  /** Channel settings of a `SEND_MESSAGE` action (Chat adds its channel and service). */
  protected channelSettings(_session: ConversationSession): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Whether TAC keeps the customer participant right (false on Chat, where the v1 bridge owns it). */
  protected get reconcilesCustomer(): boolean {
    return true;
  }

  /** Whether customers get a Memory profile by phone number (SMS). */
  protected get usesPhoneProfiles(): boolean {
    return false;
  }

  /** @internal The Orchestrator client (outbound). */
  get client(): ConversationsClient {
    return this.conversations;
  }

  /** @internal The runtime (outbound). */
  get runtime(): TAC {
    return this.tac;
  }

  /** @internal Reconcile the participants of a conversation for this channel. */
  reconcile(
    conversationId: string,
    customer: { address: string; participantId?: string },
    extra: { channelId?: string; participants?: Participant[] } = {},
  ) {
    return reconcileParticipants(this.tac, this.conversations, {
      conversationId,
      channel: this.orchestratorName,
      agentAddress: this.agentAddress,
      customer,
      channelId: extra.channelId,
      reconcileCustomer: this.reconcilesCustomer,
      phoneProfiles: this.usesPhoneProfiles,
      participants: extra.participants,
    });
  }

  /**
   * @internal Send `text` in a session's conversation: split, in order, each
   * part retried on transient failures. Throws `TAC_ERR_SEND_FAILED`. When
   * `stop` fires (the conversation closed, a hard shutdown) the parts not yet
   * sent are dropped quietly and the text sent so far is returned.
   */
  async sendText(session: ConversationSession, text: string, stop?: AbortSignal): Promise<string> {
    const { conversationId } = session;
    const parts = splitMessage(text, this.maxMessageLength);
    if (parts.length === 0) return '';
    const channel = this.orchestratorName;
    const from: MessageEndpoint = session.aiAgentInfo?.participantId
      ? { channel, participantId: session.aiAgentInfo.participantId }
      : { channel, address: this.agentAddress };
    const customer = session.authorInfo;
    if (!customer?.participantId && !customer?.address) {
      throw new TACError(TACErrorCode.SEND_FAILED, `No customer known in conversation ${conversationId}`, {
        context: { conversationId, channel: this.type },
      });
    }
    const to: MessageEndpoint[] = [
      customer.participantId
        ? { channel, participantId: customer.participantId }
        : { channel, address: customer.address },
    ];
    const channelSettings = this.channelSettings(session);
    const stopped = (sent: number) => {
      this.tac.logger.info(
        { conversationId, channel: this.type, sentParts: sent, parts: parts.length },
        'reply stopped: the conversation closed or TAC is shutting down',
      );
      return parts.slice(0, sent).join(' ');
    };
    for (const [index, part] of parts.entries()) {
      if (stop?.aborted) return stopped(index);
      try {
        await this.conversations.createAction(
          conversationId,
          {
            type: 'SEND_MESSAGE',
            payload: { from, to, content: { text: part }, ...(channelSettings ? { channelSettings } : {}) },
          },
          { retries: this.settings.sendRetries, backoffMs: this.settings.sendRetryBackoffMs, signal: stop },
        );
      } catch (error) {
        if (stop?.aborted) return stopped(index);
        throw new TACError(
          TACErrorCode.SEND_FAILED,
          `Reply not delivered in conversation ${conversationId}: part ${index + 1} of ${parts.length} failed ` +
            `(${(error as Error).message})`,
          {
            cause: error,
            context: {
              conversationId,
              channel: this.type,
              part: index + 1,
              parts: parts.length,
              sentParts: index,
            },
          },
        );
      }
    }
    return parts.join(' ');
  }

  private acceptCommunication(event: OrchestratorEvent, meta: { idempotencyToken?: string }): void {
    const data = parseEventData(CommunicationCreatedDataSchema, event);
    if (data.author.channel.toUpperCase() !== this.orchestratorName) return;
    const { conversationId } = data;
    // Each key is recorded even when another already matched, so either one catches a later retry.
    const keys = [meta.idempotencyToken && `t:${meta.idempotencyToken}`, data.id && `c:${data.id}`];
    let duplicate = false;
    for (const key of keys) if (key && !this.seen.add(key)) duplicate = true;
    if (duplicate) {
      this.tac.logger.debug({ conversationId, channel: this.type }, 'duplicate communication ignored');
      return;
    }
    if (data.content?.type && data.content.type !== 'TEXT') return;
    const text = data.content?.text?.trim();
    if (!text) {
      this.tac.logger.debug({ conversationId, channel: this.type }, 'communication without text ignored');
      return;
    }
    if (same(data.author.address, this.agentAddress)) return; // our own reply, echoed back
    if (this.tac.isShuttingDown) {
      this.tac.reportError(
        new TACError(TACErrorCode.INBOUND_DROPPED, 'Message arrived during shutdown; not answered', {
          context: { conversationId, channel: this.type },
        }),
        { conversationId, channel: this.type, stage: 'webhook', droppedInbound: true },
      );
      return;
    }
    this.scheduler.enqueue(conversationId, {
      text,
      communicationId: data.id,
      address: data.author.address,
      participantId: data.author.participantId ?? undefined,
      channelId: data.channelId ?? undefined,
      serviceId: data.serviceId ?? undefined,
    });
  }

  private async handleConversationUpdate(event: OrchestratorEvent): Promise<void> {
    const data = parseEventData(ConversationUpdatedDataSchema, event);
    const conversationId = data.id;
    if (data.status === 'INACTIVE') {
      // The Orchestrator updates Memory when a conversation goes inactive: the `once` cache is stale.
      const session = await this.tac.sessions.get(conversationId);
      if (session && session.channel === this.type && session.cachedMemory !== undefined) {
        session.cachedMemory = undefined;
        await this.tac.sessions.set(session);
      }
    } else if (data.status === 'CLOSED') {
      this.scheduler.cancel(conversationId);
      const session = await this.tac.sessions.get(conversationId);
      if (session && session.channel === this.type) await this.tac.endConversation(conversationId, 'closed');
    }
  }

  private onDrop(conversationId: string, item: InboundMessage, reason: DropReason): void {
    if (reason === 'cancelled') {
      this.tac.logger.info(
        { conversationId, channel: this.type },
        'conversation closed; waiting message dropped',
      );
      return;
    }
    const why =
      reason === 'overloaded'
        ? `more than ${this.settings.maxPendingMessages} messages are waiting (maxPendingMessages)`
        : reason === 'conversation-overflow'
          ? `more than ${this.settings.maxPendingPerConversation} messages wait in this conversation (maxPendingPerConversation)`
          : 'TAC is shutting down';
    this.tac.reportError(
      new TACError(TACErrorCode.INBOUND_DROPPED, `Message not answered: ${why}`, {
        context: { conversationId, channel: this.type, communicationId: item.communicationId, reason },
      }),
      { conversationId, channel: this.type, stage: 'queue', droppedInbound: true, reason },
    );
  }

  /** One turn for a batch of messages: who wrote them, participants, the model, the reply. */
  private async processBatch(
    conversationId: string,
    items: InboundMessage[],
    signal: AbortSignal,
  ): Promise<BatchOutcome> {
    let prepared: { session?: ConversationSession; messages: InboundMessage[] };
    try {
      prepared = await this.prepare(conversationId, items, signal);
    } catch (error) {
      this.tac.reportError(error, {
        conversationId,
        channel: this.type,
        stage: 'reconcile',
        droppedInbound: true,
      });
      return 'done';
    }
    const { session, messages } = prepared;
    if (!session || messages.length === 0) return 'done';
    if (signal.aborted) return 'superseded';
    const output = await runTurn(this.tac, {
      channel: this,
      session,
      messages: messages.map((m) => m.text),
      author: messages[0]!.address,
      signal,
    });
    if (output.kind === 'none') return signal.aborted ? 'superseded' : 'done';
    const text = output.kind === 'text' ? output.text : await collect(output.stream);
    // Once sending starts the reply is committed; before that a newer message may still supersede it.
    if (signal.aborted) return 'superseded';
    // A newer message no longer stops the reply (it is committed), but CLOSED or a hard shutdown does.
    const stop = new AbortController();
    const onAbort = () => {
      if (turnAbortReasonOf(signal)?.turnEndReason !== 'superseded') stop.abort(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.sendText(session, text, stop.signal);
    } catch (error) {
      this.tac.reportError(error, {
        conversationId,
        channel: this.type,
        stage: 'send',
        turnId: output.turnId,
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    // After a handoff TAC gets no more webhooks for this conversation (not even CLOSED):
    // end the session now that the goodbye went out, or it would never be cleaned up.
    if ((await this.tac.sessions.get(conversationId))?.metadata.handoffInitiatedAt) {
      await this.tac.endConversation(conversationId, 'handoff');
    }
    return 'done';
  }

  /**
   * Sort a batch into customer messages (agents' own are dropped), start or
   * update the session, and reconcile participants until both ids are known.
   */
  private async prepare(
    conversationId: string,
    items: InboundMessage[],
    signal: AbortSignal,
  ): Promise<{ session?: ConversationSession; messages: InboundMessage[] }> {
    let session = await this.tac.sessions.get(conversationId);
    const existed = session !== undefined;
    const agentId = session?.aiAgentInfo?.participantId;
    const customerId = session?.authorInfo?.participantId;
    let participants: Participant[] | undefined;
    const needsList =
      !agentId ||
      (this.reconcilesCustomer && !customerId) ||
      items.some((i) => i.participantId && i.participantId !== customerId && i.participantId !== agentId);
    if (needsList) participants = await this.conversations.listParticipants(conversationId);
    let lookedUp = needsList;

    const messages = items.filter((item) => {
      if (!item.participantId || item.participantId === customerId) return true;
      if (item.participantId === agentId) return false;
      const writer = participants?.find((p) => p.id === item.participantId);
      if (writer && AGENT_TYPES.has(writer.type)) return false;
      if (writer?.type === 'HUMAN_AGENT') {
        // A person took over (e.g. after a handoff): the AI stays quiet rather than answer them.
        this.tac.logger.debug({ conversationId, channel: this.type }, 'message from a human agent ignored');
        return false;
      }
      return true;
    });
    if (messages.length === 0) return { messages };

    const first = messages[0]!;
    const channelId = messages.find((m) => m.channelId)?.channelId;
    if (!session) {
      session = createSession({
        conversationId,
        channel: this.type,
        serviceId: first.serviceId,
        authorInfo: { address: first.address, participantId: first.participantId },
        metadata: channelId ? { channelId } : {},
      });
    } else if (channelId && session.metadata.channelId !== channelId) {
      session.metadata = { ...session.metadata, channelId };
    }
    if (!session.authorInfo)
      session.authorInfo = { address: first.address, participantId: first.participantId };

    if (
      !session.aiAgentInfo?.participantId ||
      (this.reconcilesCustomer && !session.authorInfo.participantId)
    ) {
      lookedUp = true;
      const result = await this.reconcile(
        conversationId,
        {
          address: session.authorInfo.address,
          participantId: session.authorInfo.participantId ?? first.participantId,
        },
        { channelId: (session.metadata.channelId as string | undefined) ?? channelId, participants },
      );
      session.aiAgentInfo = { address: this.agentAddress, participantId: result.agent.id };
      if (result.customer) session.authorInfo = { ...session.authorInfo, participantId: result.customer.id };
      if (result.profileId) session.profileId = result.profileId;
    }
    if (participants && !session.profileId) {
      const customer = participants.find(
        (p) =>
          p.id === session.authorInfo?.participantId ||
          (p.type === 'CUSTOMER' && ownsAddress(p, this.orchestratorName, first.address)),
      );
      if (customer?.profileId) session.profileId = customer.profileId;
    }
    // The lookups above take a while: a conversation CLOSED (or a shutdown) meanwhile has aborted
    // this turn and ended the session, and writing it now would bring it back for good.
    if (signal.aborted && turnAbortReasonOf(signal)?.turnEndReason !== 'superseded') return { messages: [] };
    // Ended some other way meanwhile (e.g. `tac.endConversation` from your code): leave it ended.
    if (existed && lookedUp && !(await this.tac.sessions.get(conversationId))) return { messages: [] };
    await this.tac.sessions.set(session);
    return { session, messages };
  }
}
