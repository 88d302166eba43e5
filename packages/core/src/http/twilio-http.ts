import { setTimeout as delay } from 'node:timers/promises';
import type { TACConfig, TwilioProduct } from '../config/index.ts';
import { TACError, TACErrorCode, TwilioApiError } from '../errors/index.ts';
import type { TACLogger } from '../logging/index.ts';
import { NodeTransport } from './node-transport.ts';
import { fetchTransport, type HttpTransport, type TransportResponse } from './transport.ts';

/** One REST request to a Twilio product. */
export interface TwilioRequest {
  product: TwilioProduct;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path on the product's host, e.g. `/v2/Conversations`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (sent as `application/json`). */
  json?: unknown;
  /** Form body (sent as `application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  /** Per-request timeout. @defaultValue the client's `timeoutMs` (30 s) */
  timeoutMs?: number;
  /**
   * Retry policy. `'idempotent'` (default) retries GET/PUT/DELETE on 5xx/429 and
   * network errors, and other methods only on connection failures; `'always'`
   * also retries POST/PATCH on 5xx (for calls the caller knows are safe);
   * `'never'` disables retries.
   */
  retry?: 'idempotent' | 'always' | 'never';
  signal?: AbortSignal;
}

/** A parsed response. */
export interface TwilioResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** Options for {@link TwilioHttpClient}. */
export interface TwilioHttpClientOptions {
  /** @defaultValue 30_000 */
  timeoutMs?: number;
  /** Attempts after the first. @defaultValue 2 */
  retries?: number;
  /** First backoff delay; doubles each attempt. @defaultValue 200 */
  backoffMs?: number;
  userAgent?: string;
  logger?: TACLogger;
  /**
   * Send requests through this `fetch` instead (tests, proxies). By default
   * requests go through `node:http(s)` with a keep-alive agent, which costs
   * far less CPU per request than the global `fetch`.
   * @defaultValue undefined (node:http with keep-alive)
   */
  fetch?: typeof fetch;
  /** Open sockets per Twilio host (default transport only); more requests wait for one. @defaultValue 64 */
  maxSockets?: number;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** True when the request never reached Twilio: `node:http` errors carry the `code`, fetch's carry it in `cause`. */
function connectionFailed(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}

function isApiError(error: unknown): error is TwilioApiError {
  return TACError.isInstance(error) && error.code === TACErrorCode.TWILIO_API;
}

/** Wait `ms`; rejects (AbortError) as soon as `signal` fires. */
const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

/**
 * Minimal JSON/form client for Twilio's REST products, on `node:http(s)` with
 * keep-alive (or a `fetch` you pass). Every call uses Basic auth with the API
 * key, honours `TWILIO_API_BASE_URL` and `TWILIO_REGION`, times out, follows
 * redirects (Authorization only to the same origin), and retries transient
 * failures with backoff.
 */
export class TwilioHttpClient {
  private readonly config: TACConfig;
  private readonly options: Required<Omit<TwilioHttpClientOptions, 'logger' | 'fetch' | 'maxSockets'>> & {
    logger: TACLogger | undefined;
  };
  private readonly transport: HttpTransport;

  /** Per-request timeout of this client, in ms. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  constructor(config: TACConfig, options: TwilioHttpClientOptions = {}) {
    this.config = config;
    this.options = {
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 2,
      backoffMs: options.backoffMs ?? 200,
      userAgent:
        options.userAgent ??
        `tac-typescript/0.1.0 (${process.platform} ${process.arch}) node/${process.version}`,
      logger: options.logger,
    };
    this.transport = options.fetch
      ? fetchTransport(options.fetch)
      : new NodeTransport({ maxSockets: options.maxSockets });
  }

  /** Build the absolute URL of a request (exposed for logging and tests). */
  url(product: TwilioProduct, path: string, query?: TwilioRequest['query']): string {
    return this.urlOf(product, path, query).toString();
  }

  /** Close the client's keep-alive sockets (idle ones never keep the process alive; this is for tidy shutdowns). */
  close(): void {
    this.transport.close?.();
  }

  /** Send a request; resolves for 2xx, throws {@link TwilioApiError} otherwise or {@link TACError} `TAC_ERR_NETWORK`. */
  async request<T = unknown>(req: TwilioRequest): Promise<TwilioResponse<T>> {
    const url = this.urlOf(req.product, req.path, req.query);
    const policy = req.retry ?? 'idempotent';
    const idempotent = req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE';
    const maxAttempts = policy === 'never' ? 1 : this.options.retries + 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return await this.once<T>(req, url);
      } catch (error) {
        lastError = error;
        if (req.signal?.aborted) throw error;
        const retriable = isApiError(error)
          ? error.isTransient && (idempotent || policy === 'always')
          : idempotent || policy === 'always' || connectionFailed((error as TACError).cause);
        if (!retriable || attempt === maxAttempts) throw error;
        const delay = this.options.backoffMs * 2 ** (attempt - 1);
        this.options.logger?.debug({ url: url.href, attempt, delay }, 'retrying Twilio request');
        await sleep(delay, req.signal);
      }
    }
    throw lastError;
  }

  private urlOf(product: TwilioProduct, path: string, query?: TwilioRequest['query']): URL {
    const url = new URL(path, this.config.baseUrl(product));
    if (query) for (const k in query) if (query[k] !== undefined) url.searchParams.set(k, String(query[k]));
    return url;
  }

  private async once<T>(req: TwilioRequest, url: URL): Promise<TwilioResponse<T>> {
    const headers: Record<string, string> = {
      authorization: this.config.basicAuthHeader(),
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    let res: TransportResponse;
    try {
      res = await this.transport.send({
        method: req.method,
        url,
        headers,
        body,
        timeoutMs: req.timeoutMs ?? this.options.timeoutMs,
        signal: req.signal,
      });
    } catch (error) {
      if (req.signal?.aborted) throw error;
      const timedOut = (error as Error | undefined)?.name === 'TimeoutError';
      throw new TACError(
        TACErrorCode.NETWORK,
        timedOut
          ? `${req.method} ${url.href} timed out`
          : `${req.method} ${url.href} failed: ${(error as Error).message}`,
        { cause: error, context: { url: url.href, method: req.method, timedOut } },
      );
    }
    const { text, status, headers: responseHeaders } = res;
    let parsed: unknown = text;
    if (text && (responseHeaders['content-type'] ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (status < 200 || status >= 300) {
      const err = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
        code?: number;
        message?: string;
        more_info?: string;
      };
      throw new TwilioApiError(
        `${req.method} ${url.pathname} answered ${status}${err.message ? `: ${err.message}` : ''}`,
        {
          status,
          twilioCode: err.code,
          moreInfo: err.more_info,
          method: req.method,
          url: url.href,
          body: parsed,
          headers: responseHeaders,
        },
      );
    }
    return { status, headers: responseHeaders, body: parsed as T };
  }
}
