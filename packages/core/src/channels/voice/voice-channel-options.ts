import { z } from 'zod';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { VoiceTwiMLOptionsSchema } from './twiml-options.ts';

/** zod schema of {@link VoiceChannelOptions}. */
export const VoiceChannelOptionsSchema = z.object({
  /** When memory is retrieved before a turn. @defaultValue `'never'` */
  memoryMode: z.enum(['always', 'once', 'never']).default('never'),
  /**
   * Shorthand for `twiml.welcomeGreeting` (which wins when both are set); `null`
   * plays no greeting. @defaultValue `"Hello! How can I assist you today?"`
   */
  welcomeGreeting: z.string().nullable().optional(),
  /** Defaults for every call's `<Connect><ConversationRelay>` (a per-call customizer may override them). */
  twiml: VoiceTwiMLOptionsSchema.default({}),
  /** A socket that sends no `setup` within this time is closed (1008). @defaultValue 10_000 */
  setupTimeoutMs: z.number().int().positive().default(10_000),
  /** Orchestrated mode: polling for the conversation Twilio creates for a call. */
  conversationLookup: z
    .object({
      /** @defaultValue 10 */
      attempts: z.number().int().min(1).max(50).default(10),
      /** @defaultValue 250 */
      initialDelayMs: z.number().int().min(0).default(250),
      /** @defaultValue 1500 */
      maxDelayMs: z.number().int().min(0).default(1500),
    })
    .default({ attempts: 10, initialDelayMs: 250, maxDelayMs: 1500 }),
});

/** Options of `new VoiceChannel(tac, options)`. */
export type VoiceChannelOptions = z.input<typeof VoiceChannelOptionsSchema>;
/** Parsed {@link VoiceChannelOptions}. */
export type ResolvedVoiceChannelOptions = z.output<typeof VoiceChannelOptionsSchema>;

/** Parse options, or throw `TAC_ERR_INVALID_ARGUMENT` naming every bad field. */
export function parseVoiceChannelOptions(options: unknown): ResolvedVoiceChannelOptions {
  const result = VoiceChannelOptionsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new TACError(
    TACErrorCode.INVALID_ARGUMENT,
    `Invalid VoiceChannel options:\n${z.prettifyError(result.error)}`,
    {
      context: { fields: result.error.issues.map((i) => i.path.join('.')) },
    },
  );
}
