import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** Twilio's error body: `{ code, message, more_info, status }`. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

// Default Twilio error codes by HTTP status (https://www.twilio.com/docs/api/errors).
const DEFAULT_CODES: Record<number, number> = {
  400: 20001,
  401: 20003,
  403: 20003,
  404: 20404,
  405: 20004,
  409: 20409,
  429: 20429,
  500: 20500,
  503: 20503,
};

/** The `more_info` link Twilio puts in error bodies. */
export function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/** Build a Twilio-style error body. */
export function twilioErrorBody(status: number, message: string, code?: number): TwilioErrorBody {
  const c = code ?? DEFAULT_CODES[status] ?? (status >= 500 ? 20500 : 20001);
  return { code: c, message, more_info: moreInfo(c), status };
}

/**
 * Thrown by route handlers; the emulator's error handler renders it as
 * Twilio's JSON error with `status`, plus any `headers` (e.g. the 409's
 * `X-Conflicting-Resource-Id`).
 */
export class TwilioHttpError extends Error {
  readonly status: number;
  readonly twilioCode: number | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { code?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'TwilioHttpError';
    this.status = status;
    this.twilioCode = options.code;
    this.headers = options.headers ?? {};
  }

  /** The JSON body Twilio would send. */
  toBody(): TwilioErrorBody {
    return twilioErrorBody(this.status, this.message, this.twilioCode);
  }
}

/** Send a Twilio-style error. */
export function sendTwilioError(reply: FastifyReply, error: TwilioHttpError): FastifyReply {
  for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
  return reply.code(error.status).type('application/json').send(error.toBody());
}

/** Shorthand for a 404 on a resource. */
export function notFound(what: string, id: string): TwilioHttpError {
  return new TwilioHttpError(404, `The requested resource ${what} ${id} was not found`);
}

/**
 * Parse a request body with zod; on failure throw a 400 whose message names
 * each bad field, as Twilio's validation errors do.
 */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, code?: number): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  throw new TwilioHttpError(400, `Invalid request: ${details}`, code === undefined ? {} : { code });
}
