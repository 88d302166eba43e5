import { describe, expect, it } from 'vitest';
import { TACMemoryResponse } from './tac-memory-response.ts';

describe('TACMemoryResponse.fromRecall', () => {
  it('parses camelCase items', () => {
    const raw = {
      observations: [
        {
          id: 'mem_observation_1',
          content: 'Likes jazz',
          source: 'conversation-intelligence',
          createdAt: '2025-01-01T00:00:00Z',
          updatedAt: '2025-01-01T00:00:00Z',
          conversationIds: ['conv_1'],
        },
      ],
      summaries: [{ id: 'mem_summary_1', content: 'Called about billing', conversationId: 'conv_0' }],
      communications: [
        {
          id: 'comm_1',
          author: {
            id: 'a1',
            name: 'Alyssa',
            address: '+15557654321',
            channel: 'SMS',
            type: 'CUSTOMER',
            profileId: 'mem_profile_1',
          },
          content: { text: 'Hello' },
          recipients: [{ address: '+15550001111', channel: 'SMS' }],
          createdAt: '2025-01-01T00:00:00Z',
        },
      ],
      meta: { queryTime: 12 },
    };
    const memory = TACMemoryResponse.fromRecall(raw);
    expect(memory.hasMemoryFeatures).toBe(true);
    expect(memory.rawData).toBe(raw);
    expect(memory.observations).toEqual([raw.observations[0]]);
    expect(memory.summaries).toEqual([
      { id: 'mem_summary_1', content: 'Called about billing', conversationId: 'conv_0' },
    ]);
    expect(memory.communications[0]?.author).toEqual(raw.communications[0]?.author);
    expect(memory.communications[0]?.recipients).toEqual([{ address: '+15550001111', channel: 'SMS' }]);
  });

  it('accepts snake_case items (older Memory schema)', () => {
    const memory = TACMemoryResponse.fromRecall({
      observations: [
        { content: 'Likes jazz', created_at: '2025-01-01', conversation_ids: ['conv_1'], occurred_at: 'x' },
      ],
      summaries: [{ content: 'Billing', conversation_id: 'conv_0' }],
      communications: [
        {
          author: { address: '+1555', profile_id: 'mem_profile_1', participant_id: 'p1' },
          content: { text: 'Hi' },
          channel_id: 'CH1',
          created_at: '2025-01-02',
        },
      ],
    });
    expect(memory.observations).toEqual([
      { content: 'Likes jazz', createdAt: '2025-01-01', conversationIds: ['conv_1'], occurredAt: 'x' },
    ]);
    expect(memory.summaries).toEqual([{ content: 'Billing', conversationId: 'conv_0' }]);
    expect(memory.communications).toEqual([
      {
        author: { address: '+1555', profileId: 'mem_profile_1', participantId: 'p1' },
        content: { text: 'Hi' },
        recipients: [],
        channelId: 'CH1',
        createdAt: '2025-01-02',
      },
    ]);
  });

  it('drops invalid items instead of failing', () => {
    const memory = TACMemoryResponse.fromRecall({
      observations: [{ content: 'ok' }, { content: 42 }, null, 'text', { id: 'no content' }],
      summaries: 'not a list',
      communications: [{ author: 'nobody', content: { text: 'x' } }, { content: { text: 'kept' } }],
    });
    expect(memory.observations.map((o) => o.content)).toEqual(['ok']);
    expect(memory.summaries).toEqual([]);
    expect(memory.communications.map((c) => c.content.text)).toEqual(['kept']);
  });

  it('survives a body that is not an object', () => {
    expect(TACMemoryResponse.fromRecall('oops').isEmpty).toBe(true);
    expect(TACMemoryResponse.fromRecall(null).hasMemoryFeatures).toBe(true);
  });
});

describe('TACMemoryResponse.fromCommunications', () => {
  it('normalizes the Orchestrator list and marks it as fallback', () => {
    const memory = TACMemoryResponse.fromCommunications({
      communications: [
        {
          id: 'comm_1',
          conversationId: 'conv_1',
          accountId: 'AC1',
          author: { address: '+15557654321', channel: 'SMS', participantId: 'p1' },
          content: { type: 'TEXT', text: 'Hello' },
          recipients: [
            { address: '+15550001111', channel: 'SMS', participantId: 'p2', deliveryStatus: 'DELIVERED' },
          ],
          channelId: null,
        },
      ],
      meta: {},
    });
    expect(memory.hasMemoryFeatures).toBe(false);
    expect(memory.observations).toEqual([]);
    expect(memory.communications).toEqual([
      {
        id: 'comm_1',
        conversationId: 'conv_1',
        accountId: 'AC1',
        author: { address: '+15557654321', channel: 'SMS', participantId: 'p1' },
        content: { type: 'TEXT', text: 'Hello' },
        recipients: [
          { address: '+15550001111', channel: 'SMS', participantId: 'p2', deliveryStatus: 'DELIVERED' },
        ],
      },
    ]);
  });

  it('round-trips through toJSON/fromJSON (the once cache)', () => {
    const memory = TACMemoryResponse.fromRecall({
      observations: [{ content: 'a' }],
      summaries: [{ content: 'b' }],
    });
    const copy = TACMemoryResponse.fromJSON(JSON.parse(JSON.stringify(memory.toJSON())));
    expect(copy.buildMemoryPrompts()).toEqual(memory.buildMemoryPrompts());
    expect(copy.hasMemoryFeatures).toBe(true);
  });
});
