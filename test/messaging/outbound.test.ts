/**
 * Outbound conversations over the emulator: TAC writes first, the customer's
 * answer reaches the same handler in the same conversation, and an active
 * conversation is reused (409 + X-Conflicting-Resource-Id).
 */
import { TACErrorCode } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type MessagingApp, startMessagingApp } from './helpers/messaging-app.ts';

let app: MessagingApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('initiateOutboundConversation', () => {
  for (const channel of ['sms', 'whatsapp', 'rcs', 'chat'] as const) {
    it(`${channel}: sends the first message, then the customer's reply reaches the handler`, async () => {
      app = await startMessagingApp();
      const turns: { message: string; conversationId: string; direction: unknown }[] = [];
      app.tac.onMessageReady(({ message, conversationId, session }) => {
        turns.push({ message, conversationId, direction: session.metadata.direction });
        return 'Glad to help!';
      });
      const customer = app.emu.customer({ channel });
      const { conversationId, session } = await app.channels[channel].initiateOutboundConversation({
        to: customer.address,
        message: 'Your order has shipped. Reply here with any question.',
        channelId: customer.chatChannelId,
      });
      expect(session.metadata.direction).toBe('outbound');
      const first = await customer.nextReply();
      expect(first.text).toBe('Your order has shipped. Reply here with any question.');
      expect(first.conversationId).toBe(conversationId);

      const types = app.emu.orchestrator
        .participants(conversationId)
        .map((p) => p.type)
        .sort();
      expect(types).toEqual(['AI_AGENT', 'CUSTOMER']);

      await customer.send('When will it arrive?');
      expect(customer.conversationId).toBe(conversationId);
      expect((await customer.nextReply()).text).toBe('Glad to help!');
      expect(turns).toEqual([{ message: 'When will it arrive?', conversationId, direction: 'outbound' }]);
      // The agent's history starts with what it wrote first.
      const history = await app.tac.sessions.getHistory(conversationId);
      expect(history[0]).toEqual({
        role: 'assistant',
        content: 'Your order has shipped. Reply here with any question.',
      });
    });
  }

  it('reuses the active conversation with the customer instead of failing (409)', async () => {
    app = await startMessagingApp();
    app.tac.onMessageReady(() => 'ok');
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hello');
    await customer.nextReply();
    const existing = customer.conversationId!;

    const { conversationId } = await app.channels.sms.initiateOutboundConversation({
      to: customer.address,
      message: 'A follow-up',
    });
    expect(conversationId).toBe(existing);
    expect((await customer.nextReply()).text).toBe('A follow-up');
    expect(app.emu.orchestrator.conversations()).toHaveLength(1);
  });

  it('refuses bad options at the call: Chat needs the chat channel id', async () => {
    app = await startMessagingApp();
    await expect(
      app.channels.chat.initiateOutboundConversation({ to: 'someone@example.com', message: 'hi' }),
    ).rejects.toMatchObject({ code: TACErrorCode.INVALID_ARGUMENT });
    await expect(
      app.channels.sms.initiateOutboundConversation({ to: '+15557654321', message: '' }),
    ).rejects.toMatchObject({ code: TACErrorCode.INVALID_ARGUMENT });
    expect(app.emu.orchestrator.conversations()).toHaveLength(0);
  });

  it('refuses to start a conversation once TAC is shutting down (its reply could never be answered)', async () => {
    app = await startMessagingApp();
    await app.server.stop();
    await app.tac.shutdown(100);
    await expect(
      app.channels.sms.initiateOutboundConversation({ to: '+15557654321', message: 'hi' }),
    ).rejects.toMatchObject({ code: TACErrorCode.ABORTED });
    expect(app.emu.orchestrator.conversations()).toHaveLength(0);
  });
});
