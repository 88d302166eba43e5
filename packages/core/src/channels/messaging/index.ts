export { ChatChannel } from './chat-channel.ts';
export {
  type BatchOutcome,
  type BurstPolicy,
  ConversationScheduler,
  type ConversationSchedulerOptions,
  type DropReason,
} from './conversation-scheduler.ts';
export { EventLoopLoad, type LoadSignal } from './event-loop-load.ts';
export { lookupOrCreatePhoneProfile } from './memory-profile.ts';
export { type InboundMessage, MessagingChannel, type MessagingChannelSpec } from './messaging-channel.ts';
export {
  type ChatChannelOptions,
  ChatChannelOptionsSchema,
  type ChatChannelSettings,
  DEFAULT_MAX_MESSAGE_LENGTH,
  type MessagingChannelOptions,
  MessagingChannelOptionsSchema,
  type MessagingChannelSettings,
} from './messaging-options.ts';
export type { OutboundMessagingOptions, OutboundResult } from './outbound.ts';
export { RCSChannel } from './rcs-channel.ts';
export {
  type ReconcileInput,
  type ReconcileResult,
  reconcileParticipants,
} from './reconcile-participants.ts';
export { SMSChannel } from './sms-channel.ts';
export { splitMessage } from './split-message.ts';
export { WhatsAppChannel } from './whatsapp-channel.ts';
