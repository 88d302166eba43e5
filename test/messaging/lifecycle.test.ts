/**
 * Conversation lifecycle over the emulator: CLOSED ends the session and fires
 * onConversationEnded; INACTIVE invalidates the `once` memory cache.
 */
import type { ConversationEndedContext } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { gate, type MessagingApp, startMessagingApp } from './helpers/messaging-app.ts';

let app: MessagingApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('CONVERSATION_UPDATED', () => {
  it('CLOSED ends the session (history too) and fires onConversationEnded once', async () => {
    app = await startMessagingApp();
    app.tac.onMessageReady(({ message }) => `re ${message}`);
    const ended: ConversationEndedContext[] = [];
    app.tac.onConversationEnded((context) => {
      ended.push(context);
    });
    const customer = app.emu.customer({ channel: 'rcs' });
    await customer.send('hello');
    await customer.nextReply();
    const conversationId = customer.conversationId!;
    expect(await app.tac.sessions.get(conversationId)).toBeDefined();

    const delivery = await app.emu.orchestrator.closeConversation(conversationId);
    expect(delivery?.ok).toBe(true);
    const target = app;
    await app.emu.waitFor(() => ended.length === 1);
    expect(ended[0]?.reason).toBe('closed');
    expect(ended[0]?.session).toMatchObject({ conversationId, channel: 'rcs' });
    expect(await target.tac.sessions.get(conversationId)).toBeUndefined();
    expect(await target.tac.sessions.getHistory(conversationId)).toEqual([]);
    expect(await target.channels.rcs.hasConversation(conversationId)).toBe(false);
    // Twilio may deliver it again: nothing happens twice.
    const again = await app.emu.redeliverLast();
    expect(again.eventType).toBe('CONVERSATION_UPDATED');
    expect(again.ok).toBe(true);
    // A full round trip later (a new conversation), the re-delivery has surely been dispatched.
    await customer.send('a new conversation');
    await customer.nextReply();
    expect(customer.conversationId).not.toBe(conversationId);
    expect(ended).toHaveLength(1);
  });

  it('CLOSED while a turn runs: the turn is aborted and nothing is sent into the closed conversation', async () => {
    app = await startMessagingApp();
    const started = gate();
    let aborted = false;
    app.tac.onMessageReady(async ({ signal }) => {
      started.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      aborted = true;
      return 'too late';
    });
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hello');
    await started.promise;
    await app.emu.orchestrator.closeConversation(customer.conversationId!);
    const target = app;
    await app.emu.waitFor(() => aborted);
    expect(target.emu.orchestrator.actions).toHaveLength(0);
    expect(target.errors.filter((e) => e.context.stage === 'send')).toEqual([]);
  });

  it('CLOSED while the first turn still looks up participants: the session is not brought back', async () => {
    app = await startMessagingApp();
    const handled: string[] = [];
    const ended: ConversationEndedContext[] = [];
    app.tac.onMessageReady(({ message }) => {
      handled.push(message);
      return 're';
    });
    app.tac.onConversationEnded((context) => {
      ended.push(context);
    });
    // Hold the turn's first Orchestrator request (the participant list) long enough to close meanwhile.
    app.emu.faults.set('conversations', { delayMs: 1_500 }, { times: 1 });
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hello');
    const target = app;
    await app.emu.waitFor(() => target.emu.faults.hits.conversations >= 1);
    const conversationId = customer.conversationId!;
    await app.emu.orchestrator.closeConversation(conversationId);
    await app.emu.waitFor(async () => !(await target.channels.sms.hasConversation(conversationId)), {
      description: 'the conversation to be forgotten once its turn let go',
    });
    expect(await target.tac.sessions.get(conversationId)).toBeUndefined();
    expect(handled).toEqual([]);
    expect(ended).toEqual([]); // no session had started, so there is nothing to end
    expect(target.emu.orchestrator.actions).toHaveLength(0);
  });

  it('CLOSED while a long reply is being sent: the rest is dropped quietly, no send failure reported', async () => {
    app = await startMessagingApp({ sms: { maxMessageLength: 40 } });
    app.tac.onMessageReady(() =>
      Array.from({ length: 6 }, (_, i) => `This is sentence number ${i} of the reply.`).join(' '),
    );
    // Every Orchestrator request takes 200 ms, so the conversation closes while parts are still due.
    app.emu.faults.set('conversations', { delayMs: 200 });
    const customer = app.emu.customer({ channel: 'sms' });
    await customer.send('hello');
    const conversationId = customer.conversationId!;
    const target = app;
    const actions = () => target.emu.orchestrator.actions.filter((a) => a.conversationId === conversationId);
    await app.emu.waitFor(() => actions().length >= 1);
    await app.emu.orchestrator.closeConversation(conversationId);
    await app.emu.waitFor(async () => !(await target.channels.sms.hasConversation(conversationId)));
    app.emu.faults.clear('conversations');
    const sent = actions();
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThan(6);
    expect(app.errors.filter((e) => e.context.stage === 'send')).toEqual([]);
  });

  it("INACTIVE drops the memoryMode 'once' cache, so the next turn recalls again", async () => {
    app = await startMessagingApp({ sms: { memoryMode: 'once' } });
    const customerPhone = '+15557654321';
    app.emu.memory.seedProfile({ phone: customerPhone, observations: ['Likes tea'] });
    const memories: (number | undefined)[] = [];
    app.tac.onMessageReady(({ memory }) => {
      memories.push(memory?.observations.length);
      return 'ok';
    });
    const customer = app.emu.customer({ channel: 'sms', address: customerPhone });
    await customer.send('one');
    await customer.nextReply();
    await customer.send('two');
    await customer.nextReply();
    const recallsBefore = app.emu.memory.recalls.length;
    expect(recallsBefore).toBe(1); // cached after the first turn

    await app.emu.orchestrator.setStatus(customer.conversationId!, 'INACTIVE');
    const target = app;
    await app.emu.waitFor(
      async () => (await target.tac.sessions.get(customer.conversationId!))?.cachedMemory === undefined,
    );
    await customer.send('three');
    await customer.nextReply();
    expect(app.emu.memory.recalls.length).toBe(2);
    expect(memories).toEqual([1, 1, 1]);
  });
});
