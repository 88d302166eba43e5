import type { ChannelType } from '../channels/channel-type.ts';
import { isAbortError, TACError, TACErrorCode } from '../errors/index.ts';
import type { ConversationSession, HandoffPayload } from '../session/index.ts';
import type { TAC } from '../tac.ts';

/** What to hand off. */
export interface HandoffRequest {
  /** Why the customer goes to a human (from the model); added to `attributes.reason`. */
  reason: string;
  /** Static attributes for the Studio flow / Flex (e.g. `{ department: 'support' }`). */
  attributes?: Record<string, unknown>;
  signal?: AbortSignal;
}

/** Outcome, as Twilio's TAC reports it to the model. */
export interface HandoffResult {
  status: 'handoff_initiated' | 'handoff_failed';
  channel: ChannelType;
  /** Why it failed, worded for the model to tell the customer. */
  error?: string;
}

const STUDIO_TIMEOUT_MS = 10_000;
const seg = (id: string) => encodeURIComponent(id);

/**
 * Who Studio sees as the sender (`From`, `{{flow.channel.address}}`). Twilio's
 * TAC always sends the phone number; the channel's own address is used here
 * so WhatsApp and RCS flows reply on the right channel.
 */
export function studioSenderFor(tac: TAC, session: ConversationSession): string {
  const { phoneNumber, whatsappNumber, rcsSenderId } = tac.config.values;
  switch (session.channel) {
    case 'whatsapp':
      return whatsappNumber ?? session.aiAgentInfo?.address ?? `whatsapp:${phoneNumber}`;
    case 'rcs':
      return rcsSenderId ?? session.aiAgentInfo?.address ?? phoneNumber;
    case 'chat':
      return session.aiAgentInfo?.address ?? phoneNumber;
    default:
      return phoneNumber;
  }
}

/** The `HandoffData` a Studio flow reads as `{{flow.data.HandoffData.*}}` (reference §5). */
export function buildHandoffPayload(
  tac: TAC,
  session: ConversationSession,
  request: Pick<HandoffRequest, 'reason' | 'attributes'>,
): HandoffPayload {
  return {
    conversationId: session.conversationId,
    storeId: tac.memoryStoreId ?? '',
    profileId: session.profileId ?? '',
    attributes: { ...request.attributes, reason: request.reason },
  };
}

/**
 * Steps 1–2 of a handoff: set the conversation `INACTIVE` (Flex fetches its
 * summary) and clear its status callbacks so TAC stops answering. Failures
 * are logged only, as in TAC: the human must get the customer anyway.
 */
async function releaseConversation(
  tac: TAC,
  session: ConversationSession,
  signal?: AbortSignal,
): Promise<void> {
  if (!tac.isOrchestratorEnabled()) return;
  const ref = { conversationId: session.conversationId, channel: session.channel };
  const path = `/v2/Conversations/${seg(session.conversationId)}`;
  try {
    await tac.http.request({
      product: 'conversations',
      method: 'PUT',
      path,
      json: { status: 'INACTIVE' },
      signal,
    });
  } catch (error) {
    tac.logger.warn({ ...ref, err: error }, 'handoff: could not set the conversation INACTIVE');
  }
  try {
    await tac.http.request({
      product: 'conversations',
      method: 'PATCH',
      path,
      json: { configuration: { statusCallbacks: [] } },
      signal,
    });
  } catch (error) {
    tac.logger.warn({ ...ref, err: error }, 'handoff: could not clear the conversation status callbacks');
  }
}

async function startStudioExecution(
  tac: TAC,
  session: ConversationSession,
  payload: HandoffPayload,
  signal?: AbortSignal,
) {
  const flowSid = tac.config.values.studioHandoffFlowSid;
  if (!flowSid) {
    throw new TACError(
      TACErrorCode.CONFIG,
      'Invalid TAC configuration:\n  - TWILIO_STUDIO_HANDOFF_FLOW_SID: is required to hand off to a human',
      { context: { variables: ['TWILIO_STUDIO_HANDOFF_FLOW_SID'] } },
    );
  }
  const to = session.authorInfo?.address;
  if (!to) {
    throw new TACError(TACErrorCode.NOT_FOUND, 'The customer address of this conversation is unknown', {
      context: { conversationId: session.conversationId },
    });
  }
  await tac.http.request({
    product: 'studio',
    method: 'POST',
    path: `/v2/Flows/${seg(flowSid)}/Executions`,
    form: {
      To: to,
      From: studioSenderFor(tac, session),
      Parameters: JSON.stringify({ HandoffData: payload }),
    },
    timeoutMs: STUDIO_TIMEOUT_MS,
    // A retried execution would start a second flow for the same customer.
    retry: 'never',
    signal,
  });
}

/**
 * Hand a conversation to a human through Studio (reference §5), what the
 * `handoff` tool does; apps on `onMessageReady` can call it directly.
 *
 * - messaging (SMS, WhatsApp, RCS, Chat): `POST /v2/Flows/{TWILIO_STUDIO_HANDOFF_FLOW_SID}/Executions`
 *   with `To`, `From` and `Parameters={"HandoffData":{conversationId, storeId, profileId, attributes}}`;
 *   once Studio accepted it, the conversation is released: `PUT` status `INACTIVE` and `PATCH` the
 *   status callbacks away (orchestrated mode; failures logged only). A failed Studio call releases
 *   nothing, so TAC keeps answering the customer.
 * - voice: the conversation is released the same way and `session.pendingHandoffData` is saved; the
 *   voice channel sends the ConversationRelay `end` frame with it after the turn's final reply.
 *
 * Emits `tac.events` `handoff`. Never throws: a failure is returned as
 * `handoff_failed` with an `error` the model can relay.
 */
export async function initiateHandoff(
  tac: TAC,
  session: ConversationSession,
  request: HandoffRequest,
): Promise<HandoffResult> {
  const { channel } = session;
  const payload = buildHandoffPayload(tac, session, request);
  const ref = { conversationId: session.conversationId, channel };
  try {
    if (channel === 'voice') {
      await releaseConversation(tac, session, request.signal);
      session.pendingHandoffData = payload;
      await tac.sessions.set(session);
    } else {
      // Studio first, then let go of the conversation: Twilio's TAC releases first, which leaves
      // a customer whose handoff failed with neither a human nor TAC (no more webhooks) for good.
      await startStudioExecution(tac, session, payload, request.signal);
      await releaseConversation(tac, session, request.signal);
      // Status callbacks are gone, so no CLOSED webhook will come: the channel ends the
      // session itself once this turn's reply is out (see MessagingChannel).
      session.metadata.handoffInitiatedAt = new Date().toISOString();
      await tac.sessions.set(session);
    }
    tac.logger.info(ref, 'handoff initiated');
    tac.events.emit('handoff', { ...ref, status: 'initiated', payload });
    return { status: 'handoff_initiated', channel };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Aborted with its turn (the conversation closed, barge-in, shutdown): nothing failed.
    if (request.signal?.aborted && isAbortError(error, request.signal)) {
      return { status: 'handoff_failed', channel, error: 'The handoff was cancelled' };
    }
    tac.reportError(error, { ...ref, stage: 'handoff' });
    tac.events.emit('handoff', { ...ref, status: 'failed', payload, error: message });
    return { status: 'handoff_failed', channel, error: `Could not reach a human agent: ${message}` };
  }
}
