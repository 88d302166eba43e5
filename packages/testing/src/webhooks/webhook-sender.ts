import { randomUUID } from 'node:crypto';
import { sleep } from '../util/time.ts';
import { signFormWebhook, signJsonWebhook } from './signature.ts';
import { resolveTarget } from './tunnel.ts';

/** Twilio-like retry policy for webhooks. */
export interface WebhookRetryPolicy {
  /** Attempts in all (1 = no retry). @defaultValue 3 */
  attempts: number;
  /** Per-attempt timeout. @defaultValue 5000 */
  timeoutMs: number;
  /** Delay before the first retry; doubles each retry. @defaultValue 100 */
  backoffMs: number;
}

/** What kind of request a {@link WebhookDelivery} was. */
export type WebhookKind =
  | 'orchestrator'
  | 'twiml'
  | 'connect-action'
  | 'call-status'
  | 'amd-status'
  | 'intelligence';

/** One attempt of a delivery. */
export interface WebhookAttempt {
  status?: number;
  /** Network error or `timeout`. */
  error?: string;
}

/** A webhook the emulator sent (or tried to), with every attempt. */
export interface WebhookDelivery {
  kind: WebhookKind;
  /** Orchestrator event type, for `orchestrator` deliveries. */
  eventType?: string;
  conversationId?: string;
  method: 'POST' | 'GET';
  /** The URL Twilio signs and requests (with `bodySHA256` for JSON). */
  url: string;
  /** The URL actually requested (see `resolveTarget`). */
  target: string;
  headers: Record<string, string>;
  contentType: 'application/json' | 'application/x-www-form-urlencoded' | undefined;
  body: string;
  /** Form params, for form deliveries. */
  params?: Record<string, string>;
  idempotencyToken: string;
  attempts: WebhookAttempt[];
  /** Status of the last attempt, if it got an answer. */
  status?: number;
  /** True when the last attempt answered 2xx. */
  ok: boolean;
  responseBody?: string;
  responseHeaders?: Record<string, string>;
  /** True for a duplicate sent on purpose (`duplicate: true` / `redeliverLast()`). */
  redelivery: boolean;
}

/** What to send. */
export interface WebhookRequest {
  kind: WebhookKind;
  url: string;
  method?: 'POST' | 'GET';
  /** JSON body, signed with the `bodySHA256` variant. */
  json?: unknown;
  /** Form params, signed over URL + params. */
  form?: Record<string, string>;
  eventType?: string;
  conversationId?: string;
  /** @defaultValue true for JSON (Orchestrator), false for form (voice webhooks are not retried) */
  retry?: boolean;
  /** Deliveries with the same key are sent one after another, in order. */
  serialKey?: string;
}

/**
 * Sends signed webhooks as Twilio does: `X-Twilio-Signature`, an
 * `I-Twilio-Idempotency-Token` that stays the same across retries, retries on
 * non-2xx or timeout with exponential backoff, and a log of every delivery.
 */
export class WebhookSender {
  /** Every delivery, oldest first. */
  readonly deliveries: WebhookDelivery[] = [];
  private readonly authToken: string;
  private readonly retry: WebhookRetryPolicy;
  private readonly appOrigin: () => string | undefined;
  private readonly abort = new AbortController();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(options: {
    authToken: string;
    retry: WebhookRetryPolicy;
    appOrigin: () => string | undefined;
  }) {
    this.authToken = options.authToken;
    this.retry = options.retry;
    this.appOrigin = options.appOrigin;
  }

  /** Sign and send a webhook; resolves with the delivery once it succeeded or gave up (never rejects). */
  send(request: WebhookRequest): Promise<WebhookDelivery> {
    const delivery = this.prepare(request);
    const retry = request.retry ?? request.json !== undefined;
    const run = () => this.deliver(delivery, retry ? this.retry.attempts : 1);
    return this.track(request.serialKey, run);
  }

