import type RequestClient from 'twilio/lib/base/RequestClient.js';

/**
 * Replace the origin of `uri` with `baseUrl`, keeping path and query. The
 * twilio SDK hands its http client final URIs such as
 * `https://api.twilio.com/2010-04-01/…` (or `https://api.ie1.twilio.com/…`).
 */
export function rewriteOrigin(uri: string, baseUrl: string): string {
  const target = new URL(uri);
  const base = new URL(baseUrl);
  target.protocol = base.protocol;
  target.host = base.host;
  return target.toString();
}

/**
 * A `twilio` {@link RequestClient} that sends every request to `baseUrl`
 * (`TWILIO_API_BASE_URL`) instead of Twilio's hosts. Rewriting here, after the
 * SDK built the URI, is the reliable hook: setting `client.api.baseUrl` gets
 * mangled by the SDK's region/edge logic (reference conversationrelay.md §6.2).
 *
 * Loads `twilio`'s request client lazily (it pulls in axios).
 */
export async function createBaseUrlRequestClient(
  baseUrl: string,
  options?: RequestClient.RequestClientOptions,
): Promise<RequestClient> {
  const { default: Base } = await import('twilio/lib/base/RequestClient.js');
  class BaseUrlRequestClient extends Base {
    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      return super.request({ ...opts, uri: rewriteOrigin(opts.uri, baseUrl) });
    }
  }
  return new BaseUrlRequestClient(options);
}
