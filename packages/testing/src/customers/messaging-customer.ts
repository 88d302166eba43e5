import type { CustomerChannel } from '../orchestrator/addresses.ts';
import type { CommunicationResource } from '../orchestrator/types.ts';
import type { WebhookDelivery } from '../webhooks/webhook-sender.ts';
import type { CustomerReply, Inbox } from './inbox.ts';

/** Options of `emu.customer()`. */
export interface CustomerOptions {
  channel: CustomerChannel;
  /** @defaultValue a random +1555… number (`whatsapp:`/`rcs:` prefixed), or `customerN@example.com` for chat */
  address?: string;
  /** Participants created as `UNKNOWN` (Conversations v1 bridge) for this customer. @defaultValue the emulator's `v1Bridge` */
  v1Bridge?: boolean;
  /** Create the agent's address as a participant when the conversation starts. @defaultValue true */
  agentParticipant?: boolean;
}

/** What `customer.send()` resolves with. */
export interface SentCustomerMessage {
  conversationId: string;
  communication: CommunicationResource;
  /** The `COMMUNICATION_CREATED` delivery; undefined when the conversation has no status callbacks (e.g. after a handoff). */
  delivery: WebhookDelivery | undefined;
  /** The duplicate, when sent with `duplicate: true`. */
  duplicate?: WebhookDelivery;
}

/** @internal How a customer reaches the emulator. */
export interface CustomerBackend {
  send(
    customer: MessagingCustomer,
    text: string,
  ): {
    conversationId: string;
    communication: CommunicationResource;
    delivery: Promise<WebhookDelivery | undefined>;
  };
  redeliver(delivery: WebhookDelivery): Promise<WebhookDelivery>;
}

/**
 * A simulated customer on SMS, WhatsApp, RCS or Chat (`emu.customer()`): its
 * messages become `COMMUNICATION_CREATED` webhooks in the right conversation,
 * and what the app sends it lands in `replies` / `nextReply()`.
 */
export class MessagingCustomer {
  readonly channel: CustomerChannel;
  readonly address: string;
  /** Chat channel SID (`CH…`), for chat customers. */
  readonly chatChannelId: string | undefined;
  readonly v1Bridge: boolean;
  readonly agentParticipant: boolean;
  private readonly inbox: Inbox;
  private readonly backend: CustomerBackend;

  constructor(init: {
    channel: CustomerChannel;
    address: string;
    chatChannelId?: string;
    v1Bridge: boolean;
    agentParticipant: boolean;
    inbox: Inbox;
    backend: CustomerBackend;
  }) {
    this.channel = init.channel;
    this.address = init.address;
    this.chatChannelId = init.chatChannelId;
    this.v1Bridge = init.v1Bridge;
    this.agentParticipant = init.agentParticipant;
    this.inbox = init.inbox;
    this.backend = init.backend;
  }

  /** The conversation of the last message sent or received. */
  get conversationId(): string | undefined {
    return this.inbox.conversationId;
  }

  /** Every reply received so far (texts). */
  get replies(): string[] {
    return this.inbox.replies.map((r) => r.text);
  }

  /** Every reply received so far, with its conversation and communication. */
  get receivedMessages(): readonly CustomerReply[] {
    return this.inbox.replies;
  }

  /**
   * Send a message. Resolves once the webhook was delivered (whatever the
   * app answered). `duplicate: true` delivers it a second time with the same
   * idempotency token, as Twilio occasionally does. Rejects with
   * `EMU_ERR_STOPPED` once the emulator is stopped, also when the stop cut the
   * delivery short.
   */
  async send(text: string, options: { duplicate?: boolean } = {}): Promise<SentCustomerMessage> {
    const sent = this.backend.send(this, text);
    this.inbox.conversationId = sent.conversationId;
    const delivery = await sent.delivery;
    const result: SentCustomerMessage = {
      conversationId: sent.conversationId,
      communication: sent.communication,
      delivery,
    };
    if (options.duplicate && delivery) result.duplicate = await this.backend.redeliver(delivery);
    return result;
  }

  /** The next reply the app sent this customer (replies received earlier are returned first). */
  nextReply(options: { timeoutMs?: number } = {}): Promise<CustomerReply> {
    return this.inbox.queue.next(options.timeoutMs ?? 5000);
  }
}
