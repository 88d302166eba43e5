import { describe, expect, it } from 'vitest';
import type { Channel } from '../../channels/channel.ts';
import { createTestTAC, storedSession, toolContext } from '../__fixtures__/fake-twilio.ts';
import { invokeTool } from '../invoke-tool.ts';
import { createSendMessageTool } from './send-message-tool.ts';

function fakeChannel(fail = false) {
  const sent: { conversationId: string; text: unknown }[] = [];
  const channel: Channel = {
    type: 'sms',
    memoryMode: 'never',
    async sendResponse(conversationId, response) {
      if (fail) throw new Error('Actions API unavailable');
      sent.push({ conversationId, text: response });
      return String(response);
    },
  };
  return { channel, sent };
}

describe('createSendMessageTool', () => {
  it('sends through the calling channel into the calling conversation', async () => {
    const { tac } = await createTestTAC();
    const { channel, sent } = fakeChannel();
    tac.registerChannel(channel);
    const tool = createSendMessageTool();
    expect(tool.name).toBe('send_message');
    expect(tool.parameters.required).toEqual(['message']);
    const result = await invokeTool(
      tool,
      { message: 'One moment please' },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result.ok && (result.output as { success: boolean }).success).toBe(true);
    expect(result.ok && (result.output as { message_id: string }).message_id).toMatch(/^msg_\d+$/);
    expect(sent).toEqual([{ conversationId: 'conv_conversation_1', text: 'One moment please' }]);
  });

  it('reports a failed send to the model as success: false', async () => {
    const { tac } = await createTestTAC();
    tac.registerChannel(fakeChannel(true).channel);
    const result = await invokeTool(
      createSendMessageTool(),
      { message: 'Hi' },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result).toEqual({ ok: true, output: { success: false, error: 'Actions API unavailable' } });
  });

  it('reports a missing channel', async () => {
    const { tac } = await createTestTAC();
    const result = await invokeTool(
      createSendMessageTool(),
      { message: 'Hi' },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result).toEqual({ ok: true, output: { success: false, error: 'No sms channel is registered' } });
  });
});
