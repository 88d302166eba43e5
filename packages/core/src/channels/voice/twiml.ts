import type { TACConfig } from '../../config/index.ts';
import type { LanguageOptions, VoiceTwiMLOptions } from './twiml-options.ts';

/** Twilio TAC's default greeting. */
export const DEFAULT_WELCOME_GREETING = 'Hello! How can I assist you today?';

/** Options with the WebSocket URL and `<Connect action>` already resolved. */
export type ResolvedTwiMLOptions = Omit<VoiceTwiMLOptions, 'websocketUrl' | 'actionUrl'> & {
  websocketUrl: string;
  /** `undefined` or `null`: no `action` attribute. */
  actionUrl?: string | null;
};

// Emission order follows Twilio's TAC so generated TwiML diffs cleanly against it.
const ATTRIBUTE_ORDER = [
  'welcomeGreeting',
  'welcomeGreetingInterruptible',
  'conversationConfiguration',
  'language',
  'ttsLanguage',
  'transcriptionLanguage',
  'voice',
  'ttsProvider',
  'transcriptionProvider',
  'speechModel',
  'elevenlabsTextNormalization',
  'eotThreshold',
  'partialPrompts',
  'deepgramSmartFormat',
  'speechTimeout',
  'interruptible',
  'interruptSensitivity',
  'reportInputDuringAgentSpeech',
  'ignoreBackchannel',
  'preemptible',
  'dtmfDetection',
  'profanityFilter',
  'backgroundNoiseReduction',
  'hints',
  'events',
  'debug',
  'intelligenceService',
] as const satisfies readonly (keyof VoiceTwiMLOptions)[];

const INTERRUPT_KEYS = new Set([
  'welcomeGreetingInterruptible',
  'interruptible',
  'reportInputDuringAgentSpeech',
]);

function attributeValue(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // ConversationRelay documents booleans for these as any/none; emit the documented form.
  if (INTERRUPT_KEYS.has(key) && typeof value === 'boolean') return value ? 'any' : 'none';
  if (Array.isArray(value)) return value.join(key === 'hints' ? ',' : ' ');
  return String(value);
}

/** The `<ConversationRelay>` attributes of `options`, stringified, in emission order (`url` first). */
export function conversationRelayAttributes(options: ResolvedTwiMLOptions): Record<string, string> {
  const attrs: Record<string, string> = { url: options.websocketUrl };
  for (const key of ATTRIBUTE_ORDER) {
    const v = attributeValue(key, options[key]);
    if (v !== undefined) attrs[key] = v;
  }
  for (const [key, value] of Object.entries(options.extra ?? {})) attrs[key] = String(value);
  return attrs;
}

function parameterValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

type VoiceResponseClass = typeof import('twilio/lib/twiml/VoiceResponse.js');
let voiceResponse: Promise<VoiceResponseClass> | undefined;

// twilio's TwiML builder loads in ~15 ms; keep it off the import path of apps that never take calls.
function loadVoiceResponse(): Promise<VoiceResponseClass> {
  voiceResponse ??= import('twilio/lib/twiml/VoiceResponse.js').then((m) => m.default);
  return voiceResponse;
}

/**
 * Render `<Response><Connect action><ConversationRelay …>` with `<Language>` and
 * `<Parameter>` children, serialized by the `twilio` package's TwiML builder
 * (so escaping matches Twilio's own output). Attributes are written exactly as
 * resolved: apply defaults first (the {@link VoiceChannel} does).
 *
 * @example
 * ```ts
 * const xml = await renderConversationRelayTwiml({
 *   websocketUrl: 'wss://example.com/ws',
 *   actionUrl: 'https://example.com/conversation-relay-callback',
 *   welcomeGreeting: 'Hi!',
 *   languages: [{ code: 'es-MX', ttsProvider: 'Google', voice: 'es-US-Neural2-A' }],
 *   customParameters: { customerTier: 'gold' },
 * });
 * ```
 */
export async function renderConversationRelayTwiml(options: ResolvedTwiMLOptions): Promise<string> {
  const VoiceResponse = await loadVoiceResponse();
  const response = new VoiceResponse();
  const connect = response.connect(
    options.actionUrl
      ? { action: options.actionUrl, ...(options.actionMethod ? { method: options.actionMethod } : {}) }
      : {},
  );
  // twilio's typings lowercase several newer attributes (reference §1.3); the builder writes keys as given.
  const relay = connect.conversationRelay(conversationRelayAttributes(options) as Record<string, string>);
  for (const lang of options.languages ?? []) {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(lang as LanguageOptions)) if (v !== undefined) attrs[k] = String(v);
    relay.language(attrs);
  }
  for (const [name, value] of Object.entries(options.customParameters ?? {})) {
    const v = parameterValue(value);
    if (v !== undefined) relay.parameter({ name, value: v });
  }
  return response.toString();
}

/**
 * Layer TwiML options: later layers win key by key; `customParameters` and
 * `extra` merge, `languages` is replaced. Keys set to `undefined` are ignored,
 * so a layer only overrides what it names (`actionUrl: null` does override).
 */
export function mergeTwiMLOptions(...layers: (VoiceTwiMLOptions | undefined)[]): VoiceTwiMLOptions {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if ((key === 'customParameters' || key === 'extra') && value !== null && typeof value === 'object') {
        out[key] = { ...(out[key] as object | undefined), ...value };
      } else {
        out[key] = value;
      }
    }
  }
  return out as VoiceTwiMLOptions;
}

/**
 * Studio's voice handoff URL for `<Connect action>`
 * (`https://webhooks.twilio.com/v1/Accounts/{AccountSid}/Flows/{FlowSid}?Trigger=incomingCall`),
 * or undefined without `TWILIO_STUDIO_HANDOFF_FLOW_SID`. `TWILIO_API_BASE_URL`
 * replaces the origin, as for every Twilio host, so an emulator receives it.
 */
export function studioVoiceHandoffUrl(config: TACConfig): string | undefined {
  const flowSid = config.values.studioHandoffFlowSid;
  if (!flowSid) return undefined;
  const origin = config.values.apiBaseUrl ?? 'https://webhooks.twilio.com';
  return `${origin}/v1/Accounts/${config.accountSid}/Flows/${flowSid}?Trigger=incomingCall`;
}

/**
 * `<Connect action>` by precedence (reference §3): the first layer that names
 * `actionUrl` (a per-call customizer before channel options; `null` suppresses),
 * then the Studio handoff URL when a flow SID is configured, then
 * `{httpOrigin}{voiceActionPath}`.
 */
export function resolveActionUrl(
  layersByPrecedence: readonly (VoiceTwiMLOptions | undefined)[],
  config: TACConfig,
  httpOrigin: string,
): string | null {
  for (const layer of layersByPrecedence) {
    if (layer && layer.actionUrl !== undefined) return layer.actionUrl;
  }
  return studioVoiceHandoffUrl(config) ?? `${httpOrigin}${config.values.voiceActionPath}`;
}
