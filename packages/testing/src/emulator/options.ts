import { z } from 'zod';
import { GROUPING_TYPES, ORCHESTRATOR_EVENT_TYPES } from '../orchestrator/types.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';

/** Where the app under test listens. */
export const AppTargetSchema = z.object({
  /** Origin (and optional base path) of the app, e.g. `http://127.0.0.1:8000`. */
  url: z.url({ protocol: /^https?$/, error: 'app url must be an http(s) URL such as http://127.0.0.1:8000' }),
  /** Orchestrator webhooks (the configuration's status callback). @defaultValue /webhook */
  webhookPath: z.string().startsWith('/', 'webhookPath must start with "/"').default('/webhook'),
  /** Incoming-call TwiML. @defaultValue /twiml */
  twimlPath: z.string().startsWith('/', 'twimlPath must start with "/"').default('/twiml'),
  /** Conversation Intelligence webhooks (`emu.intelligence.deliver()`). @defaultValue /ci-webhook */
  ciWebhookPath: z.string().startsWith('/', 'ciWebhookPath must start with "/"').default('/ci-webhook'),
});

/** Input of `emu.setApp()`. */
export type AppTarget = z.input<typeof AppTargetSchema>;

/** Options of `TwilioEmulator.start()`, parsed with zod. */
export const EmulatorOptionsSchema = z.object({
  /** Create a Conversation Configuration (+ Memory store) and advertise it in `env`. @defaultValue true */
  orchestrated: z.boolean().default(true),
  /** @defaultValue a random AC… */
  accountSid: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'accountSid must be AC followed by 32 hex characters')
    .optional(),
  /** Signs every webhook and WebSocket upgrade. @defaultValue random */
  authToken: z.string().min(1).optional(),
  /** @defaultValue a random SK… */
  apiKey: z.string().min(1).optional(),
  /** @defaultValue random */
  apiSecret: z.string().min(1).optional(),
  /** TAC's number (SMS sender, voice). @defaultValue +15550100001 */
  phoneNumber: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'phoneNumber must be E.164, e.g. +15551234567')
    .default('+15550100001'),
  /** @defaultValue `whatsapp:` + phoneNumber */
  whatsappNumber: z
    .string()
    .regex(/^whatsapp:\+\d+$/, 'whatsappNumber must look like whatsapp:+15551234567')
    .optional(),
  /** @defaultValue rcs:tac_emulator_agent */
  rcsSenderId: z
    .string()
    .regex(/^rcs:.+$/, 'rcsSenderId must start with "rcs:"')
    .default('rcs:tac_emulator_agent'),
  /** Chat agent address (TAC's default). @defaultValue ai-assistant */
  chatAgentAddress: z.string().min(1).default('ai-assistant'),
  /** Twilio-like retries of Orchestrator webhooks. */
  webhookRetry: z
    .object({
      attempts: z.number().int().min(1).max(10).default(3),
      timeoutMs: z.number().int().positive().default(5000),
      backoffMs: z.number().int().min(0).default(100),
    })
    .default({ attempts: 3, timeoutMs: 5000, backoffMs: 100 }),
  /** Log requests (fastify/pino at info). @defaultValue false */
  logger: z.boolean().default(false),
  /** @defaultValue 127.0.0.1 */
  host: z.string().min(1).default('127.0.0.1'),
  /** @defaultValue 0 (a random free port) */
  port: z.number().int().min(0).max(65535).default(0),
  /** Create inbound messaging participants as `UNKNOWN` (Conversations v1 bridge). @defaultValue false */
  v1Bridge: z.boolean().default(false),
  /** @defaultValue GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE */
  conversationGroupingType: z.enum(GROUPING_TYPES).default('GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE'),
  /** Orchestrator events delivered to the status callbacks. @defaultValue all seven */
  webhookEvents: z.array(z.enum(ORCHESTRATOR_EVENT_TYPES)).default([...ORCHESTRATOR_EVENT_TYPES]),
  /** Knowledge base metadata. */
  knowledgeBase: z
    .object({
      displayName: z.string().min(1).default('emulator-knowledge'),
      description: z.string().max(128).default('Answers about the business: products, hours, policies.'),
    })
    .default({
      displayName: 'emulator-knowledge',
      description: 'Answers about the business: products, hours, policies.',
    }),
  /** The app, if known at start (same as calling `setApp`). */
  app: AppTargetSchema.optional(),
});

/** Input of `TwilioEmulator.start()`; everything is optional. */
export type EmulatorOptions = z.input<typeof EmulatorOptionsSchema>;
/** Parsed options. */
export type ResolvedEmulatorOptions = z.output<typeof EmulatorOptionsSchema>;

/** Parse with zod; throw `EMU_ERR_INVALID_OPTIONS` naming every bad field. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new EmulatorError(EmulatorErrorCode.INVALID_OPTIONS, `Invalid ${what}:\n${lines.join('\n')}`, {
    cause: result.error,
  });
}
