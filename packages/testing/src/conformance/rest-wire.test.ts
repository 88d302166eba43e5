import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { fixture, fixtureText, normalized, shapeMismatches } from './__fixtures__/fixtures.ts';

describe('conformance: Memory, Knowledge, Studio, Calls and errors', () => {
  let emu: TwilioEmulator;
  let profiles: string;

  beforeEach(async () => {
    emu = await TwilioEmulator.start();
    profiles = `/v1/Stores/${emu.memoryStoreId}/Profiles`;
  });

  afterEach(() => emu.stop());

  it('Lookup answers the documented shape', async () => {
    const id = emu.memory.seedProfile({ phone: '+13175556789' });
    const res = await api(emu, 'POST', `${profiles}/Lookup`, {
      json: { idType: 'phone', value: '+13175556789' },
    });
    expect(shapeMismatches(res.body, fixture('memory-lookup-response.json'), { exact: true })).toEqual([]);
    expect(res.body).toEqual({ normalizedValue: '+13175556789', profiles: [id] });
  });

  it('accepts the documented profile creation (202 {id}) and serves the documented traits', async () => {
    const body = fixture('memory-create-profile-request.json');
    body.traits.Contact.phone = '+15550001234';
    const created = await api(emu, 'POST', profiles, { json: body });
    expect(created.status).toBe(202);
    expect(Object.keys(created.body)).toEqual(['id']);
    const traits = fixture('memory-traits.json');
    const id = emu.memory.seedProfile({ traits });
    const profile = await api(emu, 'GET', `${profiles}/${id}?traitGroups=Contact`);
    expect(shapeMismatches(profile.body, normalized('profile'), { exact: true })).toEqual([]);
    expect(profile.body.traits).toEqual(traits);
  });

  it('Recall accepts the documented request and answers the documented item shapes', async () => {
    const app = await import('../__fixtures__/fake-app.ts').then((m) =>
      m.startFakeApp({ authToken: emu.authToken }),
    );
    try {
      emu.setApp({ url: app.url });
      const id = emu.memory.seedProfile({
        phone: '+15550002345',
        observations: ['Prefers an aisle seat'],
        summaries: [{ content: 'Asked about seat upgrades', conversationId: 'conv_conversation_x' }],
      });
      const { conversationId } = await emu
        .customer({ channel: 'sms', address: '+15550002345' })
        .send('seat preference?');
      const request = { ...normalized('recallRequest'), conversationId, communicationsLimit: 5 };
      const res = await api(emu, 'POST', `${profiles}/${id}/Recall`, { json: request });
      expect(res.status).toBe(200);
      expect(shapeMismatches(res.body, normalized('recallResponse'), { exact: true })).toEqual([]);
      expect(res.body.observations).toHaveLength(1);
      expect(res.body.summaries).toHaveLength(1);
      expect(res.body.communications).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('accepts the documented observation and summary batches; summaries answer verbatim', async () => {
    const id = emu.memory.seedProfile({ phone: '+15550003456' });
    expect(
      (await api(emu, 'POST', `${profiles}/${id}/Observations`, { json: normalized('observationsRequest') }))
        .status,
    ).toBe(202);
    const res = await api(emu, 'POST', `${profiles}/${id}/ConversationSummaries`, {
      json: normalized('summariesRequest'),
    });
    expect(res.body).toEqual(fixture('memory-summaries-response.json'));
  });

  it('Knowledge metadata and Search match the documented shapes', async () => {
    emu.knowledge.seed([{ content: 'Our return policy: returns within 30 days.' }]);
    const meta = await api(emu, 'GET', `/v2/ControlPlane/KnowledgeBases/${emu.knowledge.base.id}`);
    expect(shapeMismatches(meta.body, normalized('knowledgeBase'), { exact: true })).toEqual([]);
    const search = await api(emu, 'POST', `/v2/KnowledgeBases/${emu.knowledge.base.id}/Search`, {
      json: normalized('knowledgeSearchRequest'),
    });
    expect(shapeMismatches(search.body, normalized('knowledgeSearchResponse'), { exact: true })).toEqual([]);
    expect(search.body.chunks).toHaveLength(1);
  });

  it('Studio accepts the documented form body (Parameters as a JSON string)', async () => {
    const res = await fetch(`${emu.baseUrl}/v2/Flows/${emu.studioFlowSid}/Executions`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${emu.apiKey}:${emu.apiSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      // The documented body, URL-encoded field by field as a form client sends it.
      body: new URLSearchParams(
        fixtureText('studio-execution-request.form')
          .split('&')
          .map(
            (pair) =>
              [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as [string, string],
          ),
      ).toString(),
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(shapeMismatches(body, normalized('studioExecutionResponse'))).toEqual([]);
    expect(emu.studio.executions[0]?.parameters).toEqual({
      HandoffData: {
        conversationId: '...',
        storeId: 'mem_store_...',
        profileId: 'mem_profile_...',
        attributes: { department: 'support', priority: 'normal', reason: 'customer asked for a human' },
      },
    });
  });

  it('Calls answer the documented CallResource keys; errors the documented error keys', async () => {
    const created = await api(emu, 'POST', `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`, {
      form: { To: '+15550004567', From: emu.phoneNumber, Twiml: '<Response/>' },
    });
    expect(shapeMismatches(created.body, normalized('callResource'))).toEqual([]);
    const error = await api(emu, 'POST', `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`, {
      form: { To: 'not-a-number', From: emu.phoneNumber, Twiml: '<Response/>' },
    });
    expect(shapeMismatches(error.body, fixture('twilio-error.json'), { exact: true })).toEqual([]);
    expect(error.body).toMatchObject({
      code: 21211,
      status: 400,
      more_info: fixture('twilio-error.json').more_info,
    });
  });
});
