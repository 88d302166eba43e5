import { describe, expect, it } from 'vitest';
import type { Channel, OrchestratorEvent } from '../channels/channel.ts';
import type { ChannelType } from '../channels/channel-type.ts';
import { createSilentLogger } from '../logging/index.ts';
import { createSession } from '../session/index.ts';
import { TAC } from '../tac.ts';
import type { ErrorContext } from '../turn/handlers.ts';
import { BoundedSet } from './bounded-set.ts';
import { dispatchOrchestratorEvent } from './dispatch-event.ts';

const CONFIG_ID = `conv_configuration_${'a'.repeat(26)}`;

async function createTAC() {
  const tac = await TAC.create({
    config: {
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'token',
      apiKey: `SK${'b'.repeat(32)}`,
      apiSecret: 'secret',
      phoneNumber: '+15550001111',
      conversationConfigurationId: CONFIG_ID,
    },
    logger: createSilentLogger(),
    http: { fetch: (async () => Response.json({ id: CONFIG_ID })) as typeof fetch },
  });
  const errors: ErrorContext[] = [];
  tac.onError((_e, context) => {
    errors.push(context);
  });
  return { tac, errors };
}

function fakeChannel(type: ChannelType, owns: string[] = []) {
  const received: { event: OrchestratorEvent; token?: string }[] = [];
  const channel: Channel = {
    type,
    memoryMode: 'never',
    sendResponse: async () => '',
    processWebhook: async (event, meta) => {
      received.push({ event, token: meta.idempotencyToken });
    },
    hasConversation: (id) => owns.includes(id),
  };
  return { channel, received };
}

const comm = (channel: string, id = 'comm1'): OrchestratorEvent => ({
  eventType: 'COMMUNICATION_CREATED',
  data: {
    id,
    conversationId: 'conv1',
    author: { address: '+15557654321', channel },
    content: { text: 'hi' },
  },
});

const updated = (id: string, status: string, configurationId = CONFIG_ID): OrchestratorEvent => ({
  eventType: 'CONVERSATION_UPDATED',
  data: { id, status, configurationId },
});

describe('BoundedSet', () => {
  it('reports duplicates and forgets the least recently seen key past capacity', () => {
    const set = new BoundedSet(2);
    expect(set.add('a')).toBe(true);
    expect(set.add('b')).toBe(true);
    expect(set.add('a')).toBe(false); // refreshes a
    expect(set.add('c')).toBe(true); // evicts b
    expect(set.has('b')).toBe(false);
    expect(set.has('a')).toBe(true);
    expect(set.size).toBe(2);
  });
});

describe('dispatchOrchestratorEvent', () => {
  it('routes COMMUNICATION_CREATED to the channel named by author.channel', async () => {
    const { tac } = await createTAC();
    const sms = fakeChannel('sms');
    const wa = fakeChannel('whatsapp');
    tac.registerChannel(sms.channel);
    tac.registerChannel(wa.channel);
    await dispatchOrchestratorEvent(tac, comm('WHATSAPP'), { idempotencyToken: 't1' });
    expect(wa.received).toHaveLength(1);
    expect(wa.received[0]!.token).toBe('t1');
    expect(sms.received).toHaveLength(0);
  });

  it('ignores VOICE transcriptions, unknown channels and other event types', async () => {
    const { tac, errors } = await createTAC();
    const voice = fakeChannel('voice');
    tac.registerChannel(voice.channel);
    await dispatchOrchestratorEvent(tac, comm('VOICE'));
    await dispatchOrchestratorEvent(tac, comm('EMAIL', 'comm2'));
    await dispatchOrchestratorEvent(tac, { eventType: 'PARTICIPANT_ADDED', data: { id: 'p1' } });
    expect(voice.received).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('drops re-deliveries by idempotency token and by communication id', async () => {
    const { tac } = await createTAC();
    const sms = fakeChannel('sms');
    tac.registerChannel(sms.channel);
    await dispatchOrchestratorEvent(tac, comm('SMS', 'c1'), { idempotencyToken: 'tok' });
    await dispatchOrchestratorEvent(tac, comm('SMS', 'c2'), { idempotencyToken: 'tok' });
    await dispatchOrchestratorEvent(tac, comm('SMS', 'c1'));
    await dispatchOrchestratorEvent(tac, comm('SMS', 'c3'));
    expect(sms.received.map((r) => r.event.data.id)).toEqual(['c1', 'c3']);
  });

  it('sends CONVERSATION_UPDATED only to channels that have the conversation', async () => {
    const { tac } = await createTAC();
    const sms = fakeChannel('sms', ['conv1']);
    const voice = fakeChannel('voice', ['call1']);
    tac.registerChannel(sms.channel);
    tac.registerChannel(voice.channel);
    await dispatchOrchestratorEvent(tac, updated('call1', 'CLOSED'));
    expect(voice.received).toHaveLength(1);
    expect(sms.received).toHaveLength(0);
  });

  it('ignores updates of another configuration', async () => {
    const { tac } = await createTAC();
    const sms = fakeChannel('sms', ['conv1']);
    tac.registerChannel(sms.channel);
    await dispatchOrchestratorEvent(tac, updated('conv1', 'CLOSED', `conv_configuration_${'b'.repeat(26)}`));
    expect(sms.received).toHaveLength(0);
  });

  it('ends a session no channel claims when its conversation closes', async () => {
    const { tac } = await createTAC();
    await tac.sessions.set(createSession({ conversationId: 'orphan', channel: 'voice' }));
    const ended: string[] = [];
    tac.onConversationEnded(({ session }) => {
      ended.push(session.conversationId);
    });
    await dispatchOrchestratorEvent(tac, updated('orphan', 'CLOSED'));
    expect(ended).toEqual(['orphan']);
  });

  it('never throws: a bad envelope or a failing channel is reported', async () => {
    const { tac, errors } = await createTAC();
    tac.registerChannel({
      type: 'sms',
      memoryMode: 'never',
      sendResponse: async () => '',
      processWebhook: async () => {
        throw new Error('channel broke');
      },
    });
    await expect(dispatchOrchestratorEvent(tac, { nope: true } as never)).resolves.toBeUndefined();
    await expect(dispatchOrchestratorEvent(tac, comm('SMS'))).resolves.toBeUndefined();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ stage: 'webhook' });
    expect(errors[1]).toMatchObject({ stage: 'webhook', conversationId: 'conv1', droppedInbound: true });
  });
});
