import { z } from 'zod';
import { parseOptions } from '../emulator/options.ts';
import type { OrchestratorStore } from '../orchestrator/orchestrator-store.ts';
import type { OrchestratorChannel } from '../orchestrator/types.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { sid, ulid } from '../util/ids.ts';
import type { WebhookDelivery, WebhookSender } from '../webhooks/webhook-sender.ts';
import type { IntelligencePayload, OperatorResult, OperatorResultInput } from './intelligence-payload.ts';

/** Options of `emu.intelligence.deliver()`. */
export const DeliverIntelligenceOptionsSchema = z.object({
  /** The conversation the results are about. @defaultValue the most recently created conversation */
  conversationId: z.string().min(1).optional(),
  /** `intelligenceConfiguration.id`. @defaultValue `emu.intelligence.configurationId` */
  configurationId: z.string().min(1).optional(),
  /** Path on the app. @defaultValue the `ciWebhookPath` of `setApp` (`/ci-webhook`) */
  path: z.string().startsWith('/', 'path must start with "/"').optional(),
  /** `dateCreated` of generated results (TAC stores it as the summary's `occurredAt`). @defaultValue now */
  dateCreated: z.iso.datetime({ error: 'dateCreated must be an ISO-8601 date-time' }).optional(),
  /** Retry a non-2xx answer like Orchestrator webhooks (`webhookRetry`). @defaultValue false */
  retry: z.boolean().default(false),
});

/** Input of `emu.intelligence.deliver()` options. */
export type DeliverIntelligenceOptions = z.input<typeof DeliverIntelligenceOptionsSchema>;

/** What the app answered a Conversation Intelligence webhook. */
export interface IntelligenceResponse {
  /** HTTP status, undefined when the app could not be reached. */
  status: number | undefined;
  /** True for a 2xx answer. */
  ok: boolean;
  /** The answer, parsed when it is JSON (TAC answers its `OperatorProcessingResult`), else the text. */
  body: unknown;
  /** The JSON body that was sent. */
  payload: unknown;
  /** The signed delivery (URL with `bodySHA256`, headers, attempts). */
  delivery: WebhookDelivery;
}

/** @internal What the controls need from the emulator. */
export interface IntelligenceContext {
  accountSid: string;
  memoryStoreId: string;
  sender: WebhookSender;
  orchestrator: OrchestratorStore;
  /** The app's base URL and CI webhook path, once `setApp` was called. */
  app(): { url: string; ciWebhookPath: string } | undefined;
}

// Channel names as they appear in `executionDetails.channels` ("SMS", "Voice" in the reference).
const CI_CHANNEL: Partial<Record<OrchestratorChannel, string>> = {
  SMS: 'SMS',
  VOICE: 'Voice',
  WHATSAPP: 'WhatsApp',
  RCS: 'RCS',
  CHAT: 'Chat',
};

/**
 * `emu.intelligence`: Conversation Intelligence as seen by the app. Twilio
 * runs language operators over a conversation and posts their results to the
 * app's `/ci-webhook`; `deliver()` sends that signed webhook (JSON, with
 * `bodySHA256`) and returns the app's answer.
 *
 * The app must be configured with the ids the results carry:
 * `TACConfig.fromEnv({ ...emu.env, ...emu.intelligence.env })`. They are not
 * in `emu.env`, because they turn on the app's `/ci-webhook`.
 */
export class IntelligenceControls {
  /** The Intelligence Configuration (`GA…`) the webhooks come from. */
  readonly configurationId: string;
  /** The summary operator (`LY…`) of generated results. */
  readonly summaryOperatorSid: string;
  private readonly ctx: IntelligenceContext;

  constructor(ctx: IntelligenceContext) {
    this.ctx = ctx;
    this.configurationId = sid('GA');
    this.summaryOperatorSid = sid('LY');
  }

  /** `TWILIO_TAC_CI_CONFIGURATION_ID` and `TWILIO_TAC_CI_SUMMARY_OPERATOR_SID`, to merge over `emu.env`. */
  get env(): Record<string, string> {
    return {
      TWILIO_TAC_CI_CONFIGURATION_ID: this.configurationId,
      TWILIO_TAC_CI_SUMMARY_OPERATOR_SID: this.summaryOperatorSid,
    };
  }

