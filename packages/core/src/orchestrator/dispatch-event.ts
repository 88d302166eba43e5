import type { Channel, OrchestratorEvent } from '../channels/channel.ts';
import { CHANNEL_TYPES, type ChannelType } from '../channels/channel-type.ts';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TAC } from '../tac.ts';
import { BoundedSet } from './bounded-set.ts';
import { isOrchestratorEvent, OrchestratorEventSchema } from './webhook-event.ts';

/** How many idempotency tokens (and communication ids) a TAC instance remembers, as Twilio's TAC does. */
export const DISPATCH_DEDUP_CAPACITY = 10_000;

const seenByTac = new WeakMap<TAC, BoundedSet>();

function seenSet(tac: TAC): BoundedSet {
  let set = seenByTac.get(tac);
  if (!set) {
    set = new BoundedSet(DISPATCH_DEDUP_CAPACITY);
    seenByTac.set(tac, set);
  }
  return set;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function channelTypeOf(name: unknown): ChannelType | undefined {
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  return (CHANNEL_TYPES as readonly string[]).includes(lower) ? (lower as ChannelType) : undefined;
}

/**
 * True when this delivery was seen before. Twilio retries with the same
 * `i-twilio-idempotency-token`; a communication id is also unique, so a
 * re-delivery without the header is caught too.
 */
function isDuplicate(tac: TAC, event: OrchestratorEvent, token: string | undefined): boolean {
  const seen = seenSet(tac);
  const keys: string[] = [];
  if (token) keys.push(`token:${token}`);
  const commId = event.eventType === 'COMMUNICATION_CREATED' ? str(event.data.id) : undefined;
  if (commId) keys.push(`communication:${commId}`);
  let duplicate = false;
  for (const key of keys) if (!seen.add(key)) duplicate = true;
  return duplicate;
}

async function routeCommunication(tac: TAC, event: OrchestratorEvent, meta: { idempotencyToken?: string }) {
  const author = event.data.author as { channel?: unknown } | null | undefined;
  if (typeof author?.channel !== 'string' || author.channel === '') {
    // Without its channel a message can't be routed: say so rather than lose it quietly.
    throw new TACError(
      TACErrorCode.WEBHOOK_INVALID,
      'COMMUNICATION_CREATED without author.channel: no channel to route it to',
      { context: { field: 'data.author.channel' } },
    );
  }
  const type = channelTypeOf(author.channel);
  // VOICE communications are transcriptions of a call: the voice channel hears them over ConversationRelay.
  if (type === 'voice') return;
  if (!type) {
    tac.logger.debug({ channel: author.channel }, 'communication on a channel TAC does not serve; ignored');
    return;
  }
  const channel = tac.getChannel(type);
  if (!channel?.processWebhook) {
    tac.logger.debug({ channel: type }, 'no channel registered for this communication; ignored');
    return;
  }
  await channel.processWebhook(event, meta);
}

async function routeConversationUpdate(
  tac: TAC,
  event: OrchestratorEvent,
  meta: { idempotencyToken?: string },
) {
  const conversationId = str(event.data.id);
  if (!conversationId) {
    throw new TACError(TACErrorCode.WEBHOOK_INVALID, 'CONVERSATION_UPDATED without data.id', {
      context: { field: 'data.id' },
    });
  }
  const configurationId = str(event.data.configurationId);
  const ours = tac.config.values.conversationConfigurationId;
  if (configurationId && ours && configurationId !== ours) {
    tac.logger.debug({ conversationId }, 'CONVERSATION_UPDATED of another configuration; ignored');
    return;
  }
  const owners: Channel[] = [];
  for (const channel of tac.channels) {
    if (!channel.processWebhook) continue;
    if (!channel.hasConversation || (await channel.hasConversation(conversationId))) owners.push(channel);
  }
  for (const channel of owners) {
    try {
      await channel.processWebhook?.(event, meta);
    } catch (error) {
      tac.reportError(error, { conversationId, channel: channel.type, stage: 'webhook' });
    }
  }
  // A session no channel claims (e.g. a channel was replaced) still ends with its conversation.
  if (event.data.status === 'CLOSED' && (await tac.sessions.get(conversationId))) {
    await tac.endConversation(conversationId, 'closed');
  }
}

/**
 * Route a Conversation Orchestrator webhook event to channels (reference §2.2):
 * drop re-deliveries (bounded memory of idempotency tokens), send
 * `COMMUNICATION_CREATED` to the channel named by `author.channel`,
 * `CONVERSATION_UPDATED` to every channel that has the conversation, and
 * ignore other events. Channels queue turns, so this resolves quickly.
 *
 * Never throws: a failure is reported through `tac.onError` (stage `webhook`).
 */
export async function dispatchOrchestratorEvent(
  tac: TAC,
  event: OrchestratorEvent,
  meta: { idempotencyToken?: string } = {},
): Promise<void> {
  const conversationId =
    str((event?.data as Record<string, unknown> | undefined)?.conversationId) ??
    str((event?.data as Record<string, unknown> | undefined)?.id);
  try {
    if (!isOrchestratorEvent(event)) {
      const issues = OrchestratorEventSchema.safeParse(event).error?.issues ?? [];
      throw new TACError(TACErrorCode.WEBHOOK_INVALID, 'Not a Conversation Orchestrator webhook envelope', {
        context: { issues: issues.map((i) => i.path.join('.') || '(root)') },
      });
    }
    if (isDuplicate(tac, event, meta.idempotencyToken)) {
      tac.logger.debug({ eventType: event.eventType, conversationId }, 'duplicate webhook delivery ignored');
      return;
    }
    switch (event.eventType) {
      case 'COMMUNICATION_CREATED':
        await routeCommunication(tac, event, meta);
        return;
      case 'CONVERSATION_UPDATED':
        await routeConversationUpdate(tac, event, meta);
        return;
      default:
        tac.logger.debug({ eventType: event.eventType, conversationId }, 'webhook event ignored');
    }
  } catch (error) {
    tac.reportError(error, {
      conversationId,
      stage: 'webhook',
      droppedInbound: event?.eventType === 'COMMUNICATION_CREATED',
    });
  }
}
