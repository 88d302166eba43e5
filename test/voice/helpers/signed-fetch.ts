import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';

/** POST a form signed as Twilio signs it (URL + sorted params). `signature: null` sends none. */
export function postSignedForm(
  url: string,
  form: Record<string, string>,
  options: {
    authToken: string;
    signature?: string | null;
    signedUrl?: string;
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...options.headers,
  };
  const signature =
    options.signature === undefined
      ? getExpectedTwilioSignature(options.authToken, options.signedUrl ?? url, form)
      : options.signature;
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return fetch(url, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
}

/** POST JSON signed with the `bodySHA256` variant. Returns the response. */
export function postSignedJson(
  baseUrl: string,
  path: string,
  body: string,
  options: { authToken: string; signature?: string | null; headers?: Record<string, string> },
): Promise<Response> {
  const url = `${baseUrl}${path}?bodySHA256=${getExpectedBodyHash(body)}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const signature =
    options.signature === undefined
      ? getExpectedTwilioSignature(options.authToken, url, {})
      : options.signature;
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return fetch(url, { method: 'POST', headers, body });
}
