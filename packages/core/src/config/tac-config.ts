import { z } from 'zod';
import { TACError, TACErrorCode } from '../errors/index.ts';

/** Twilio REST products TAC talks to; each has its own host. */
export type TwilioProduct = 'api' | 'conversations' | 'memory' | 'knowledge' | 'studio';

/** Recall limits and trait selection for Conversation Memory. */
export const MemoryConfigSchema = z.object({
  /** Trait groups fetched with the profile; `undefined` means all. */
  traitGroups: z.array(z.string().min(1)).optional(),
  /** @defaultValue 20 */
  observationsLimit: z.number().int().min(0).max(100).default(20),
  /** @defaultValue 5 */
  summariesLimit: z.number().int().min(0).max(100).default(5),
  /** @defaultValue 0 (when > 0, Memory requires `conversationId` on every Recall) */
  communicationsLimit: z.number().int().min(0).max(100).default(0),
  /** @defaultValue 0 */
  relevanceThreshold: z.number().min(0).max(1).default(0),
  /** @defaultValue `'Contact'` */
  phoneTraitGroup: z.string().min(1).default('Contact'),
  /** @defaultValue `'phone'` */
  phoneTraitField: z.string().min(1).default('phone'),
});

/** Parsed memory configuration. */
export type MemoryConfig = z.output<typeof MemoryConfigSchema>;

const path = (name: string) =>
  z
    .string()
    .regex(/^\/[\w\-./]*$/, `${name} must start with "/"`)
    .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p));

