import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/**
 * A `twilio` package HTTP client that sends every request to the emulator:
 * it keeps the path and replaces `https://<product>[.<region>].twilio.com`
 * with `baseUrl` (the SDK has no base-URL setting; reference
 * conversationrelay.md §6.2).
 */
export class EmulatorRequestClient extends twilio.RequestClient {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    super();
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    if (uri.hostname.endsWith('.twilio.com')) opts.uri = `${this.baseUrl}${uri.pathname}${uri.search}`;
    return super.request<TData>(opts);
  }
}

/**
 * A `twilio` REST client wired to the emulator (AccountSid + AuthToken, as the
 * SDK authenticates), for apps and tests that use the `twilio` package.
 *
 * @example
 * ```ts
 * const client = createTwilioClient(emu);
 * await client.calls.create({ to: '+15551234567', from: emu.phoneNumber, twiml: '<Response/>' });
 * ```
 */
export function createTwilioClient(emu: {
  accountSid: string;
  authToken: string;
  baseUrl: string;
}): twilio.Twilio {
  return twilio(emu.accountSid, emu.authToken, { httpClient: new EmulatorRequestClient(emu.baseUrl) });
}