  /** Every Conversation Intelligence webhook sent, oldest first. */
  get deliveries(): WebhookDelivery[] {
    return this.ctx.sender.deliveries.filter((d) => d.kind === 'intelligence');
  }

  /**
   * Send a signed Conversation Intelligence webhook to the app and return its answer.
   *
   * - An array is the `operatorResults`: each one is completed from the
   *   conversation (participants, first/last communication, channels), the
   *   summary operator, `outputFormat: 'JSON'` and now, and wrapped in the
   *   envelope (`accountId`, `conversationId`, `memoryStoreId`,
   *   `intelligenceConfiguration`).
   * - An object is the full payload, sent verbatim (to test malformed ones too).
   *
   * @example
   * ```ts
   * const res = await emu.intelligence.deliver([{ summary: 'Asked for a refund of order A1234.' }]);
   * expect(res.body).toMatchObject({ success: true, createdCount: 1 });
   * ```
   */
  async deliver(
    input: readonly OperatorResultInput[] | IntelligencePayload | Record<string, unknown>,
    options: DeliverIntelligenceOptions = {},
  ): Promise<IntelligenceResponse> {
    const opts = parseOptions(DeliverIntelligenceOptionsSchema, options, 'intelligence.deliver options');
    if (input === null || typeof input !== 'object') {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        'intelligence.deliver takes an array of operator results or a full payload object',
      );
    }
    const app = this.ctx.app();
    if (!app) {
      throw new EmulatorError(EmulatorErrorCode.APP, 'No app to deliver to: call emu.setApp({ url }) first');
    }
    const payload = Array.isArray(input)
      ? this.payload(input as readonly OperatorResultInput[], opts)
      : input;
    const delivery = await this.ctx.sender.send({
      kind: 'intelligence',
      url: `${app.url}${opts.path ?? app.ciWebhookPath}`,
      json: payload,
      retry: opts.retry,
    });
    return {
      status: delivery.status,
      ok: delivery.ok,
      body: parseMaybeJson(delivery.responseBody),
      payload,
      delivery,
    };
  }

  /** The full payload `deliver(operatorResults)` would send. */
  payload(
    operatorResults: readonly OperatorResultInput[],
    options: DeliverIntelligenceOptions = {},
  ): IntelligencePayload {
    const opts = parseOptions(DeliverIntelligenceOptionsSchema, options, 'intelligence.deliver options');
    const conversationId = opts.conversationId ?? this.ctx.orchestrator.all().at(-1)?.resource.id;
    if (!conversationId) {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        'No conversation to report on: pass { conversationId } or start a conversation first',
      );
    }
    const record = this.ctx.orchestrator.find(conversationId);
    const now = opts.dateCreated ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const channels = [
      ...new Set(record?.communications.map((c) => CI_CHANNEL[c.author.channel] ?? c.author.channel)),
    ];
    const defaults: OperatorResult = {
      id: `intelligence_operatorresult_${ulid()}`,
      operator: {
        id: this.summaryOperatorSid,
        friendlyName: 'Summary Extractor',
        version: 1,
        parameters: {},
      },
      outputFormat: 'JSON',
      result: { payload: JSON.stringify({ summaries: [] }) },
      dateCreated: now,
      referenceIds: [],
      executionDetails: {
        trigger: { on: 'conversation_closed', timestamp: now },
        communications: {
          first: record?.communications.at(0)?.id ?? null,
          last: record?.communications.at(-1)?.id ?? null,
        },
        channels,
        participants: (record?.participants ?? []).map((p) => ({
          id: p.id,
          profileId: p.profileId,
          type: p.type,
        })),
        context: {},
      },
    };
    return {
      accountId: this.ctx.accountSid,
      conversationId,
      memoryStoreId: this.ctx.memoryStoreId,
      intelligenceConfiguration: {
        id: opts.configurationId ?? this.configurationId,
        friendlyName: `CONVERSATION_MEMORY_${this.ctx.memoryStoreId}`,
        version: 1,
        ruleId: `rule_${ulid()}`,
      },
      operatorResults: operatorResults.map(({ summary, ...given }) => ({
        ...defaults,
        id: `intelligence_operatorresult_${ulid()}`,
        ...(summary === undefined
          ? {}
          : { outputFormat: 'JSON', result: { payload: JSON.stringify({ summaries: [{ summary }] }) } }),
        ...given,
      })),
    };
  }
}

function parseMaybeJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