/** zod schema of {@link TACConfigData}, exported for composition and docs. */
export const TACConfigSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex characters'),
  authToken: z.string().min(1, 'is required'),
  apiKey: z.string().min(1, 'is required'),
  apiSecret: z.string().min(1, 'is required'),
  phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567'),
  rcsSenderId: z
    .string()
    .regex(/^rcs:.+$/, 'must start with "rcs:"')
    .optional(),
  whatsappNumber: z
    .string()
    .regex(/^whatsapp:\+\d+$/, 'must look like whatsapp:+15551234567')
    .optional(),
  conversationConfigurationId: z
    .string()
    .regex(
      /^conv_configuration_[0-9a-z]{26}$/,
      'must look like conv_configuration_ followed by 26 characters',
    )
    .optional(),
  knowledgeBaseId: z.string().min(1).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2,4}\d$/, 'must be a region label such as ie1 or au1')
    .optional(),
  studioHandoffFlowSid: z
    .string()
    .regex(/^FW[0-9a-f]{32}$/, 'must look like FW followed by 32 hex characters')
    .optional(),
  /** Public host (optionally with port and base path) Twilio reaches for voice: TwiML, WebSocket, callbacks. */
  voicePublicDomain: z
    .string()
    .min(1)
    .transform((d) => d.replace(/^(https?|wss?):\/\//i, '').replace(/\/+$/, ''))
    .pipe(
      z
        .string()
        .regex(
          /^[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s?#]*)?$/,
          'must be a host, optionally with :port and a /base path (e.g. agent.example.com or agent.example.com:8443/tac)',
        ),
    )
    .optional(),
  voiceWebsocketPath: path('voiceWebsocketPath').default('/ws'),
  voiceActionPath: path('voiceActionPath').default('/conversation-relay-callback'),
  voiceCallEventPath: path('voiceCallEventPath').default('/twilio/call-events'),
  memoryConfig: MemoryConfigSchema.default(MemoryConfigSchema.parse({})),
  cintelConfigurationId: z.string().min(1).optional(),
  cintelSummaryOperatorSid: z.string().min(1).optional(),
  /** @defaultValue `'info'` */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Replaces the origin (scheme, host, port) of every Twilio REST host and keeps
   * the paths. Point it at the emulator from `@tac/testing` to run offline.
   */
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .refine((u) => {
      const url = new URL(u);
      return url.pathname === '/' && url.search === '' && url.hash === '';
    }, 'must be an origin only (scheme://host[:port]): Twilio paths are appended to it')
    .transform((u) => new URL(u).origin)
    .optional(),
});

/** Input accepted by {@link TACConfig} (camelCase, defaults optional). */
export type TACConfigData = z.input<typeof TACConfigSchema>;
/** Fully parsed configuration values. */
export type TACConfigValues = z.output<typeof TACConfigSchema>;

/** Which environment variable feeds which config key (for `fromEnv` and error messages). */
export const ENV_VARS = {
  accountSid: 'TWILIO_ACCOUNT_SID',
  authToken: 'TWILIO_AUTH_TOKEN',
  apiKey: 'TWILIO_API_KEY',
  apiSecret: 'TWILIO_API_SECRET',
  phoneNumber: 'TWILIO_PHONE_NUMBER',
  rcsSenderId: 'TWILIO_RCS_SENDER_ID',
  whatsappNumber: 'TWILIO_WHATSAPP_NUMBER',
  conversationConfigurationId: 'TWILIO_CONVERSATION_CONFIGURATION_ID',
  knowledgeBaseId: 'TWILIO_KNOWLEDGE_BASE_ID',
  region: 'TWILIO_REGION',
  studioHandoffFlowSid: 'TWILIO_STUDIO_HANDOFF_FLOW_SID',
  voicePublicDomain: 'TWILIO_VOICE_PUBLIC_DOMAIN',
  voiceWebsocketPath: 'TWILIO_VOICE_WEBSOCKET_PATH',
  voiceActionPath: 'TWILIO_VOICE_ACTION_PATH',
  voiceCallEventPath: 'TWILIO_VOICE_CALL_EVENT_PATH',
  cintelConfigurationId: 'TWILIO_TAC_CI_CONFIGURATION_ID',
  cintelSummaryOperatorSid: 'TWILIO_TAC_CI_SUMMARY_OPERATOR_SID',
  logLevel: 'TWILIO_LOG_LEVEL',
  apiBaseUrl: 'TWILIO_API_BASE_URL',
} as const satisfies Partial<Record<keyof TACConfigValues, string>>;

const MEMORY_ENV_VARS = {
  traitGroups: 'TWILIO_MEMORY_PROFILE_TRAIT_GROUPS',
  observationsLimit: 'TWILIO_MEMORY_OBSERVATIONS_LIMIT',
  summariesLimit: 'TWILIO_MEMORY_SUMMARIES_LIMIT',
  communicationsLimit: 'TWILIO_MEMORY_COMMUNICATIONS_LIMIT',
  relevanceThreshold: 'TWILIO_MEMORY_RELEVANCE_THRESHOLD',
  phoneTraitGroup: 'TWILIO_MEMORY_PHONE_TRAIT_GROUP',
  phoneTraitField: 'TWILIO_MEMORY_PHONE_TRAIT_FIELD',
} as const satisfies Record<keyof MemoryConfig, string>;

function nameFor(pathParts: readonly PropertyKey[], fromEnv: boolean): string {
  const [first, second] = pathParts;
  if (!fromEnv) return pathParts.map(String).join('.');
  if (first === 'memoryConfig' && typeof second === 'string') {
    return MEMORY_ENV_VARS[second as keyof typeof MEMORY_ENV_VARS] ?? `memoryConfig.${second}`;
  }
  return ENV_VARS[first as keyof typeof ENV_VARS] ?? String(first);
}

function parseOrThrow(data: unknown, fromEnv: boolean): TACConfigValues {
  // reportInput: tells a missing value (input undefined) from a present but wrong one.
  const result = TACConfigSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = nameFor(issue.path, fromEnv) || 'configuration';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return `  - ${name}: ${missing ? 'is required' : issue.message}`;
  });
  throw new TACError(TACErrorCode.CONFIG, `Invalid TAC configuration:\n${lines.join('\n')}`, {
    context: { variables: result.error.issues.map((i) => nameFor(i.path, fromEnv)) },
  });
}

/**
 * TAC configuration. Build it from the environment with {@link TACConfig.fromEnv}
 * or from an object; either fails at construction with a {@link TACError}
 * (`TAC_ERR_CONFIG`) naming every bad or missing variable.
 *
 * @example
 * ```ts
 * const config = TACConfig.fromEnv();              // reads TWILIO_* variables
 * const local = new TACConfig({ ...emulator.env }); // or an object
 * ```
 */
