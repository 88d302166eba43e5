import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { parseXml, type XmlElement } from './xml.ts';

/** Interruption modes of `<ConversationRelay interruptible>`. */
export type InterruptMode = 'none' | 'dtmf' | 'speech' | 'any';

/** What a `<Connect><ConversationRelay>` asks for. */
export interface ConversationRelayTwiml {
  /** `<Connect action>`; the callback when the session ends. */
  action?: string;
  /** `<Connect method>`. @defaultValue POST */
  method: 'POST' | 'GET';
  /** The WebSocket URL. */
  url: string;
  /** Every `<ConversationRelay>` attribute, verbatim. */
  attributes: Record<string, string>;
  welcomeGreeting?: string;
  /** Present in orchestrated mode: the Conversation Configuration the call joins. */
  conversationConfiguration?: string;
  /** `dtmfDetection="true"`: keypresses are sent over the WebSocket. */
  dtmfDetection: boolean;
  /** `interruptible` (booleans mapped: true = any, false = none). @defaultValue any */
  interruptible: InterruptMode;
  /** Transcription language of prompts (`transcriptionLanguage` > `language` > en-US). */
  transcriptionLanguage: string;
  /** `<Language>` children (attributes verbatim). */
  languages: Record<string, string>[];
  /** `<Parameter name value>` children: the setup message's `customParameters`. */
  parameters: Record<string, string>;
}

/** A parsed TwiML document. */
export interface ParsedTwiml {
  root: XmlElement;
  /** Top-level verb names in order (`Connect`, `Say`, `Dial`, `Hangup`…). */
  verbs: string[];
  /** The first `<Connect><ConversationRelay>`, if any. */
  conversationRelay?: ConversationRelayTwiml;
  /** Verbs after the `<Connect>` holding the ConversationRelay (what runs when the session ends without an action). */
  afterConnect: string[];
}

function interruptMode(value: string | undefined): InterruptMode {
  if (value === undefined) return 'any';
  const v = value.toLowerCase();
  if (v === 'true') return 'any';
  if (v === 'false') return 'none';
  if (v === 'none' || v === 'dtmf' || v === 'speech' || v === 'any') return v;
  throw new EmulatorError(
    EmulatorErrorCode.APP,
    `Invalid TwiML: interruptible="${value}" is not none|dtmf|speech|any`,
  );
}

/** Parse TwiML and extract the ConversationRelay settings Twilio would act on. */
export function parseTwiml(xml: string): ParsedTwiml {
  const root = parseXml(xml);
  if (root.name !== 'Response') {
    throw new EmulatorError(
      EmulatorErrorCode.APP,
      `Invalid TwiML: the root element is <${root.name}>, not <Response>`,
    );
  }
  const verbs = root.children.map((c) => c.name);
  let conversationRelay: ConversationRelayTwiml | undefined;
  let afterConnect: string[] = [];
  root.children.forEach((verb, index) => {
    if (conversationRelay || verb.name !== 'Connect') return;
    const relay = verb.children.find((c) => c.name === 'ConversationRelay');
    if (!relay) return;
    const attrs = relay.attributes;
    if (!attrs['url'])
      throw new EmulatorError(EmulatorErrorCode.APP, 'Invalid TwiML: <ConversationRelay> needs a url');
    const method = (verb.attributes['method'] ?? 'POST').toUpperCase();
    if (method !== 'POST' && method !== 'GET') {
      throw new EmulatorError(EmulatorErrorCode.APP, `Invalid TwiML: <Connect method="${method}">`);
    }
    const parameters: Record<string, string> = {};
    for (const p of relay.children.filter((c) => c.name === 'Parameter')) {
      if (p.attributes['name'] !== undefined) parameters[p.attributes['name']] = p.attributes['value'] ?? '';
    }
    conversationRelay = {
      action: verb.attributes['action'],
      method,
      url: attrs['url'],
      attributes: { ...attrs },
      welcomeGreeting: attrs['welcomeGreeting'],
      conversationConfiguration: attrs['conversationConfiguration'],
      dtmfDetection: attrs['dtmfDetection']?.toLowerCase() === 'true',
      interruptible: interruptMode(attrs['interruptible']),
      transcriptionLanguage: attrs['transcriptionLanguage'] ?? attrs['language'] ?? 'en-US',
      languages: relay.children.filter((c) => c.name === 'Language').map((c) => ({ ...c.attributes })),
      parameters,
    };
    afterConnect = verbs.slice(index + 1);
  });
  return { root, verbs, conversationRelay, afterConnect };
}
