import { z } from 'zod';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import type { MessagingChannelType } from '../channel-type.ts';

/**
 * Longest message sent in one piece per channel; longer replies are split at
 * sentence boundaries. SMS: Twilio's 1600-character body limit. WhatsApp: 4096
 * (WhatsApp's text limit). RCS: 3072 (RBM text limit). Chat: 16 000, which
 * stays under the Conversations 32 KiB body limit even for 2-byte characters.
 */
export const DEFAULT_MAX_MESSAGE_LENGTH: Readonly<Record<MessagingChannelType, number>> = {
  sms: 1600,
  whatsapp: 4096,
  rcs: 3072,
  chat: 16_000,
};

/** zod schema of {@link MessagingChannelOptions}. Unknown keys are refused, so typos fail at start-up. */
export const MessagingChannelOptionsSchema = z.strictObject({
  /** Memory before each turn: every turn, first turn only (cached until the conversation goes INACTIVE), or never. @defaultValue 'never' */
  memoryMode: z.enum(['always', 'once', 'never']).default('never'),
  /** Messages arriving while a turn runs: answered together once (`coalesce`), one turn each (`queue`), or abort and answer all (`interrupt`). @defaultValue 'coalesce' */
  burstPolicy: z.enum(['coalesce', 'queue', 'interrupt']).default('coalesce'),
  /** Wait this long after a conversation's first waiting message before answering, to catch a burst. @defaultValue 0 */
  burstWindowMs: z.number().int().min(0).max(60_000).default(0),
  /** Longest single message; longer replies are split at sentence boundaries. @defaultValue per channel, see DEFAULT_MAX_MESSAGE_LENGTH */
  maxMessageLength: z.number().int().min(2).max(1_000_000).optional(),
  /** Idempotency tokens and communication ids remembered to drop re-deliveries. @defaultValue 10000 */
  dedupCapacity: z.number().int().min(1).default(10_000),
  /** Turns of this channel running at once; more wait in order. @defaultValue 64 */
  maxConcurrentTurns: z.number().int().min(1).default(64),
  /**
   * Admission control. New turns start only while the event loop was busy less
   * than this share of the last ~50 ms; above it (the process is saturated, e.g.
   * by a webhook flood) one turn starts every 10 ms (or whenever none runs) and
   * the others wait in the bounded queue, so webhooks keep being acknowledged
   * promptly and bursts coalesce. `1` turns it off. @defaultValue 0.9
   */
  maxEventLoopUtilization: z.number().gt(0).max(1).default(0.9),
  /** Messages waiting for a turn across conversations; beyond it new messages are dropped and reported through onError. @defaultValue 10000 */
  maxPendingMessages: z.number().int().min(1).default(10_000),
  /** Messages waiting in one conversation; beyond it the oldest waiting one is dropped and reported. @defaultValue 50 */
  maxPendingPerConversation: z.number().int().min(1).default(50),
  /** Retries of a reply on 5xx/429/connection failure (never on timeouts, which may have been delivered). @defaultValue 3 */
  sendRetries: z.number().int().min(0).max(10).default(3),
  /** First retry delay of a reply, doubled each time. @defaultValue 250 */
  sendRetryBackoffMs: z.number().int().min(0).max(60_000).default(250),
});

/** Options of {@link SMSChannel}, {@link WhatsAppChannel} and {@link RCSChannel} (all optional). */
export type MessagingChannelOptions = z.input<typeof MessagingChannelOptionsSchema>;
/** Parsed messaging options with defaults applied. */
export type MessagingChannelSettings = z.output<typeof MessagingChannelOptionsSchema>;

/** zod schema of {@link ChatChannelOptions}. */
export const ChatChannelOptionsSchema = MessagingChannelOptionsSchema.extend({
  /** TAC's address on Chat (self-detection and its participant). @defaultValue 'ai-assistant' */
  agentAddress: z.string().trim().min(1).default('ai-assistant'),
});

/** Options of {@link ChatChannel}. */
export type ChatChannelOptions = z.input<typeof ChatChannelOptionsSchema>;
/** Parsed chat options. */
export type ChatChannelSettings = z.output<typeof ChatChannelOptionsSchema>;

/** Parse channel options, or throw `TAC_ERR_INVALID_ARGUMENT` listing every bad option. */
export function parseChannelOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  className: string,
): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (i) => `  - ${i.path.length ? i.path.join('.') : '(options)'}: ${i.message}`,
  );
  throw new TACError(TACErrorCode.INVALID_ARGUMENT, `Invalid ${className} options:\n${lines.join('\n')}`);
}