export class TACConfig {
  readonly values: Readonly<TACConfigValues>;

  constructor(data: TACConfigData | TACConfigValues, options: { fromEnv?: boolean } = {}) {
    this.values = Object.freeze(parseOrThrow(data, options.fromEnv ?? false));
  }

  /** Read Twilio TAC's `TWILIO_*` variables (plus `TWILIO_API_BASE_URL`). Blank values count as unset. */
  static fromEnv(env: Record<string, string | undefined> = process.env): TACConfig {
    const read = (name: string) => {
      const v = env[name]?.trim();
      return v === undefined || v === '' ? undefined : v;
    };
    const data: Record<string, unknown> = {};
    for (const [key, name] of Object.entries(ENV_VARS)) {
      const v = read(name);
      if (v !== undefined) data[key] = key === 'logLevel' ? v.toLowerCase() : v;
    }
    const memory: Record<string, unknown> = {};
    for (const [key, name] of Object.entries(MEMORY_ENV_VARS)) {
      const v = read(name);
      if (v === undefined) continue;
      if (key === 'traitGroups') {
        memory[key] = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      } else if (key === 'phoneTraitGroup' || key === 'phoneTraitField') {
        memory[key] = v;
      } else {
        // Keep the raw string when it is not a number so the error names the variable.
        memory[key] = Number.isFinite(Number(v)) ? Number(v) : v;
      }
    }
    data.memoryConfig = memory;
    return new TACConfig(data as TACConfigData, { fromEnv: true });
  }

  get accountSid(): string {
    return this.values.accountSid;
  }
  get authToken(): string {
    return this.values.authToken;
  }
  get phoneNumber(): string {
    return this.values.phoneNumber;
  }
  get memoryConfig(): MemoryConfig {
    return this.values.memoryConfig;
  }

  /** Orchestrator mode is on when a Conversation Configuration id is set; otherwise voice runs relay-only. */
  isOrchestratorEnabled(): boolean {
    return this.values.conversationConfigurationId !== undefined;
  }

  /** True when Conversation Intelligence ingestion (`/ci-webhook`) is configured. */
  isCintelEnabled(): boolean {
    return this.values.cintelConfigurationId !== undefined;
  }

  /** Origin of a Twilio product's REST API, honouring `apiBaseUrl` and `region`. */
  baseUrl(product: TwilioProduct): string {
    if (this.values.apiBaseUrl) return this.values.apiBaseUrl;
    return this.values.region
      ? `https://${product}.${this.values.region}.twilio.com`
      : `https://${product}.twilio.com`;
  }

  /** `Authorization` header value for REST calls (API key + secret). */
  basicAuthHeader(): string {
    return `Basic ${Buffer.from(`${this.values.apiKey}:${this.values.apiSecret}`).toString('base64')}`;
  }

  /** Path of a voice call-event route, e.g. `/twilio/call-events/status`. */
  callEventPath(kind: 'status' | 'amd' | 'recording'): string {
    return `${this.values.voiceCallEventPath}/${kind}`;
  }

  /** Public https URL of a voice path; throws `TAC_ERR_CONFIG` naming `TWILIO_VOICE_PUBLIC_DOMAIN` when unset. */
  voiceUrl(pathname: string, scheme: 'https' | 'wss' = 'https'): string {
    const domain = this.values.voicePublicDomain;
    if (!domain) {
      throw new TACError(
        TACErrorCode.CONFIG,
        'Invalid TAC configuration:\n  - TWILIO_VOICE_PUBLIC_DOMAIN: is required for the voice channel',
        { context: { variables: ['TWILIO_VOICE_PUBLIC_DOMAIN'] } },
      );
    }
    return `${scheme}://${domain}${pathname}`;
  }

  /** A JSON view with secrets redacted, safe to log. */
  toJSON(): Record<string, unknown> {
    return { ...this.values, authToken: '[redacted]', apiSecret: '[redacted]' };
  }
}
