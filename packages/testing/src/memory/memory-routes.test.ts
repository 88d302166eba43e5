import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';

describe('Conversation Memory REST', () => {
  let emu: TwilioEmulator;
  let base: string;

  beforeEach(async () => {
    emu = await TwilioEmulator.start();
    base = `/v1/Stores/${emu.memoryStoreId}/Profiles`;
  });

  afterEach(() => emu.stop());

  it('looks profiles up by phone (normalized) and email', async () => {
    const id = emu.memory.seedProfile({ phone: '+13175556789', email: 'Alyssa@Example.com' });
    const byPhone = await api(emu, 'POST', `${base}/Lookup`, {
      json: { idType: 'phone', value: '+1 (317) 555-6789' },
    });
    expect(byPhone.body).toEqual({ normalizedValue: '+13175556789', profiles: [id] });
    const byEmail = await api(emu, 'POST', `${base}/Lookup`, {
      json: { idType: 'email', value: 'alyssa@example.com' },
    });
    expect(byEmail.body.profiles).toEqual([id]);
    const none = await api(emu, 'POST', `${base}/Lookup`, {
      json: { idType: 'phone', value: '+10000000000' },
    });
    expect(none.body.profiles).toEqual([]);
    const bad = await api(emu, 'POST', `${base}/Lookup`, { json: { idType: 'fax', value: '1' } });
    expect(bad.status).toBe(400);
    expect(emu.memory.lookups).toHaveLength(3);
  });

  it('creates (upserts) profiles with 202 and needs an identifier trait', async () => {
    const created = await api(emu, 'POST', base, {
      json: { traits: { Contact: { phone: '+15550001111' } } },
    });
    expect(created.status).toBe(202);
    expect(created.body.id).toMatch(/^mem_profile_[0-9a-z]{26}$/);
    const again = await api(emu, 'POST', base, {
      json: { traits: { Contact: { phone: '+15550001111', firstName: 'Al' } } },
    });
    expect(again.body.id).toBe(created.body.id);
    const noId = await api(emu, 'POST', base, { json: { traits: { Preferences: { color: 'blue' } } } });
    expect(noId.status).toBe(400);
  });

  it('fetches a profile with a trait-group filter', async () => {
    const id = emu.memory.seedProfile({
      phone: '+15550002222',
      traits: { Contact: { firstName: 'Alyssa' }, Preferences: { seat: 'aisle' }, Loyalty: { tier: 'gold' } },
    });
    const all = await api(emu, 'GET', `${base}/${id}`);
    expect(Object.keys(all.body.traits).sort()).toEqual(['Contact', 'Loyalty', 'Preferences']);
    expect(all.body.traits.Contact).toEqual({ phone: '+15550002222', firstName: 'Alyssa' });
    const some = await api(emu, 'GET', `${base}/${id}?traitGroups=Contact,Preferences`);
    expect(Object.keys(some.body)).toEqual(['id', 'createdAt', 'traits']);
    expect(Object.keys(some.body.traits).sort()).toEqual(['Contact', 'Preferences']);
    expect((await api(emu, 'GET', `${base}/mem_profile_missing`)).status).toBe(404);
  });

  it('takes trait groups as repeated query keys too', async () => {
    const id = emu.memory.seedProfile({
      phone: '+15550002223',
      traits: { Contact: { firstName: 'Alyssa' }, Preferences: { seat: 'aisle' }, Loyalty: { tier: 'gold' } },
    });
    const repeated = await api(emu, 'GET', `${base}/${id}?traitGroups=Contact&traitGroups=Preferences`);
    expect(repeated.status).toBe(200);
    expect(Object.keys(repeated.body.traits).sort()).toEqual(['Contact', 'Preferences']);
    const mixed = await api(emu, 'GET', `${base}/${id}?traitGroups=Contact,Loyalty&traitGroups=Preferences`);
    expect(Object.keys(mixed.body.traits).sort()).toEqual(['Contact', 'Loyalty', 'Preferences']);
  });

  it('recalls the most recent memories without a query, ranked ones with a query', async () => {
    const id = emu.memory.seedProfile({
      phone: '+15550003333',
      observations: [
        { content: 'Prefers window seats on flights', occurredAt: '2025-01-01T00:00:00Z' },
        { content: 'Allergic to peanuts', occurredAt: '2025-02-01T00:00:00Z' },
        { content: 'Has a dog named Rex', occurredAt: '2025-03-01T00:00:00Z' },
      ],
      summaries: ['Asked about a refund for a delayed flight'],
    });
    const recent = await api(emu, 'POST', `${base}/${id}/Recall`, { json: { observationsLimit: 2 } });
    expect(recent.status).toBe(200);
    expect(recent.body.observations.map((o: { content: string }) => o.content)).toEqual([
      'Has a dog named Rex',
      'Allergic to peanuts',
    ]);
    expect(recent.body.summaries).toHaveLength(1);
    expect(recent.body.communications).toEqual([]);
    expect(recent.body.meta.queryTime).toEqual(expect.any(Number));
    const ranked = await api(emu, 'POST', `${base}/${id}/Recall`, {
      json: { query: 'which seat on my flight?', relevanceThreshold: 0.1 },
    });
    expect(ranked.body.observations.map((o: { content: string }) => o.content)).toEqual([
      'Prefers window seats on flights',
    ]);
    expect(ranked.body.summaries.map((s: { content: string }) => s.content)).toEqual([
      'Asked about a refund for a delayed flight',
    ]);
    expect(emu.memory.recalls.at(-1)).toMatchObject({ profileId: id, query: 'which seat on my flight?' });
  });

  it('requires conversationId for communications and returns them in Memory shape', async () => {
    const app = await import('../__fixtures__/fake-app.ts').then((m) =>
      m.startFakeApp({ authToken: emu.authToken }),
    );
    try {
      emu.setApp({ url: app.url });
      const id = emu.memory.seedProfile({ phone: '+15550004444' });
      const { conversationId } = await emu
        .customer({ channel: 'sms', address: '+15550004444' })
        .send('Where is my order?');
      const missing = await api(emu, 'POST', `${base}/${id}/Recall`, { json: { communicationsLimit: 5 } });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/conversationId/);
      const res = await api(emu, 'POST', `${base}/${id}/Recall`, {
        json: { communicationsLimit: 5, conversationId },
      });
      expect(res.body.communications).toHaveLength(1);
      expect(res.body.communications[0]).toMatchObject({
        author: { address: '+15550004444', channel: 'SMS', type: 'CUSTOMER', profileId: id },
        content: { text: 'Where is my order?' },
      });
    } finally {
      await app.close();
    }
  });

  it('creates observations and summaries only with the batch wrappers', async () => {
    const id = emu.memory.seedProfile({ phone: '+15550005555' });
    const flat = await api(emu, 'POST', `${base}/${id}/Observations`, {
      json: { content: 'Likes jazz', source: 'conversation-intelligence' },
    });
    expect(flat.status).toBe(400);
    const batch = await api(emu, 'POST', `${base}/${id}/Observations`, {
      json: {
        observations: [
          { content: 'Likes jazz', source: 'conversation-intelligence', occurredAt: '2025-01-15T10:30:45Z' },
        ],
      },
    });
    expect(batch.status).toBe(202);
    const summaries = await api(emu, 'POST', `${base}/${id}/ConversationSummaries`, {
      json: {
        summaries: [
          {
            content: 'Talked about jazz',
            conversationId: 'conv_conversation_x',
            occurredAt: '2025-01-15T10:30:45Z',
            source: 'conversation-intelligence',
          },
        ],
      },
    });
    expect(summaries.status).toBe(202);
    expect(summaries.body).toEqual({ message: 'Summaries creation accepted' });
    const profile = emu.memory.profile(id);
    expect(profile.observations.map((o) => o.content)).toEqual(['Likes jazz']);
    expect(profile.summaries[0]).toMatchObject({
      content: 'Talked about jazz',
      conversationId: 'conv_conversation_x',
    });
    expect(
      (await api(emu, 'POST', `/v1/Stores/mem_store_other/Profiles/${id}/Recall`, { json: {} })).status,
    ).toBe(404);
  });
});
