import type { CallListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/call.js';
import type Twilio from 'twilio/lib/rest/Twilio.js';
import type { TACConfig } from '../config/index.ts';
import { TACError, TACErrorCode, TwilioApiError } from '../errors/index.ts';
import { createBaseUrlRequestClient } from './base-url-request-client.ts';

/**
 * Calls API options passed through to `calls.create` (camelCase, as in the
 * `twilio` package): AMD, recording, status callbacks, timeout, … `to`,
 * `from`, `twiml`, `url` and `applicationSid` are set by TAC.
 */
export type CallOptions = Omit<
  CallListInstanceCreateOptions,
  'to' | 'from' | 'twiml' | 'url' | 'applicationSid'
>;

/** What TAC reads back from a created or updated call. */
export interface CallInfo {
  sid: string;
  status: string;
  direction?: string;
}

/** Arguments of {@link CallsClient.create}. */
export interface CreateCallParams extends CallOptions {
  to: string;
  from: string;
  /** Inline TwiML for the call. */
  twiml: string;
}

/** Turn the SDK's `RestException` (or a transport error) into TAC's error types. */
function toTacError(error: unknown, method: string, url: string): TACError {
  const e = error as { status?: unknown; code?: unknown; moreInfo?: string; message?: string };
  if (typeof e?.status === 'number') {
    return new TwilioApiError(
      `${method} ${url} answered ${e.status}${e.message ? `: ${e.message}` : ''}`,
      {
        status: e.status,
        twilioCode: typeof e.code === 'number' ? e.code : undefined,
        moreInfo: e.moreInfo,
        method,
        url,
      },
      { cause: error },
    );
  }
  return new TACError(TACErrorCode.NETWORK, `${method} ${url} failed: ${e?.message ?? String(error)}`, {
    cause: error,
    context: { method, url },
  });
}

/**
 * The Voice Calls API through the `twilio` package (API key auth, region),
 * honouring `TWILIO_API_BASE_URL` with a rewriting request client. The SDK is
 * loaded on first use, so apps that never place calls don't pay for it.
 *
 * @example
 * ```ts
 * const calls = new CallsClient(tac.config);
 * const { sid } = await calls.create({ to: '+15551230000', from: tac.config.phoneNumber, twiml });
 * await calls.update(sid, { status: 'completed' });
 * ```
 */
export class CallsClient {
  private readonly config: TACConfig;
  private readonly timeoutMs: number | undefined;
  private client: Promise<Twilio> | undefined;

  /** @param options.timeoutMs per-request timeout (TAC passes its HTTP client's, so every REST call has the same bound). */
  constructor(config: TACConfig, options: { timeoutMs?: number } = {}) {
    this.config = config;
    this.timeoutMs = options.timeoutMs;
  }

  /** The underlying `twilio` REST client (created once, lazily). */
  rest(): Promise<Twilio> {
    this.client ??= (async () => {
      const { default: TwilioClient } = await import('twilio/lib/rest/Twilio.js');
      const { apiKey, apiSecret, accountSid, region, apiBaseUrl } = this.config.values;
      const timeout = this.timeoutMs === undefined ? {} : { timeout: this.timeoutMs };
      const httpClient = apiBaseUrl ? await createBaseUrlRequestClient(apiBaseUrl, timeout) : undefined;
      return new TwilioClient(apiKey, apiSecret, {
        accountSid,
        ...timeout,
        ...(httpClient ? { httpClient } : {}),
        ...(region && !apiBaseUrl ? { region } : {}),
      });
    })();
    // A failed load (missing module) should not stick forever.
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }

  /** `POST /2010-04-01/Accounts/{AccountSid}/Calls.json`. Throws {@link TwilioApiError} or `TAC_ERR_NETWORK`. */
  async create(params: CreateCallParams): Promise<CallInfo> {
    const rest = await this.rest();
    try {
      const call = await rest.calls.create(params);
      return { sid: call.sid, status: call.status, direction: call.direction };
    } catch (error) {
      throw toTacError(error, 'POST', '/2010-04-01/Accounts/{AccountSid}/Calls.json');
    }
  }

  /** `POST …/Calls/{CallSid}.json`, e.g. `{ status: 'completed' }` to hang up. */
  async update(
    callSid: string,
    params: { status?: 'completed' | 'canceled'; twiml?: string },
  ): Promise<CallInfo> {
    const rest = await this.rest();
    try {
      const call = await rest.calls(callSid).update(params);
      return { sid: call.sid, status: call.status, direction: call.direction };
    } catch (error) {
      throw toTacError(error, 'POST', `/2010-04-01/Accounts/{AccountSid}/Calls/${callSid}.json`);
    }
  }
}
