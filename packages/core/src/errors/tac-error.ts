/**
 * Stable error codes. Every error TAC throws or reports carries one of these, so
 * callers can branch on `error.code` instead of parsing messages. The list is
 * documented in docs/errors.md; codes are never renamed once released.
 */
export const TACErrorCode = {
  /** Configuration is missing or invalid; the message names each variable. */
  CONFIG: 'TAC_ERR_CONFIG',
  /** A Twilio REST API (Orchestrator, Memory, Knowledge, Studio, Calls) answered with an error. */
  TWILIO_API: 'TAC_ERR_TWILIO_API',
  /** A Twilio REST call failed before any answer: network error or timeout. */
  NETWORK: 'TAC_ERR_NETWORK',
  /** A webhook or WebSocket upgrade failed Twilio signature validation. */
  WEBHOOK_SIGNATURE: 'TAC_ERR_WEBHOOK_SIGNATURE',
  /** A webhook body could not be parsed or has the wrong shape. */
  WEBHOOK_INVALID: 'TAC_ERR_WEBHOOK_INVALID',
  /** A ConversationRelay frame was malformed or out of order. */
  CR_INVALID_FRAME: 'TAC_ERR_CR_INVALID_FRAME',
  /** The message handler or agent failed during a turn. */
  TURN_FAILED: 'TAC_ERR_TURN_FAILED',
  /** A turn exceeded its time budget. */
  TURN_TIMEOUT: 'TAC_ERR_TURN_TIMEOUT',
  /** A reply could not be delivered to the customer. */
  SEND_FAILED: 'TAC_ERR_SEND_FAILED',
  /** An inbound message was dropped (for example participant reconciliation failed). */
  INBOUND_DROPPED: 'TAC_ERR_INBOUND_DROPPED',
  /** Tool arguments failed validation. */
  TOOL_INVALID_ARGS: 'TAC_ERR_TOOL_INVALID_ARGS',
  /** A tool threw while executing. */
  TOOL_FAILED: 'TAC_ERR_TOOL_FAILED',
  /** An operation needs a feature or mode that is not configured (for example Orchestrator). */
  NOT_CONFIGURED: 'TAC_ERR_NOT_CONFIGURED',
  /** A conversation or session was not found. */
  NOT_FOUND: 'TAC_ERR_NOT_FOUND',
  /** Invalid argument passed to a public API. */
  INVALID_ARGUMENT: 'TAC_ERR_INVALID_ARGUMENT',
  /** The operation was aborted (barge-in, newer message, shutdown). */
  ABORTED: 'TAC_ERR_ABORTED',
} as const;

/** One of the stable {@link TACErrorCode} values. */
export type TACErrorCode = (typeof TACErrorCode)[keyof typeof TACErrorCode];

const marker = Symbol.for('tac.error');

/** Structured, loggable context attached to an error (never PII in clear). */
export interface TACErrorContext {
  conversationId?: string;
  callSid?: string;
  channel?: string;
  [key: string]: unknown;
}

/** Options for {@link TACError}. */
export interface TACErrorOptions {
  cause?: unknown;
  context?: TACErrorContext;
}

/**
 * The one error base of TAC. Identity works across duplicate copies of
 * `@tac/core` (adapters may resolve their own) through {@link TACError.isInstance}.
 *
 * @example
 * ```ts
 * try { TACConfig.fromEnv(); } catch (e) {
 *   if (TACError.isInstance(e) && e.code === 'TAC_ERR_CONFIG') console.error(e.message);
 * }
 * ```
 */
export class TACError extends Error {
  readonly code: TACErrorCode;
  readonly context: TACErrorContext;
  /** Identity marker read by {@link TACError.isInstance}. */
  readonly [marker]: true = true;

  constructor(code: TACErrorCode, message: string, options: TACErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TACError';
    this.code = code;
    this.context = options.context ?? {};
  }

  /** True for any TACError, including one created by another copy of this package. */
  static isInstance(error: unknown): error is TACError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** Details of an error answer from a Twilio REST API (`{code, message, more_info, status}`). */
export interface TwilioApiErrorDetails {
  status: number;
  twilioCode?: number;
  moreInfo?: string;
  method: string;
  url: string;
  body?: unknown;
  /** Response headers (lower-case names), e.g. `x-conflicting-resource-id` on a 409. */
  headers?: Record<string, string>;
}

/** A Twilio REST API answered with a non-2xx status. */
export class TwilioApiError extends TACError {
  readonly status: number;
  readonly twilioCode: number | undefined;
  readonly moreInfo: string | undefined;
  readonly headers: Record<string, string>;
  readonly body: unknown;

  constructor(message: string, details: TwilioApiErrorDetails, options: TACErrorOptions = {}) {
    super(TACErrorCode.TWILIO_API, message, {
      ...options,
      context: { ...options.context, status: details.status, method: details.method, url: details.url },
    });
    this.name = 'TwilioApiError';
    this.status = details.status;
    this.twilioCode = details.twilioCode;
    this.moreInfo = details.moreInfo;
    this.headers = details.headers ?? {};
    this.body = details.body;
  }

  /** True when retrying may succeed (5xx or 429). */
  get isTransient(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** True when `error` is the result of an AbortSignal firing (DOMException AbortError, TACError ABORTED, or a signal reason). */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted && (error === signal.reason || signal.reason === undefined)) return true;
  if (TACError.isInstance(error)) return error.code === TACErrorCode.ABORTED;
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: string }).name === 'AbortError' ||
      (error as { name?: string }).name === 'TimeoutError')
  );
}
