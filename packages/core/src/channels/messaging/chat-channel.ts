import { TACError, TACErrorCode } from '../../errors/index.ts';
import type { ConversationSession } from '../../session/index.ts';
import type { TAC } from '../../tac.ts';
import { MessagingChannel } from './messaging-channel.ts';
import {
  type ChatChannelOptions,
  ChatChannelOptionsSchema,
  type ChatChannelSettings,
} from './messaging-options.ts';

/**
 * Web/mobile Chat (Conversations v1 bridged into Conversation Orchestrator).
 * TAC's participant uses `agentAddress`; replies carry the conversation's
 * v1 channel SID (`session.metadata.channelId`) and the configuration's chat
 * service (`conversationsV1Bridge.serviceId`). The bridge owns the customer
 * participant, so only TAC's own participant is reconciled.
 *
 * @example
 * ```ts
 * tac.registerChannel(new ChatChannel(tac, { agentAddress: 'ai-assistant' }));
 * ```
 */
export class ChatChannel extends MessagingChannel {
  constructor(tac: TAC, options: ChatChannelOptions = {}) {
    super(tac, options, { type: 'chat', className: 'ChatChannel', schema: ChatChannelOptionsSchema });
  }

  /** The `agentAddress` option. @defaultValue 'ai-assistant' */
  get agentAddress(): string {
    return (this.settings as ChatChannelSettings).agentAddress;
  }

  protected override get reconcilesCustomer(): boolean {
    return false;
  }

  protected override channelSettings(session: ConversationSession): Record<string, unknown> {
    const channelId = session.metadata.channelId;
    if (typeof channelId !== 'string' || channelId === '') {
      throw new TACError(
        TACErrorCode.SEND_FAILED,
        `Chat reply in conversation ${session.conversationId} needs the chat channel id (session.metadata.channelId)`,
        { context: { conversationId: session.conversationId, channel: 'chat' } },
      );
    }
    const chatService = this.tac.configuration?.conversationsV1Bridge?.serviceId;
    return chatService ? { channelId, chatService } : { channelId };
  }
}
