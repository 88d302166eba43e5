import { z } from 'zod';
import { createTool } from '../define-tool.ts';
import type { TACTool } from '../types.ts';
import { BuiltInTools } from './built-in-tools.ts';
import { NamingOptionsSchema, parseToolOptions } from './tool-options.ts';

/** Options of {@link createSendMessageTool}. */
export interface SendMessageToolOptions {
  /** @defaultValue `send_message` */
  name?: string;
  /** @defaultValue "Send a message to the user in the current conversation" */
  description?: string;
}

const Parameters = z.object({
  message: z.string().min(1).describe('The message to send'),
  metadata: z.record(z.string(), z.unknown()).optional().describe('Optional metadata about the message'),
});

/** Arguments the model sends. */
export type SendMessageInput = z.output<typeof Parameters>;

/** Result as in Twilio's TAC: `{ success, message_id? , error? }`. */
export interface SendMessageOutput {
  success: boolean;
  message_id?: string;
  error?: string;
}

/**
 * The `send_message` tool (as in Twilio's TypeScript TAC): sends a message to
 * the customer right away, in the conversation and on the channel that called
 * it (`tac.getChannel(channel).sendResponse`), before the turn's final reply.
 * A failed send is reported to the model as `{ success: false, error }`.
 *
 * @example
 * ```ts
 * const tools = [createSendMessageTool(), lookupOrder];
 * ```
 */
export function createSendMessageTool(
  options: SendMessageToolOptions = {},
): TACTool<SendMessageInput, SendMessageOutput> {
  const parsed = parseToolOptions('createSendMessageTool', NamingOptionsSchema, options);
  return createTool<SendMessageInput, SendMessageOutput>({
    name: parsed.name ?? BuiltInTools.SEND_MESSAGE,
    description: parsed.description ?? 'Send a message to the user in the current conversation',
    parameters: Parameters,
    execute: async ({ message }, { tac, session, channel, signal }) => {
      const target = tac.getChannel(channel);
      if (!target) return { success: false, error: `No ${channel} channel is registered` };
      try {
        await target.sendResponse(session.conversationId, message, { signal });
        return { success: true, message_id: `msg_${Date.now()}` };
      } catch (error) {
        tac.logger.warn(
          { err: error, conversationId: session.conversationId, channel },
          'send_message failed',
        );
        return { success: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  });
}
