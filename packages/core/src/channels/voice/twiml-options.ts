import { z } from 'zod';

/** Who may interrupt: ConversationRelay's `none | dtmf | speech | any`; `true` means `any`, `false` means `none`. */
const InterruptModeSchema = z.union([z.enum(['none', 'dtmf', 'speech', 'any']), z.boolean()]);

/** A `<Language>` child of `<ConversationRelay>` (reference conversationrelay.md §1.4). */
export const LanguageOptionsSchema = z.object({
  /** BCP-47 code, or `multi` for automatic detection. */
  code: z
    .string({ error: 'a <Language> needs a code such as en-US (or multi)' })
    .min(1, 'a <Language> needs a code such as en-US (or multi)'),
  ttsProvider: z.string().min(1).optional(),
  voice: z.string().min(1).optional(),
  transcriptionProvider: z.string().min(1).optional(),
  speechModel: z.string().min(1).optional(),
});

/** One `<Language>` element. */
export type LanguageOptions = z.input<typeof LanguageOptionsSchema>;

const words = z.union([z.string(), z.array(z.string().min(1))]);

/**
 * Every `<ConversationRelay>` attribute (reference conversationrelay.md §1.2–1.3),
 * `<Language>` and `<Parameter>` children, the `<Connect action>` URL and an
 * `extra` escape hatch for attributes newer than this list.
 */
export const VoiceTwiMLOptionsSchema = z.object({
  /** Played when the call is answered. `null` plays nothing (speak first over the WebSocket instead). @defaultValue `"Hello! How can I assist you today?"` */
  welcomeGreeting: z.string().nullable().optional(),
  /** @defaultValue ConversationRelay's `any` */
  welcomeGreetingInterruptible: InterruptModeSchema.optional(),
  /** Conversation Orchestrator configuration id. @defaultValue `TWILIO_CONVERSATION_CONFIGURATION_ID` in orchestrated mode */
  conversationConfiguration: z.string().min(1).optional(),
  /** Sets both TTS and STT language. @defaultValue ConversationRelay's `en-US` */
  language: z.string().min(1).optional(),
  ttsLanguage: z.string().min(1).optional(),
  transcriptionLanguage: z.string().min(1).optional(),
  voice: z.string().min(1).optional(),
  /** `Google`, `Amazon` or `ElevenLabs`. Set it explicitly: ElevenLabs is blocked on some accounts. */
  ttsProvider: z.string().min(1).optional(),
  /** `Google` or `Deepgram`. */
  transcriptionProvider: z.string().min(1).optional(),
  speechModel: z.string().min(1).optional(),
  elevenlabsTextNormalization: z.enum(['on', 'auto', 'off']).optional(),
  /** End-of-turn confidence (Deepgram flux only). */
  eotThreshold: z.number().min(0).max(1).optional(),
  /** Send `last:false` partial prompts (Deepgram flux only). TAC never starts a turn on a partial. */
  partialPrompts: z.boolean().optional(),
  deepgramSmartFormat: z.boolean().optional(),
  /** Milliseconds of silence that end the caller's turn, or `'auto'`. */
  speechTimeout: z.union([z.number().int().positive(), z.literal('auto')]).optional(),
  /** @defaultValue ConversationRelay's `any` */
  interruptible: InterruptModeSchema.optional(),
  interruptSensitivity: z.enum(['low', 'medium', 'high']).optional(),
  /**
   * Whether speech over the agent is delivered as a prompt. ConversationRelay's
   * default became `none` in May 2025 (the caller is then "heard" only as an interrupt).
   */
  reportInputDuringAgentSpeech: z.union([z.enum(['none', 'dtmf', 'speech', 'any']), z.boolean()]).optional(),
  /** Ignore "uh-huh"-style backchannels instead of treating them as barge-in. */
  ignoreBackchannel: z.boolean().optional(),
  preemptible: z.boolean().optional(),
  /** Deliver keypresses over the WebSocket (needed for `onDtmf`). */
  dtmfDetection: z.boolean().optional(),
  profanityFilter: z.boolean().optional(),
  backgroundNoiseReduction: z.boolean().optional(),
  /** Phrases that help transcription; an array is joined with commas. */
  hints: words.optional(),
  /** Event subscriptions such as `speaker-events tokens-played`; an array is joined with spaces. */
  events: words.optional(),
  /** `debugging` (and, for backward compatibility, `speaker-events tokens-played`); an array is joined with spaces. */
  debug: words.optional(),
  /** Conversational Intelligence Service SID or unique name. */
  intelligenceService: z.string().min(1).optional(),
  /** `<Language>` children, one per language the call may switch to. */
  languages: z.array(LanguageOptionsSchema).optional(),
  /** `<Parameter>` children, delivered in `setup.customParameters`; objects are sent as JSON. */
  customParameters: z.record(z.string(), z.unknown()).optional(),
  /**
   * `<Connect action>`: the URL Twilio calls when the session ends. `null` omits
   * it (the call then ends with the TwiML). @defaultValue the Studio handoff
   * URL when `TWILIO_STUDIO_HANDOFF_FLOW_SID` is set, else `https://{domain}{voiceActionPath}`
   */
  actionUrl: z.string().min(1).nullable().optional(),
  /** `<Connect method>` for the action URL. @defaultValue Twilio's `POST` */
  actionMethod: z.enum(['GET', 'POST']).optional(),
  /** The ConversationRelay WebSocket URL. @defaultValue `wss://{domain}{voiceWebsocketPath}` */
  websocketUrl: z
    .string()
    .regex(/^wss?:\/\//, 'must start with wss:// (or ws:// for local tests)')
    .optional(),
  /** Raw attributes written as given (they win over typed ones): for attributes newer than this list. */
  extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** Typed options of the `<Connect><ConversationRelay>` TwiML. */
export type VoiceTwiMLOptions = z.input<typeof VoiceTwiMLOptionsSchema>;

/** Who may interrupt a greeting or a reply. */
export type InterruptMode = z.input<typeof InterruptModeSchema>;
