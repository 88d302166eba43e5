import type { TAC, TACEventMap } from '@tac/core';
import type { EmulatedCall, MessagingCustomer, StudioExecution } from '@tac/testing';
import type { WebSocket } from 'ws';
import { FORWARDED_EVENTS, type ServerMessage } from './live-protocol.ts';
import { LiveSession } from './live-session.ts';

type MessagingChannel = 'sms' | 'whatsapp';

/** The emulator features the playground drives (a subset of `TwilioEmulator`). */
export interface PlaygroundEmulator {
  call(options: { from?: string }): Promise<EmulatedCall>;
  customer(options: { channel: MessagingChannel; address?: string }): MessagingCustomer;
  readonly studio: { readonly executions: readonly StudioExecution[] };
  readonly orchestrator: { closeConversation(conversationId: string): Promise<unknown> };
}

/** Options of {@link LiveHub}. */
export interface LiveHubOptions {
  tac: TAC;
  emulator: PlaygroundEmulator;
  /** The phone number the page calls and texts from (the seeded customer). */
  customerPhone: string;
  /** The first message each page gets. */
  hello: () => ServerMessage;
}

/** Reply polling window; a timeout just starts the next wait. */
const REPLY_WAIT_MS = 10_000;

/**
 * Everything the open pages share: TAC's lifecycle events (side panel), the
 * demo customer's messaging threads (one phone, so every tab sees the same
 * thread), and Studio executions. Each page's call is its own.
 */
export class LiveHub {
  private readonly options: LiveHubOptions;
  private readonly sessions = new Set<LiveSession>();
  private readonly customers = new Map<MessagingChannel, MessagingCustomer>();
  private readonly unsubscribe: (() => void)[] = [];
  private studioSeen: number;
  private closed = false;

  constructor(options: LiveHubOptions) {
    this.options = options;
    this.studioSeen = options.emulator.studio.executions.length;
    for (const event of FORWARDED_EVENTS) {
      this.unsubscribe.push(
        options.tac.events.on(event, (data) => {
          this.broadcast({ type: 'tac', event, data: forPage(event, data) } as ServerMessage);
          // Handoff tools start a Studio execution before they report; publish it next to the event.
          if (event === 'handoff' || event === 'turn-end') this.publishStudioExecutions();
        }),
      );
    }
  }

  /** Serve one page over its WebSocket until it closes. */
  attach(socket: WebSocket): LiveSession {
    const session = new LiveSession(socket, {
      placeCall: () => this.options.emulator.call({ from: this.options.customerPhone }),
      sendMessage: (channel, text) => this.sendMessage(channel, text),
      resetConversation: (channel) => this.resetConversation(channel),
      callEnded: () => this.publishStudioExecutions(),
      hello: this.options.hello,
      log: (error, message) => this.options.tac.logger.warn({ err: error }, message),
    });
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    return session;
  }

  /** Send to every open page. */
  broadcast(message: ServerMessage): void {
    for (const session of this.sessions) session.send(message);
  }

  /** Hang up every page's call and close the pages' sockets. */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.allSettled([...this.sessions].map((s) => s.close()));
    this.sessions.clear();
  }

  private async sendMessage(channel: MessagingChannel, text: string): Promise<void> {
    const customer = this.customerFor(channel);
    this.broadcast({ type: 'message.sent', channel, text });
    await customer.send(text);
  }

  /**
   * What a human agent does when done: close the conversation (the emulator
   * sends CONVERSATION_UPDATED CLOSED to TAC). The customer's next text opens
   * a new conversation, served by the agent again, e.g. after a handoff.
   */
  private async resetConversation(channel: MessagingChannel): Promise<void> {
    const conversationId = this.customers.get(channel)?.conversationId;
    if (conversationId) await this.options.emulator.orchestrator.closeConversation(conversationId);
    this.broadcast({ type: 'message.reset', channel });
  }

  private customerFor(channel: MessagingChannel): MessagingCustomer {
    let customer = this.customers.get(channel);
    if (!customer) {
      const phone = this.options.customerPhone;
      customer = this.options.emulator.customer({
        channel,
        address: channel === 'whatsapp' ? `whatsapp:${phone}` : phone,
      });
      this.customers.set(channel, customer);
      void this.pumpReplies(channel, customer);
    }
    return customer;
  }

  /** Forward what the app sends the customer, as it arrives. */
  private async pumpReplies(channel: MessagingChannel, customer: MessagingCustomer): Promise<void> {
    while (!this.closed) {
      try {
        const reply = await customer.nextReply({ timeoutMs: REPLY_WAIT_MS });
        this.broadcast({ type: 'message.reply', channel, text: reply.text });
      } catch (error) {
        // A timeout only means nothing was sent meanwhile; anything else is the emulator stopping.
        if ((error as { code?: string }).code !== 'EMU_ERR_TIMEOUT') return;
      }
    }
  }

  private publishStudioExecutions(): void {
    const executions = this.options.emulator.studio.executions;
    for (; this.studioSeen < executions.length; this.studioSeen++) {
      const execution = executions[this.studioSeen]!;
      this.broadcast({ type: 'studio.execution', execution: { ...execution } });
    }
  }
}

/** Event payloads as the page needs them: memory without its raw API response. */
function forPage<K extends keyof TACEventMap>(event: K, data: TACEventMap[K]): TACEventMap[K] {
  if (event !== 'memory-retrieved') return data;
  const { memory, ...rest } = data as TACEventMap['memory-retrieved'];
  const { rawData: _raw, ...kept } = memory;
  return { ...rest, memory: kept } as TACEventMap[K];
}
