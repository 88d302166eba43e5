import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { EmulatorError } from '../util/emulator-error.ts';

describe('fault injection per product', () => {
  let emu: TwilioEmulator;
  let lookup: string;

  beforeEach(async () => {
    emu = await TwilioEmulator.start();
    lookup = `/v1/Stores/${emu.memoryStoreId}/Profiles/Lookup`;
  });

  afterEach(() => emu.stop());

  const body = { json: { idType: 'phone', value: '+15550000000' } };

  it('answers with a status and Twilio error JSON, for `times` requests', async () => {
    emu.faults.set('memory', { status: 503 }, { times: 2 });
    const first = await api(emu, 'POST', lookup, body);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({
      status: 503,
      code: 20503,
      more_info: 'https://www.twilio.com/docs/errors/20503',
    });
    expect((await api(emu, 'POST', lookup, body)).status).toBe(503);
    expect((await api(emu, 'POST', lookup, body)).status).toBe(200);
    expect(emu.faults.hits.memory).toBe(2);
  });

  it('only affects its product, until cleared', async () => {
    emu.faults.set('knowledge', { status: 500 });
    expect((await api(emu, 'POST', lookup, body)).status).toBe(200);
    const kb = `/v2/KnowledgeBases/${emu.knowledge.base.id}/Search`;
    expect((await api(emu, 'POST', kb, { json: { query: 'x' } })).status).toBe(500);
    emu.faults.clear('knowledge');
    expect((await api(emu, 'POST', kb, { json: { query: 'x' } })).status).toBe(200);
  });

  it('delays then serves the request', async () => {
    emu.faults.set('conversations', { delayMs: 20 }, { times: 1 });
    const res = await api(emu, 'GET', '/v2/Conversations');
    expect(res.status).toBe(200);
    expect(emu.faults.hits.conversations).toBe(1);
  });

  it('releases held requests when the emulator stops', async () => {
    emu.faults.set('memory', { delayMs: 60_000 });
    const held = api(emu, 'POST', lookup, body);
    await emu.waitFor(() => emu.faults.hits.memory === 1);
    await emu.stop();
    await expect(held).rejects.toThrow();
  });

  it('drops the connection without an answer', async () => {
    emu.faults.set('studio', { drop: true }, { times: 1 });
    await expect(
      api(emu, 'POST', `/v2/Flows/${emu.studioFlowSid}/Executions`, { form: { To: '+1', From: '+1' } }),
    ).rejects.toThrow();
    expect(emu.faults.get('studio')).toBeUndefined();
  });

  it('rejects unknown products and malformed faults at once', () => {
    expect(() => emu.faults.set('sms' as never, { status: 500 })).toThrow(EmulatorError);
    expect(() => emu.faults.set('api', { status: 200 })).toThrow(/status/);
  });
});
