import type { TAC } from '../../tac.ts';
import { MessagingChannel } from './messaging-channel.ts';
import type { MessagingChannelOptions } from './messaging-options.ts';

/**
 * WhatsApp through Conversation Orchestrator. Requires
 * `TWILIO_WHATSAPP_NUMBER` (`whatsapp:+1555…`), the sender of every reply.
 *
 * @example
 * ```ts
 * tac.registerChannel(new WhatsAppChannel(tac, { memoryMode: 'once' }));
 * ```
 */
export class WhatsAppChannel extends MessagingChannel {
  constructor(tac: TAC, options: MessagingChannelOptions = {}) {
    super(tac, options, {
      type: 'whatsapp',
      className: 'WhatsAppChannel',
      requires: { key: 'whatsappNumber', variable: 'TWILIO_WHATSAPP_NUMBER' },
    });
  }

  /** `TWILIO_WHATSAPP_NUMBER`. */
  get agentAddress(): string {
    return this.tac.config.values.whatsappNumber as string;
  }
}
