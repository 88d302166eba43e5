/** The `setup` message ConversationRelay sends first (all values strings). */
export interface SetupMessage {
  type: 'setup';
  sessionId: string;
  accountSid: string;
  parentCallSid: string;
  callSid: string;
  from: string;
  to: string;
  forwardedFrom: string;
  callType: 'PSTN' | 'SIP' | 'CLIENT';
  callerName: string;
  direction: 'inbound' | 'outbound-api';
  callStatus: 'RINGING' | 'IN_PROGRESS';
  customParameters: Record<string, string>;
}

/** `prompt`: what the caller said (partials have `last: false`). */
export interface PromptMessage {
  type: 'prompt';
  voicePrompt: string;
  lang: string;
  last: boolean;
}

/** `interrupt`: the caller spoke over the agent. */
export interface InterruptMessage {
  type: 'interrupt';
  utteranceUntilInterrupt: string;
  durationUntilInterruptMs: number;
}

/** `dtmf`: a keypress (only with `dtmfDetection`). */
export interface DtmfMessage {
  type: 'dtmf';
  digit: string;
}

/** `error`: ConversationRelay rejected a frame from the app. */
export interface ErrorMessage {
  type: 'error';
  description: string;
}

/** Any message ConversationRelay sends to the app. */
export type RelayToAppMessage = SetupMessage | PromptMessage | InterruptMessage | DtmfMessage | ErrorMessage;

/** `text` from the app: a token to speak. */
export interface TextFrame {
  type: 'text';
  token: string;
  last?: boolean;
  lang?: string;
  interruptible?: boolean;
  preemptible?: boolean;
}

/** `play` from the app. */
export interface PlayFrame {
  type: 'play';
  source: string;
  loop?: number;
  preemptible?: boolean;
  interruptible?: boolean;
}

/** `sendDigits` from the app. */
export interface SendDigitsFrame {
  type: 'sendDigits';
  digits: string;
}

/** `language` from the app. */
export interface LanguageFrame {
  type: 'language';
  ttsLanguage?: string;
  transcriptionLanguage?: string;
}

/** `end` from the app: end the session, optionally with handoff data (a string). */
export interface EndFrame {
  type: 'end';
  handoffData?: string;
}

/** A valid frame from the app. */
export type AppFrame = TextFrame | PlayFrame | SendDigitsFrame | LanguageFrame | EndFrame;

/** The result of checking one app frame. */
export type FrameCheck = { ok: true; frame: AppFrame } | { ok: false; reason: string; parsed?: unknown };

const LANG = /^(multi|[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*)$/;

const isBool = (v: unknown) => v === undefined || typeof v === 'boolean';

function check(frame: Record<string, unknown>): string | undefined {
  switch (frame['type']) {
    case 'text':
      if (typeof frame['token'] !== 'string') return 'text.token is required and must be a string';
      if (!isBool(frame['last'])) return 'text.last must be a boolean';
      if (frame['lang'] !== undefined && (typeof frame['lang'] !== 'string' || !LANG.test(frame['lang'])))
        return 'text.lang must be a supported language code';
      if (!isBool(frame['interruptible'])) return 'text.interruptible must be a boolean';
      if (!isBool(frame['preemptible'])) return 'text.preemptible must be a boolean';
      return undefined;
    case 'play': {
      const source = frame['source'];
      if (typeof source !== 'string' || !/^https?:\/\/[^\s]+$/.test(source))
        return 'play.source is required and must be a valid URL';
      const loop = frame['loop'];
      if (loop !== undefined && (!Number.isInteger(loop) || (loop as number) < 0 || (loop as number) > 1000))
        return 'play.loop must be an integer between 0 and 1000';
      if (!isBool(frame['interruptible'])) return 'play.interruptible must be a boolean';
      if (!isBool(frame['preemptible'])) return 'play.preemptible must be a boolean';
      return undefined;
    }
    case 'sendDigits':
      if (typeof frame['digits'] !== 'string' || !/^[0-9w#*]+$/.test(frame['digits']))
        return 'sendDigits.digits is required and may only contain 0-9, w, # and *';
      return undefined;
    case 'language': {
      const tts = frame['ttsLanguage'];
      const stt = frame['transcriptionLanguage'];
      if (tts === undefined && stt === undefined)
        return 'language needs ttsLanguage or transcriptionLanguage';
      for (const [name, v] of [
        ['ttsLanguage', tts],
        ['transcriptionLanguage', stt],
      ] as const) {
        if (v !== undefined && (typeof v !== 'string' || !LANG.test(v)))
          return `language.${name} must be a supported language code`;
      }
      return undefined;
    }
    case 'end':
      if (frame['handoffData'] !== undefined && typeof frame['handoffData'] !== 'string')
        return 'end.handoffData must be a string (JSON.stringify your data)';
      return undefined;
    default:
      return `unknown message type ${JSON.stringify(frame['type'])}`;
  }
}

/**
 * Validate a frame the app sent, with ConversationRelay's rules (reference
 * conversationrelay.md §2.2): JSON object, known `type`, required fields and
 * their types.
 */
export function checkAppFrame(raw: string): FrameCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: 'not a JSON object', parsed };
  }
  const reason = check(parsed as Record<string, unknown>);
  return reason ? { ok: false, reason, parsed } : { ok: true, frame: parsed as AppFrame };
}
