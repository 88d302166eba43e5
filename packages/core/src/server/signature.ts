import { validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks.js';

/** The parts of an HTTP request signature validation reads (fastify's request fits). */
export interface SignedRequestLike {
  /** Path and query as received, e.g. `/webhook?bodySHA256=…`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** True when the connection itself is TLS. */
  encrypted?: boolean;
}

/** How to rebuild the public URL Twilio signed. */
export interface PublicUrlOptions {
  /** Read `X-Forwarded-Proto`/`X-Forwarded-Host` (first value when comma-separated). @defaultValue true */
  trustProxy?: boolean;
  /** `TWILIO_VOICE_PUBLIC_DOMAIN` (host, port, base path): also tried, for proxies that rewrite Host. */
  publicDomain?: string;
}

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const head = v?.split(',')[0]?.trim();
  return head ? head : undefined;
}

/** The scheme and host a request arrived on, proxy-aware. Undefined without a Host header. */
export function requestOrigin(
  req: SignedRequestLike,
  options: PublicUrlOptions = {},
): { scheme: 'http' | 'https'; host: string } | undefined {
  const trust = options.trustProxy ?? true;
  const host = (trust ? first(req.headers['x-forwarded-host']) : undefined) ?? first(req.headers.host);
  if (!host) return undefined;
  const forwarded = trust ? first(req.headers['x-forwarded-proto'])?.toLowerCase() : undefined;
  const secure = forwarded ? forwarded === 'https' || forwarded === 'wss' : req.encrypted === true;
  return { scheme: secure ? 'https' : 'http', host };
}

/**
 * Every URL Twilio may have signed for this request, most likely first: the
 * proxy-aware origin with the path and query as received (under both schemes:
 * a TLS-terminating proxy without `X-Forwarded-Proto` makes the scheme
 * ambiguous, and the HMAC still binds host, path and parameters), then the
 * configured public domain. `ws: true` maps http→ws and https→wss.
 */
export function candidateUrls(req: SignedRequestLike, options: PublicUrlOptions = {}, ws = false): string[] {
  const urls: string[] = [];
  const add = (scheme: 'http' | 'https', hostAndBase: string, path: string) => {
    const s = ws ? (scheme === 'https' ? 'wss' : 'ws') : scheme;
    const url = `${s}://${hostAndBase}${path}`;
    if (!urls.includes(url)) urls.push(url);
  };
  const origin = requestOrigin(req, options);
  if (origin) {
    add(origin.scheme, origin.host, req.url);
    add(origin.scheme === 'https' ? 'http' : 'https', origin.host, req.url);
  }
  if (options.publicDomain) {
    const slash = options.publicDomain.indexOf('/');
    const host = slash === -1 ? options.publicDomain : options.publicDomain.slice(0, slash);
    const base = slash === -1 ? '' : options.publicDomain.slice(slash);
    // A proxy may or may not strip the base path before the request reaches us.
    const path = base && !req.url.startsWith(`${base}/`) && req.url !== base ? `${base}${req.url}` : req.url;
    add('https', host, path);
  }
  return urls;
}

/** A parsed form body as signature params (fastify's form parser gives strings or arrays). */
export function formParams(body: unknown): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  const params: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') params[k] = v;
    else if (Array.isArray(v)) params[k] = v.map(String);
    else if (v !== undefined && v !== null) params[k] = String(v);
  }
  return params;
}

/** Validate a form-encoded webhook: the signature covers the URL plus every POST param. */
export function validateFormSignature(
  authToken: string,
  signature: string,
  urls: readonly string[],
  params: Record<string, string | string[]>,
): boolean {
  return urls.some((url) => validateRequest(authToken, signature, url, params));
}

/**
 * Validate a JSON webhook: Twilio signs only the URL, which carries
 * `bodySHA256` (hex SHA-256 of the raw body). Fails closed when the URL has
 * no `bodySHA256` or the raw body is unavailable.
 */
export function validateJsonSignature(
  authToken: string,
  signature: string,
  urls: readonly string[],
  rawBody: string | undefined,
): boolean {
  if (rawBody === undefined) return false;
  // twilio compares the body's hash with the URL's `bodySHA256` (empty when absent, so never equal).
  return urls.some((url) => validateRequestWithBody(authToken, signature, url, rawBody));
}

/**
 * Validate a ConversationRelay WebSocket upgrade. Twilio's TAC SDKs sign
 * `wss://host/path` with the query parameters as params; the full URL with
 * its query (and no params) is accepted too, since Twilio's docs don't settle
 * which one ConversationRelay uses (reference conversationrelay.md §4.3).
 */
export function validateWebSocketSignature(
  authToken: string,
  signature: string,
  urls: readonly string[],
): boolean {
  return urls.some((full) => {
    const url = new URL(full);
    const params: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      params[key] = values.length === 1 ? (values[0] as string) : values;
    }
    const bare = `${url.protocol}//${url.host}${url.pathname}`;
    return (
      validateRequest(authToken, signature, bare, params) ||
      (url.search !== '' && validateRequest(authToken, signature, full, {}))
    );
  });
}
