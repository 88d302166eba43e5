import type { TAC } from '../../tac.ts';
import { MessagingChannel } from './messaging-channel.ts';
import type { MessagingChannelOptions } from './messaging-options.ts';

/**
 * SMS through Conversation Orchestrator. Replies come from
 * `TWILIO_PHONE_NUMBER`; customers get a Memory profile by phone number.
 *
 * @example
 * ```ts
 * tac.registerChannel(new SMSChannel(tac, { memoryMode: 'always' }));
 * ```
 */
export class SMSChannel extends MessagingChannel {
  constructor(tac: TAC, options: MessagingChannelOptions = {}) {
    super(tac, options, { type: 'sms', className: 'SMSChannel' });
  }

  /** `TWILIO_PHONE_NUMBER`. */
  get agentAddress(): string {
    return this.tac.config.phoneNumber;
  }

  protected override get usesPhoneProfiles(): boolean {
    return true;
  }
}
