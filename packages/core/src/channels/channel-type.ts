/** Channel names, lowercase as in Twilio's TypeScript TAC. */
export const CHANNEL_TYPES = ['voice', 'sms', 'whatsapp', 'rcs', 'chat'] as const;

/** One of {@link CHANNEL_TYPES}. */
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Messaging channel names (served through Conversation Orchestrator). */
export type MessagingChannelType = Exclude<ChannelType, 'voice'>;

/** The Orchestrator's uppercase channel name for a channel (`sms` → `SMS`). */
export function orchestratorChannelName(type: ChannelType): string {
  return type.toUpperCase();
}

/** When memory is retrieved before a turn: every turn, first turn only (cached), or never. */
export type MemoryMode = 'always' | 'once' | 'never';
