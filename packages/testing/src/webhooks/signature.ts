import { createHash } from 'node:crypto';
import twilio from 'twilio';

/** sha256 hex of a raw body, the value of Twilio's `bodySHA256` query parameter. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * `X-Twilio-Signature` of a form-encoded webhook: HMAC-SHA1 over the full URL
 * plus the sorted POST params, keyed with the auth token (Twilio's algorithm,
 * computed by the `twilio` package itself).
 */
export function signFormWebhook(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** What {@link signJsonWebhook} returns. */
export interface SignedJsonWebhook {
  /** The URL to request: the original plus `bodySHA256=<hex>`. */
  url: string;
  /** `X-Twilio-Signature` header value. */
  signature: string;
  bodySHA256: string;
}

/**
 * Sign a JSON webhook as the Orchestrator does: add `?bodySHA256=<sha256 hex
 * of the raw body>` to the URL and sign only that URL (params `{}`), so
 * `twilio.validateRequestWithBody` accepts it.
 */
export function signJsonWebhook(authToken: string, url: string, rawBody: string): SignedJsonWebhook {
  const hash = bodySha256(rawBody);
  const u = new URL(url);
  u.searchParams.set('bodySHA256', hash);
  const signedUrl = u.toString();
  return {
    url: signedUrl,
    signature: twilio.getExpectedTwilioSignature(authToken, signedUrl, {}),
    bodySHA256: hash,
  };
}

/**
 * Sign a ConversationRelay WebSocket upgrade as Twilio's TAC validates it:
 * over `ws(s)://host/path` without the query string, with the query
 * parameters passed as params (reference conversationrelay.md §4.3).
 */
export function signWebSocketUpgrade(authToken: string, wsUrl: string): string {
  const u = new URL(wsUrl);
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(u.searchParams.keys())) {
    const values = u.searchParams.getAll(key);
    params[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return twilio.getExpectedTwilioSignature(authToken, `${u.protocol}//${u.host}${u.pathname}`, params);
}
