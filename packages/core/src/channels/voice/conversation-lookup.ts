import { setTimeout as delay } from 'node:timers/promises';
import type { TACConfig } from '../../config/index.ts';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { ConversationsClient } from '../../orchestrator/conversations-client.ts';
import type { Participant } from '../../orchestrator/orchestrator-types.ts';
import type { AuthorInfo } from '../../session/index.ts';
import type { TAC } from '../../tac.ts';

/** Bounded doubling backoff of the CallSid → conversation lookup. */
export interface ConversationLookupOptions {
  /** @defaultValue 10 */
  attempts: number;
  /** @defaultValue 250 */
  initialDelayMs: number;
  /** @defaultValue 1500 */
  maxDelayMs: number;
}

/** Wait `ms`; rejects (AbortError) as soon as `signal` fires. */
const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

/** The waits between lookup attempts: doubling from `initialDelayMs`, capped at `maxDelayMs` (250, 500, 1000, 1500, 1500, …). */
export function lookupDelays(options: ConversationLookupOptions): number[] {
  const delays: number[] = [];
  let delay = options.initialDelayMs;
  for (let i = 1; i < options.attempts; i++) {
    delays.push(Math.min(delay, options.maxDelayMs));
    delay *= 2;
  }
  return delays;
}

/**
 * Find the Orchestrator conversation Twilio creates for a call
 * (`GET /v2/Conversations?channelId={CallSid}&status=ACTIVE`). It appears a
 * moment after the call connects, so poll with doubling delays (250 ms,
 * capped at 1.5 s, 10 tries ≈ 11 s) until exactly one is active.
 *
 * @throws TACError `TAC_ERR_NOT_FOUND` when none (or several) remain after the last try.
 */
export async function findConversationByCallSid(
  tac: TAC,
  callSid: string,
  options: ConversationLookupOptions,
  signal?: AbortSignal,
): Promise<string> {
  const client = ConversationsClient.for(tac);
  const delays = lookupDelays(options);
  let lastCount = 0;
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      const { conversations } = await client.listConversations({ channelId: callSid, status: 'ACTIVE' });
      lastCount = conversations.length;
      if (conversations.length === 1 && conversations[0]) return conversations[0].id;
    } catch (error) {
      if (signal?.aborted) throw error;
      lastError = error;
    }
    const delay = delays[attempt - 1];
    if (delay !== undefined) await sleep(delay, signal);
  }
  throw new TACError(
    TACErrorCode.NOT_FOUND,
    `No single active conversation for call ${callSid} after ${options.attempts} tries (found ${lastCount})`,
    { cause: lastError, context: { callSid } },
  );
}

/** Who is who in a voice conversation. */
export interface VoiceParticipants {
  profileId?: string;
  customer?: AuthorInfo;
  agent?: AuthorInfo;
}

const AGENT_TYPES = new Set(['AI_AGENT', 'AGENT']);

/**
 * Pick the customer (the `CUSTOMER` participant, with its VOICE address) and
 * TAC's own participant (an AI agent owning our phone number on VOICE).
 */
export function identifyVoiceParticipants(
  participants: readonly Participant[],
  config: TACConfig,
  callerAddress: string,
): VoiceParticipants {
  const voiceAddress = (p: Participant) => p.addresses?.find((a) => a.channel === 'VOICE')?.address;
  const agent = participants.find(
    (p) =>
      AGENT_TYPES.has(p.type) &&
      p.addresses?.some((a) => a.channel === 'VOICE' && a.address === config.phoneNumber),
  );
  const customer = participants.find((p) => p.type === 'CUSTOMER');
  return {
    profileId: customer?.profileId ?? undefined,
    customer: customer
      ? { address: voiceAddress(customer) ?? callerAddress, participantId: customer.id }
      : undefined,
    agent: agent ? { address: config.phoneNumber, participantId: agent.id } : undefined,
  };
}

/** List a conversation's participants and identify them (see {@link identifyVoiceParticipants}). */
export async function loadVoiceParticipants(
  tac: TAC,
  conversationId: string,
  callerAddress: string,
): Promise<VoiceParticipants> {
  const participants = await ConversationsClient.for(tac).listParticipants(conversationId);
  return identifyVoiceParticipants(participants, tac.config, callerAddress);
}
