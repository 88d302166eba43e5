import type { StudioExecution, StudioStore } from './studio-store.ts';

/** Studio's voice handoff webhook path: `/v1/Accounts/{AC}/Flows/{FW}` (the host is webhooks.twilio.com). */
export const STUDIO_WEBHOOK_PATH = /^\/v1\/Accounts\/(AC[0-9a-fA-F]{32})\/Flows\/(FW[0-9a-f]{32})\/?$/;

/** The Twilio host that serves Studio Flow webhooks. */
export const STUDIO_WEBHOOK_HOST = 'webhooks.twilio.com';

/**
 * The Flow SID when `url` is Studio's voice handoff webhook: on
 * webhooks.twilio.com, or on the emulator's own origin (`selfHost`), because
 * `TWILIO_API_BASE_URL` makes TAC replace the origin of every Twilio host,
 * webhooks.twilio.com included.
 */
export function studioWebhookFlow(url: URL, selfHost: string | undefined): string | undefined {
  if (url.hostname !== STUDIO_WEBHOOK_HOST && (selfHost === undefined || url.host !== selfHost)) {
    return undefined;
  }
  return STUDIO_WEBHOOK_PATH.exec(url.pathname)?.[2];
}

/**
 * True for a request Twilio itself sends to Studio's voice webhook
 * (`POST /v1/Accounts/{AC}/Flows/{FW}`): such webhooks carry no Basic auth,
 * so the emulator serves this path without it.
 */
export function isStudioWebhookRequest(method: string, url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  // Loose on purpose: the route answers unknown accounts and flows with Twilio's 404, not a 401.
  return method === 'POST' && /^\/v1\/Accounts\/[^/]+\/Flows\/[^/]+\/?$/.test(path);
}

/**
 * Record a Studio voice handoff from the `<Connect action>` callback params
 * (`From`, `To`, `Direction`, `CallSid`, `HandoffData`): Studio takes over the
 * live call. The execution's `to` is the customer (the caller of an inbound
 * call), `from` TAC's number, and `parameters.HandoffData` is parsed when it is JSON.
 */
export function recordVoiceHandoff(
  store: StudioStore,
  flowSid: string,
  params: Readonly<Record<string, string | undefined>>,
): StudioExecution {
  const inbound = (params['Direction'] ?? 'inbound') === 'inbound';
  const from = params['From'] ?? '';
  const to = params['To'] ?? '';
  const handoffData = params['HandoffData'];
  const execution: Omit<StudioExecution, 'sid' | 'createdAt'> = {
    flowSid,
    to: inbound ? from : to,
    from: inbound ? to : from,
    parameters: handoffData === undefined ? {} : { HandoffData: parseMaybeJson(handoffData) },
    trigger: 'voice',
  };
  if (params['CallSid']) execution.callSid = params['CallSid'];
  return store.record(execution);
}

function parseMaybeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
