import { TACError, TACErrorCode } from '../../errors/index.ts';
import type { ConversationsClient } from '../../orchestrator/conversations-client.ts';
import type { Participant, ParticipantAddress } from '../../orchestrator/orchestrator-types.ts';
import type { TAC } from '../../tac.ts';
import type { MessagingChannelType } from '../channel-type.ts';
import { lookupOrCreatePhoneProfile } from './memory-profile.ts';

/** What {@link reconcileParticipants} needs to know about the conversation and TAC's side of it. */
export interface ReconcileInput {
  conversationId: string;
  /** Uppercase Orchestrator channel (`SMS`, `WHATSAPP`, `RCS`, `CHAT`). */
  channel: string;
  /** TAC's own address on the channel. */
  agentAddress: string;
  /** The customer who wrote (or whom TAC writes to). */
  customer: { address: string; participantId?: string };
  /** Chat: the Conversations v1 channel SID. */
  channelId?: string;
  /** False on Chat, where the v1 bridge owns the customer participant. */
  reconcileCustomer: boolean;
  /** SMS: give a promoted customer a Memory profile (Lookup by phone, else create). */
  phoneProfiles: boolean;
  /** Participants already listed (saves a request). */
  participants?: Participant[];
}

/** Participant ids TAC sends with. */
export interface ReconcileResult {
  agent: Participant;
  customer?: Participant;
  profileId?: string;
}

const AGENT_TYPES = new Set(['AI_AGENT', 'AGENT']);

const same = (a: string | undefined | null, b: string | undefined | null) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** True when `p` owns `address` on `channel`. */
export function ownsAddress(p: Participant, channel: string, address: string): boolean {
  return (p.addresses ?? []).some((a) => same(a.channel, channel) && same(a.address, address));
}

function addressFor(input: ReconcileInput, address: string): ParticipantAddress {
  return input.channelId
    ? { channel: input.channel, address, channelId: input.channelId }
    : { channel: input.channel, address };
}

/**
 * Make sure the conversation has TAC as an `AI_AGENT` participant and the
 * writer as a `CUSTOMER` before the model runs (reference §2.2 step 6): the
 * Conversations v1 bridge creates both as `UNKNOWN`, and a reply sent as an
 * `AI_AGENT` that does not exist is refused after the model already ran.
 *
 * Missing agent → created; `UNKNOWN` → promoted (PUT is a full replacement,
 * so name and addresses are sent again). Throws a {@link TACError}
 * `TAC_ERR_INBOUND_DROPPED` when the agent address belongs to someone else or
 * the Orchestrator refuses (409). A Memory failure only costs the profile.
 */
export async function reconcileParticipants(
  tac: TAC,
  client: ConversationsClient,
  input: ReconcileInput,
): Promise<ReconcileResult> {
  const { conversationId } = input;
  const fail = (message: string, cause?: unknown) =>
    new TACError(TACErrorCode.INBOUND_DROPPED, `Participant reconciliation failed: ${message}`, {
      cause,
      context: { conversationId, channel: input.channel.toLowerCase() },
    });
  let participants: Participant[];
  try {
    participants = input.participants ?? (await client.listParticipants(conversationId));
  } catch (error) {
    throw fail('could not list participants', error);
  }

  // TAC's participant.
  let agent = participants.find((p) => ownsAddress(p, input.channel, input.agentAddress));
  try {
    if (!agent) {
      agent = await client.createParticipant(conversationId, {
        type: 'AI_AGENT',
        addresses: [addressFor(input, input.agentAddress)],
      });
      tac.logger.debug({ conversationId, participantId: agent.id }, 'AI_AGENT participant created');
    } else if (agent.type === 'UNKNOWN') {
      agent = await client.updateParticipant(conversationId, agent.id, {
        name: agent.name ?? null,
        type: 'AI_AGENT',
        profileId: agent.profileId ?? null,
        addresses: agent.addresses,
      });
      tac.logger.debug(
        { conversationId, participantId: agent.id },
        'UNKNOWN participant promoted to AI_AGENT',
      );
    } else if (!AGENT_TYPES.has(agent.type)) {
      throw fail(`the agent address belongs to a ${agent.type} participant`);
    }
  } catch (error) {
    throw TACError.isInstance(error) && error.code === TACErrorCode.INBOUND_DROPPED
      ? error
      : fail('could not create or promote the AI_AGENT participant', error);
  }
  if (!agent?.id) throw fail('the Orchestrator returned no AI_AGENT participant id');
  if (!input.reconcileCustomer) return { agent };

  // The customer: the writer's participant, else a participant on the writer's address.
  const others = participants.filter((p) => p.id !== agent.id);
  let customer =
    (input.customer.participantId && others.find((p) => p.id === input.customer.participantId)) ||
    others.find((p) => p.type === 'CUSTOMER' && ownsAddress(p, input.channel, input.customer.address)) ||
    others.find((p) => p.type === 'UNKNOWN' && ownsAddress(p, input.channel, input.customer.address)) ||
    undefined;
  if (!customer) return { agent };

  let profileId = customer.profileId ?? undefined;
  if (customer.type === 'UNKNOWN' || (customer.type === 'CUSTOMER' && !profileId)) {
    if (input.phoneProfiles) {
      try {
        profileId = await lookupOrCreatePhoneProfile(tac, input.customer.address, {
          create: customer.type === 'UNKNOWN',
        });
      } catch (error) {
        // Memory is an enrichment: the customer still gets an answer, without a profile.
        tac.reportError(error, {
          conversationId,
          channel: input.channel.toLowerCase() as MessagingChannelType,
          stage: 'profile',
        });
      }
    }
  }
  if (customer.type === 'UNKNOWN') {
    try {
      customer = await client.updateParticipant(conversationId, customer.id, {
        name: customer.name ?? null,
        type: 'CUSTOMER',
        profileId: profileId ?? null,
        addresses: customer.addresses,
      });
      tac.logger.debug(
        { conversationId, participantId: customer.id },
        'UNKNOWN participant promoted to CUSTOMER',
      );
    } catch (error) {
      throw fail('could not promote the customer participant', error);
    }
  }
  return { agent, customer, profileId: profileId ?? customer.profileId ?? undefined };
}