  /** Send a delivery again, byte for byte, with the same idempotency token (a Twilio duplicate). */
  redeliver(previous: WebhookDelivery): Promise<WebhookDelivery> {
    const copy: WebhookDelivery = {
      ...previous,
      attempts: [],
      status: undefined,
      ok: false,
      responseBody: undefined,
      responseHeaders: undefined,
      redelivery: true,
    };
    return this.track(previous.conversationId, () => this.deliver(copy, 1));
  }

  /** Abort everything in flight (used by `emu.stop()`). */
  async close(): Promise<void> {
    this.abort.abort(new Error('emulator stopped'));
    await Promise.allSettled([...this.inflight]);
  }

  private track(
    serialKey: string | undefined,
    run: () => Promise<WebhookDelivery>,
  ): Promise<WebhookDelivery> {
    let promise: Promise<WebhookDelivery>;
    if (serialKey) {
      const previous = this.chains.get(serialKey) ?? Promise.resolve();
      promise = previous.then(run, run);
      this.chains.set(serialKey, promise);
      void promise.finally(() => {
        if (this.chains.get(serialKey) === promise) this.chains.delete(serialKey);
      });
    } else {
      promise = run();
    }
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise));
    return promise;
  }

  private prepare(request: WebhookRequest): WebhookDelivery {
    const method = request.method ?? 'POST';
    const idempotencyToken = randomUUID();
    let url = request.url;
    let body = '';
    let signature: string;
    let contentType: WebhookDelivery['contentType'];
    let params: Record<string, string> | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      const signed = signJsonWebhook(this.authToken, url, body);
      url = signed.url;
      signature = signed.signature;
      contentType = 'application/json';
    } else if (method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(request.form ?? {})) u.searchParams.append(k, v);
      url = u.toString();
      signature = signFormWebhook(this.authToken, url, {});
      params = request.form;
    } else {
      params = request.form ?? {};
      body = new URLSearchParams(params).toString();
      signature = signFormWebhook(this.authToken, url, params);
      contentType = 'application/x-www-form-urlencoded';
    }
    const resolved = resolveTarget(url, this.appOrigin());
    const headers: Record<string, string> = {
      'x-twilio-signature': signature,
      'i-twilio-idempotency-token': idempotencyToken,
      'user-agent': 'TwilioProxy/1.1',
      accept: '*/*',
      ...resolved.headers,
    };
    if (contentType)
      headers['content-type'] =
        `${contentType}${contentType === 'application/json' ? '' : '; charset=utf-8'}`;
    return {
      kind: request.kind,
      eventType: request.eventType,
      conversationId: request.conversationId,
      method,
      url,
      target: resolved.target,
      headers,
      contentType,
      body,
      params,
      idempotencyToken,
      attempts: [],
      ok: false,
      redelivery: false,
    };
  }

  private async deliver(delivery: WebhookDelivery, attempts: number): Promise<WebhookDelivery> {
    this.deliveries.push(delivery);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.abort.signal.aborted) break;
      const timeout = AbortSignal.timeout(this.retry.timeoutMs);
      try {
        const res = await fetch(delivery.target, {
          method: delivery.method,
          headers: delivery.headers,
          body: delivery.method === 'GET' ? undefined : delivery.body,
          signal: AbortSignal.any([timeout, this.abort.signal]),
        });
        const text = await res.text();
        delivery.status = res.status;
        delivery.ok = res.ok;
        delivery.responseBody = text;
        const responseHeaders: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          responseHeaders[k] = v;
        });
        delivery.responseHeaders = responseHeaders;
        delivery.attempts.push({ status: res.status });
        if (res.ok) return delivery;
      } catch (error) {
        delivery.status = undefined;
        delivery.ok = false;
        delivery.attempts.push({ error: timeout.aborted ? 'timeout' : (error as Error).message });
      }
      if (attempt < attempts) {
        try {
          await sleep(this.retry.backoffMs * 2 ** (attempt - 1), this.abort.signal);
        } catch {
          break;
        }
      }
    }
    return delivery;
  }
}
