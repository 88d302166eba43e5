import { z } from 'zod';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { conflictingConversationId } from '../../orchestrator/conversations-client.ts';
import type { ParticipantAddress } from '../../orchestrator/orchestrator-types.ts';
import { type ConversationSession, createSession } from '../../session/index.ts';
import type { MessagingChannel } from './messaging-channel.ts';
import { ownsAddress } from './reconcile-participants.ts';

/** Arguments of `initiateOutboundConversation` on a messaging channel. */
export interface OutboundMessagingOptions {
  /** The customer's address: `+1555…` (SMS), `whatsapp:+1555…` (a bare E.164 number is prefixed), `rcs:…`, or a chat identity. */
  to: string;
  /** The first message (split like any reply when long). */
  message: string;
  /** Merged into `session.metadata` (with `direction: 'outbound'`). */
  metadata?: Record<string, unknown>;
  /** Chat only (required there): the Conversations v1 channel SID. */
  channelId?: string;
}

/** What `initiateOutboundConversation` resolves with. */
export interface OutboundResult {
  conversationId: string;
  session: ConversationSession;
}

const OutboundOptionsSchema = z.strictObject({
  to: z.string().trim().min(1, 'is required'),
  message: z.string().refine((m) => m.trim() !== '', 'must not be empty'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  channelId: z.string().trim().min(1).optional(),
});

function invalid(message: string): TACError {
  return new TACError(TACErrorCode.INVALID_ARGUMENT, `initiateOutboundConversation: ${message}`);
}

/** Outbound conversation on a messaging channel (reference §2.4). */
export async function initiateOutbound(
  channel: MessagingChannel,
  raw: OutboundMessagingOptions,
): Promise<OutboundResult> {
  const parsed = OutboundOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'} ${i.message}`).join('; '),
    );
  }
  const options = parsed.data;
  const tac = channel.runtime;
  if (tac.isShuttingDown) {
    // Its reply could never be answered.
    throw new TACError(TACErrorCode.ABORTED, 'TAC is shutting down: no new outbound conversations');
  }
  const client = channel.client;
  const name = channel.orchestratorName;
  if (channel.type === 'chat' && !options.channelId) {
    throw invalid('channelId (the Conversations v1 channel SID) is required on Chat');
  }
  const to =
    channel.type === 'whatsapp' && /^\+\d+$/.test(options.to) ? `whatsapp:${options.to}` : options.to;
  const address = (a: string): ParticipantAddress =>
    options.channelId
      ? { channel: name, address: a, channelId: options.channelId }
      : { channel: name, address: a };

  let conversationId: string;
  let created = false;
  try {
    const conversation = await client.createConversation({
      configurationId: tac.config.values.conversationConfigurationId as string,
      participants: [
        { type: 'CUSTOMER', addresses: [address(to)] },
        { type: 'AI_AGENT', addresses: [address(channel.agentAddress)] },
      ],
    });
    conversationId = conversation.id;
    created = true;
  } catch (error) {
    const existing = conflictingConversationId(error);
    if (!existing) {
      throw new TACError(
        TACErrorCode.SEND_FAILED,
        `Could not create the outbound conversation: ${(error as Error).message}`,
        {
          cause: error,
          context: { channel: channel.type },
        },
      );
    }
    // An active conversation with the same addresses exists: continue it rather than fail.
    conversationId = existing;
    tac.logger.info({ conversationId, channel: channel.type }, 'outbound: reusing the active conversation');
  }

  try {
    const participants = await client.listParticipants(conversationId);
    const customer = participants.find((p) => ownsAddress(p, name, to) && p.type !== 'AI_AGENT');
    const result = await channel.reconcile(
      conversationId,
      { address: to, participantId: customer?.id },
      { channelId: options.channelId, participants },
    );
    const existing = await tac.sessions.get(conversationId);
    const session =
      existing ?? createSession({ conversationId, channel: channel.type, authorInfo: { address: to } });
    session.authorInfo = { address: to, participantId: result.customer?.id ?? customer?.id };
    session.aiAgentInfo = { address: channel.agentAddress, participantId: result.agent.id };
    const profileId = result.profileId ?? result.customer?.profileId ?? customer?.profileId ?? undefined;
    if (profileId) session.profileId = profileId;
    session.metadata = {
      ...session.metadata,
      ...options.metadata,
      ...(options.channelId ? { channelId: options.channelId } : {}),
      direction: 'outbound',
    };
    await tac.sessions.set(session);
    await channel.sendText(session, options.message);
    // The agent should know what it said first when the customer answers.
    await tac.sessions.appendHistory(
      conversationId,
      [{ role: 'assistant', content: options.message.trim() }],
      tac.options.maxHistoryItems,
    );
    return { conversationId, session };
  } catch (error) {
    if (created) {
      await client.updateConversation(conversationId, { status: 'CLOSED' }).catch((e: unknown) => {
        tac.logger.warn(
          { err: e, conversationId },
          'outbound: could not close the conversation after a failure',
        );
      });
      await tac.sessions.delete(conversationId);
    }
    if (TACError.isInstance(error) && error.code === TACErrorCode.SEND_FAILED) throw error;
    throw new TACError(
      TACErrorCode.SEND_FAILED,
      `Outbound conversation failed: ${(error as Error).message}`,
      {
        cause: error,
        context: { conversationId, channel: channel.type },
      },
    );
  }
}
