import type { MemoryStore } from '../memory/memory-store.ts';
import type {
  AddedCommunication,
  OrchestratorStore,
  ParticipantInput,
} from '../orchestrator/orchestrator-store.ts';
import type { OrchestratorChannel } from '../orchestrator/types.ts';

/** An inbound customer message to route into the Orchestrator. */
export interface InboundMessage {
  channel: OrchestratorChannel;
  address: string;
  agentAddress: string;
  text: string;
  /** Chat channel SID (CHAT only). */
  chatChannelId?: string;
  /** Create participants as `UNKNOWN`, as the Conversations v1 bridge does. */
  v1Bridge: boolean;
  /** Create the agent's address as a participant too (`AI_AGENT`, or `UNKNOWN` with the bridge). */
  agentParticipant: boolean;
}

/**
 * What Twilio does with an inbound message: find the open conversation per
 * the grouping rules (reactivating an INACTIVE one) or create one with
 * participants, then store the communication, which sends
 * `COMMUNICATION_CREATED` to the status callbacks.
 */
export function receiveInbound(
  store: OrchestratorStore,
  memory: MemoryStore,
  message: InboundMessage,
): AddedCommunication & { conversationId: string } {
  const { channel, address, agentAddress, chatChannelId } = message;
  const profileId = memory.profileIdFor(address);
  const channelId = chatChannelId ?? null;
  const customer: ParticipantInput = {
    type: message.v1Bridge ? 'UNKNOWN' : 'CUSTOMER',
    profileId: message.v1Bridge ? null : (profileId ?? null),
    addresses: [{ channel, address, channelId }],
  };
  let record = store.findGrouped(channel, address, profileId);
  if (!record) {
    const participants = [customer];
    if (message.agentParticipant || message.v1Bridge) {
      participants.push({
        type: message.v1Bridge ? 'UNKNOWN' : 'AI_AGENT',
        addresses: [{ channel, address: agentAddress, channelId }],
      });
    }
    record = store.create({
      configurationId: store.configuration.id,
      participants,
      channelIds: chatChannelId ? [chatChannelId] : [],
    });
  } else {
    if (record.resource.status === 'INACTIVE') store.update(record.resource.id, { status: 'ACTIVE' });
    if (!store.ownerOf(record, channel, address)) store.addParticipant(record.resource.id, customer);
  }
  const added = store.addCommunication(record.resource.id, {
    author: { channel, address },
    recipients: [{ channel, address: agentAddress }],
    content: { type: 'TEXT', text: message.text },
    channelId,
    deliverToCustomer: false,
  });
  return { ...added, conversationId: record.resource.id };
}
