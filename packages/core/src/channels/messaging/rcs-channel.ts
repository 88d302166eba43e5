import type { TAC } from '../../tac.ts';
import { MessagingChannel } from './messaging-channel.ts';
import type { MessagingChannelOptions } from './messaging-options.ts';

/**
 * RCS through Conversation Orchestrator. Requires `TWILIO_RCS_SENDER_ID`
 * (`rcs:brand_agent`), the sender of every reply.
 *
 * @example
 * ```ts
 * tac.registerChannel(new RCSChannel(tac));
 * ```
 */
export class RCSChannel extends MessagingChannel {
  constructor(tac: TAC, options: MessagingChannelOptions = {}) {
    super(tac, options, {
      type: 'rcs',
      className: 'RCSChannel',
      requires: { key: 'rcsSenderId', variable: 'TWILIO_RCS_SENDER_ID' },
    });
  }

  /** `TWILIO_RCS_SENDER_ID`. */
  get agentAddress(): string {
    return this.tac.config.values.rcsSenderId as string;
  }
}
