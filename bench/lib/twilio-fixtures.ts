import { randomBytes } from 'node:crypto';
import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';

/**
 * Fake but well-formed credentials shared by every server and load generator
 * in a run. Nothing leaves loopback; the token only keys HMACs.
 */
export const BENCH_ACCOUNT = {
  accountSid: `AC${'b'.repeat(32)}`,
  authToken: 'bench-auth-token-0123456789abcdef',
  apiKey: `SK${'c'.repeat(32)}`,
  apiSecret: 'bench-api-secret',
  phoneNumber: '+15005550006',
  conversationConfigurationId: `conv_configuration_${'0'.repeat(26)}`,
} as const;

/** A random `CA…` CallSid. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/**
 * `X-Twilio-Signature` of a ConversationRelay WebSocket upgrade: Twilio signs
 * the `wss://` URL without its query string, the query parameters appended as
 * POST params would be (reference/conversationrelay.md §4.3).
 */
export function signWebSocketUpgrade(wssUrl: string, authToken: string = BENCH_ACCOUNT.authToken): string {
  const url = new URL(wssUrl);
  const params = Object.fromEntries(url.searchParams);
  return getExpectedTwilioSignature(authToken, `${url.origin}${url.pathname}`, params);
}

/**
 * Sign a JSON webhook the way Conversation Orchestrator does: `bodySHA256` (hex
 * SHA-256 of the raw body) is added to the URL and only the URL is signed
 * (reference/conversationrelay.md §4.2). Returns the signed URL and header.
 */
export function signJsonWebhook(
  baseUrl: string,
  body: string,
  authToken: string = BENCH_ACCOUNT.authToken,
): { url: string; signature: string } {
  const url = new URL(baseUrl);
  url.searchParams.set('bodySHA256', getExpectedBodyHash(body));
  return { url: url.toString(), signature: getExpectedTwilioSignature(authToken, url.toString(), {}) };
}

/** The `setup` frame ConversationRelay sends first on every call. */
export function setupFrame(callSid: string): string {
  return JSON.stringify({
    type: 'setup',
    sessionId: `VX${callSid.slice(2)}`,
    accountSid: BENCH_ACCOUNT.accountSid,
    parentCallSid: '',
    callSid,
    from: '+15005550100',
    to: BENCH_ACCOUNT.phoneNumber,
    forwardedFrom: '',
    callType: 'PSTN',
    callerName: '',
    direction: 'inbound',
    callStatus: 'RINGING',
    customParameters: {},
  });
}

/** A final (`last: true`) caller prompt. */
export const PROMPT_FRAME = JSON.stringify({
  type: 'prompt',
  voicePrompt: 'What are your opening hours tomorrow?',
  lang: 'en-US',
  last: true,
});

/** A barge-in frame (the caller spoke over the agent). */
export function interruptFrame(heard: string, durationMs: number): string {
  return JSON.stringify({
    type: 'interrupt',
    utteranceUntilInterrupt: heard,
    durationUntilInterruptMs: durationMs,
  });
}
