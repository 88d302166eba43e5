import { z } from 'zod';

// Parse tolerantly (reference §7.2 item 5): Twilio's values drift between docs editions.
const str = z.string().catch('');

/** `setup`: the first frame of every ConversationRelay session. */
export const SetupFrameSchema = z.looseObject({
  type: z.literal('setup'),
  callSid: z.string().min(1),
  sessionId: str.default(''),
  accountSid: str.default(''),
  from: str.default(''),
  to: str.default(''),
  /** `inbound`, `outbound-api`, … (case varies). */
  direction: str.default(''),
  callType: str.default(''),
  /** Uppercase here (`RINGING`, `IN_PROGRESS`), lowercase in callbacks. */
  callStatus: str.default(''),
  parentCallSid: str.default(''),
  forwardedFrom: str.default(''),
  callerName: str.default(''),
  customParameters: z.record(z.string(), z.unknown()).catch({}).default({}),
});

/** The caller's speech; `last: false` marks a partial (an unfinished utterance). */
export const PromptFrameSchema = z.looseObject({
  type: z.literal('prompt'),
  voicePrompt: z.string(),
  lang: z.string().optional(),
  /** Absent means final. @defaultValue true */
  last: z.boolean().default(true),
});

/** Barge-in: the caller spoke over the agent. */
export const InterruptFrameSchema = z.looseObject({
  type: z.literal('interrupt'),
  /** What the caller actually heard (may be empty). */
  utteranceUntilInterrupt: z.string().catch('').default(''),
  /** A number, or a numeric string in one docs edition. */
  durationUntilInterruptMs: z.coerce.number().catch(0).default(0),
});

/** A keypress (needs `dtmfDetection`). */
export const DtmfFrameSchema = z.looseObject({ type: z.literal('dtmf'), digit: z.string().min(1) });

/** Subscribed events (`speaker-events`, `tokens-played`, debugging). */
export const InfoFrameSchema = z.looseObject({
  type: z.literal('info'),
  name: z.string().optional(),
  value: z.unknown().optional(),
});

/** ConversationRelay reports a problem (for example an invalid frame we sent, error 64107). */
export const RelayErrorFrameSchema = z.looseObject({
  type: z.literal('error'),
  description: z.string().catch('').default(''),
});

const InboundFrameSchema = z.discriminatedUnion('type', [
  SetupFrameSchema,
  PromptFrameSchema,
  InterruptFrameSchema,
  DtmfFrameSchema,
  InfoFrameSchema,
  RelayErrorFrameSchema,
]);

/** `setup` frame. */
export type SetupFrame = z.output<typeof SetupFrameSchema>;
/** `prompt` frame. */
export type PromptFrame = z.output<typeof PromptFrameSchema>;
/** `interrupt` frame. */
export type InterruptFrame = z.output<typeof InterruptFrameSchema>;
/** `dtmf` frame. */
export type DtmfFrame = z.output<typeof DtmfFrameSchema>;
/** `info` frame. */
export type InfoFrame = z.output<typeof InfoFrameSchema>;
/** `error` frame from ConversationRelay. */
export type RelayErrorFrame = z.output<typeof RelayErrorFrameSchema>;
/** Any frame ConversationRelay sends the app. */
export type InboundFrame = z.output<typeof InboundFrameSchema>;

/** Result of {@link parseInboundFrame}: the frame, or why it was rejected (never the frame's content). */
export type ParsedFrame = { ok: true; frame: InboundFrame } | { ok: false; reason: string; type?: string };

/** Parse one WebSocket text frame from ConversationRelay. Never throws. */
export function parseInboundFrame(data: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const type = (json as { type?: unknown }).type;
  const result = InboundFrameSchema.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const typeName = typeof type === 'string' ? type.slice(0, 40) : undefined;
  const fields = result.error.issues.map((i) => i.path.join('.') || 'type').join(', ');
  return {
    ok: false,
    type: typeName,
    reason: typeName ? `invalid ${typeName} frame (${fields})` : 'missing type',
  };
}

/** `text`: a token of the spoken reply; `last: true` ends the talk cycle. */
export interface TextFrame {
  type: 'text';
  token: string;
  last: boolean;
  lang?: string;
  interruptible?: boolean;
  preemptible?: boolean;
}

/** `play`: an audio URL. */
export interface PlayFrame {
  type: 'play';
  source: string;
  loop?: number;
  preemptible?: boolean;
  interruptible?: boolean;
}

/** `sendDigits`: DTMF tones to the other side (`0-9`, `w`, `#`, `*`). */
export interface SendDigitsFrame {
  type: 'sendDigits';
  digits: string;
}

/** `language`: switch TTS and/or STT language for what follows. */
export interface LanguageFrame {
  type: 'language';
  ttsLanguage?: string;
  transcriptionLanguage?: string;
}

/** `end`: end the session; `handoffData` (a string) reaches the `<Connect action>` callback as `HandoffData`. */
export interface EndFrame {
  type: 'end';
  handoffData?: string;
}

/** Any frame the app may send ConversationRelay (it rejects other types with error 64107). */
export type OutboundFrame = TextFrame | PlayFrame | SendDigitsFrame | LanguageFrame | EndFrame;
