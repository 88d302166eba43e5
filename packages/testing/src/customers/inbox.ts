import type { CommunicationResource } from '../orchestrator/types.ts';
import { AsyncQueue } from '../util/async-queue.ts';

/** A message the app sent to a simulated customer. */
export interface CustomerReply {
  text: string;
  conversationId: string;
  communication: CommunicationResource;
}

/** Replies addressed to one (channel, address), kept even before a customer handle exists. */
export class Inbox {
  readonly replies: CustomerReply[] = [];
  readonly queue: AsyncQueue<CustomerReply>;
  /** The conversation of the latest message either way. */
  conversationId: string | undefined;

  constructor(what: string) {
    this.queue = new AsyncQueue(what);
  }

  /** Record a reply and hand it to `nextReply()`. */
  deliver(reply: CustomerReply): void {
    this.replies.push(reply);
    this.conversationId = reply.conversationId;
    this.queue.push(reply);
  }
}

/** Inboxes of every customer address, keyed by `CHANNEL:address`. */
export class Inboxes {
  private readonly map = new Map<string, Inbox>();

  /** The inbox of an address (created on first use). */
  of(channel: string, address: string): Inbox {
    const key = `${channel}:${address}`;
    let inbox = this.map.get(key);
    if (!inbox) {
      inbox = new Inbox(`a reply to ${channel} ${address}`);
      this.map.set(key, inbox);
    }
    return inbox;
  }

  /** Route a communication to the inbox of each recipient (text content only). */
  deliver(communication: CommunicationResource): void {
    const text = communication.content.text;
    if (communication.content.type !== 'TEXT' || text === undefined) return;
    for (const r of communication.recipients) {
      this.of(r.channel, r.address).deliver({
        text,
        conversationId: communication.conversationId,
        communication,
      });
    }
  }

  /** Fail every waiting `nextReply()` (emulator stopped). */
  close(error: Error): void {
    for (const inbox of this.map.values()) inbox.queue.close(error);
  }
}
