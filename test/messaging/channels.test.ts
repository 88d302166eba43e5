/**
 * The same handler answers on SMS, WhatsApp, RCS and Chat over the emulator's
 * Conversation Orchestrator; TAC's own messages are never answered; UNKNOWN
 * participants from the v1 bridge are reconciled before the model runs.
 */
import type { MessageReadyContext } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type MessagingApp, startMessagingApp } from './helpers/messaging-app.ts';

let app: MessagingApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function echo(target: MessagingApp) {
  const turns: Pick<MessageReadyContext, 'message' | 'channel' | 'conversationId' | 'author'>[] = [];
  target.tac.onMessageReady(({ message, channel, conversationId, author }) => {
    turns.push({ message, channel, conversationId, author });
    return `[${channel}] you said: ${message}`;
  });
  return turns;
}

describe('a reply on each channel', () => {
  for (const channel of ['sms', 'whatsapp', 'rcs', 'chat'] as const) {
    it(`${channel}: the customer gets the handler's answer from TAC's participant`, async () => {
      app = await startMessagingApp();
      const turns = echo(app);
      const customer = app.emu.customer({ channel });
      await customer.send('What are your hours?');
      const reply = await customer.nextReply();
      expect(reply.text).toBe(`[${channel}] you said: What are your hours?`);
      expect(turns).toEqual([
        {
          message: 'What are your hours?',
          channel,
          conversationId: customer.conversationId,
          author: customer.address,
        },
      ]);

      const [action] = app.emu.orchestrator.actions;
      const participants = app.emu.orchestrator.participants(customer.conversationId!);
      const agent = participants.find((p) => p.id === action?.payload.from.participantId);
      expect(agent?.type).toBe('AI_AGENT');
      expect(agent?.addresses[0]?.address).toBe(app.channels[channel].agentAddress);
      if (channel === 'chat') {
        expect(action?.payload.channelSettings).toEqual({
          channelId: customer.chatChannelId,
          chatService: app.emu.orchestrator.configuration.conversationsV1Bridge.serviceId,
        });
      }
      expect(app.errors).toEqual([]);
    });
  }
});

describe('own messages', () => {
  it('ignores the echo of its own replies (delivered as COMMUNICATION_CREATED)', async () => {
    app = await startMessagingApp();
    const turns = echo(app);
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('one');
    await customer.nextReply();
    await customer.send('two');
    await customer.nextReply();
    // The emulator announced TAC's two replies as communications by TAC's address.
    const target = app;
    const own = () =>
      target.emu.orchestrator
        .webhooks('COMMUNICATION_CREATED')
        .filter((d) => JSON.parse(d.body).data.author.address === target.emu.phoneNumber);
    await app.emu.waitFor(() => own().length === 2 && own().every((d) => d.ok));
    expect(turns.map((t) => t.message)).toEqual(['one', 'two']);
    expect(customer.replies).toEqual(['[sms] you said: one', '[sms] you said: two']);
  });

  it('ignores a message written by another AI agent participant', async () => {
    app = await startMessagingApp();
    const turns = echo(app);
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hello');
    await customer.nextReply();
    const conversationId = customer.conversationId!;
    const store = app.emu.orchestrator.store;
    const bot = store.addParticipant(conversationId, {
      type: 'AI_AGENT',
      addresses: [{ channel: 'SMS', address: '+15550199999' }],
    });
    const added = store.addCommunication(conversationId, {
      author: { channel: 'SMS', participantId: bot.id },
      recipients: [{ channel: 'SMS', address: customer.address }],
      content: { type: 'TEXT', text: 'I am another bot' },
    });
    expect((await added.delivery)?.ok).toBe(true);
    await customer.send('still there?');
    await customer.nextReply();
    expect(turns.map((t) => t.message)).toEqual(['hello', 'still there?']);
  });
});

describe('UNKNOWN participants (Conversations v1 bridge)', () => {
  for (const channel of ['sms', 'whatsapp', 'chat'] as const) {
    it(`${channel}: promotes them before the model runs, so the reply is not refused`, async () => {
      app = await startMessagingApp();
      const seen: { agent?: string; customer?: string }[] = [];
      const target = app;
      target.tac.onMessageReady(({ conversationId, author }) => {
        const participants = target.emu.orchestrator.participants(conversationId);
        const typeOf = (address: string) =>
          participants.find((p) => p.addresses.some((a) => a.address === address))?.type;
        seen.push({ agent: typeOf(target.channels[channel].agentAddress), customer: typeOf(author) });
        return 'reconciled';
      });
      const customer = app.emu.customer({ channel, v1Bridge: true });
      await customer.send('hi from the bridge');
      expect((await customer.nextReply()).text).toBe('reconciled');

      const participants = app.emu.orchestrator.participants(customer.conversationId!);
      const agent = participants.find((p) =>
        p.addresses.some((a) => a.address === app?.channels[channel].agentAddress),
      );
      const person = participants.find((p) => p.addresses.some((a) => a.address === customer.address));
      expect(agent?.type).toBe('AI_AGENT');
      if (channel === 'chat') {
        // The bridge owns the chat customer; TAC leaves it alone.
        expect(person?.type).toBe('UNKNOWN');
      } else {
        expect(person?.type).toBe('CUSTOMER');
      }
      // Reconciled before the handler ran.
      expect(seen).toEqual([{ agent: 'AI_AGENT', customer: channel === 'chat' ? 'UNKNOWN' : 'CUSTOMER' }]);
      expect(app.errors).toEqual([]);
    });
  }

  it('sms: gives the promoted customer a Memory profile (lookup, else create)', async () => {
    app = await startMessagingApp();
    const profileIds: (string | undefined)[] = [];
    app.tac.onMessageReady(({ profileId }) => {
      profileIds.push(profileId);
      return 'ok';
    });
    const known = app.emu.memory.seedProfile({ phone: '+15557654321' });
    const alice = app.emu.customer({ channel: 'sms', address: '+15557654321', v1Bridge: true });
    await alice.send('hi');
    await alice.nextReply();
    const bob = app.emu.customer({ channel: 'sms', address: '+15557650000', v1Bridge: true });
    await bob.send('hi');
    await bob.nextReply();

    expect(profileIds[0]).toBe(known);
    expect(profileIds[1]).toMatch(/^mem_profile_/);
    expect(profileIds[1]).not.toBe(known);
    const bobParticipant = app.emu.orchestrator
      .participants(bob.conversationId!)
      .find((p) => p.addresses.some((a) => a.address === bob.address));
    expect(bobParticipant?.profileId).toBe(profileIds[1]);
    expect(app.emu.memory.profileIdFor(bob.address)).toBe(profileIds[1]);
  });
});
