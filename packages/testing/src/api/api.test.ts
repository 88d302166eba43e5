import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, type FakeApp, startFakeApp } from '../__fixtures__/fake-app.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { createTwilioClient } from './twilio-client.ts';

describe('Calls, Messages and Studio', () => {
  let emu: TwilioEmulator;

  beforeEach(async () => {
    emu = await TwilioEmulator.start();
  });

  afterEach(() => emu.stop());

  it('creates a call with TwiML and answers with the CallResource JSON', async () => {
    const res = await api(emu, 'POST', `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`, {
      form: { To: '+15551110000', From: emu.phoneNumber, Twiml: '<Response><Say>Hi</Say></Response>' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      account_sid: emu.accountSid,
      to: '+15551110000',
      from: emu.phoneNumber,
      status: 'queued',
      direction: 'outbound-api',
      api_version: '2010-04-01',
    });
    expect(res.body.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(res.body.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(emu.calls.created[0]?.twiml).toBe('<Response><Say>Hi</Say></Response>');
  });

  it('refuses calls without To, From or TwiML with Twilio error codes', async () => {
    const path = `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`;
    expect(
      (await api(emu, 'POST', path, { form: { From: emu.phoneNumber, Url: 'https://x.test' } })).body.code,
    ).toBe(21201);
    expect(
      (await api(emu, 'POST', path, { form: { To: 'nope', From: emu.phoneNumber, Url: 'https://x.test' } }))
        .body.code,
    ).toBe(21211);
    expect(
      (await api(emu, 'POST', path, { form: { To: '+15551110000', Url: 'https://x.test' } })).body.code,
    ).toBe(21213);
    expect(
      (await api(emu, 'POST', path, { form: { To: '+15551110000', From: emu.phoneNumber } })).body.code,
    ).toBe(21205);
    const wrongAccount = await api(emu, 'POST', `/2010-04-01/Accounts/AC${'1'.repeat(32)}/Calls.json`, {
      form: {},
    });
    expect(wrongAccount.status).toBe(404);
  });

  it('works with the twilio package (calls, update, messages, studio)', async () => {
    const client = createTwilioClient(emu);
    const call = await client.calls.create({
      to: '+15551110001',
      from: emu.phoneNumber,
      twiml: '<Response/>',
    });
    expect(call.sid).toMatch(/^CA/);
    expect(call.status).toBe('queued');
    const ended = await client.calls(call.sid).update({ status: 'canceled' });
    expect(ended.status).toBe('canceled');
    const message = await client.messages.create({
      to: 'whatsapp:+15551110002',
      from: emu.whatsappNumber,
      body: 'hi',
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(emu.messages.sent[0]).toMatchObject({ to: 'whatsapp:+15551110002', body: 'hi' });
    const execution = await client.studio.v2.flows(emu.studioFlowSid).executions.create({
      to: '+15551110003',
      from: emu.phoneNumber,
      parameters: { HandoffData: { conversationId: 'conv_conversation_x', attributes: { reason: 'help' } } },
    });
    expect(execution.sid).toMatch(/^FN[0-9a-f]{32}$/);
    expect(emu.studio.executions[0]).toMatchObject({
      flowSid: emu.studioFlowSid,
      to: '+15551110003',
      from: emu.phoneNumber,
      parameters: { HandoffData: { conversationId: 'conv_conversation_x', attributes: { reason: 'help' } } },
      trigger: 'rest',
    });
    await expect(client.calls.create({ to: '+15551110001', from: emu.phoneNumber })).rejects.toMatchObject({
      status: 400,
      code: 21205,
    });
  });

  it('requires form bodies for Studio and a valid flow SID', async () => {
    const path = `/v2/Flows/${emu.studioFlowSid}/Executions`;
    expect((await api(emu, 'POST', path, { json: { To: '+1', From: '+1' } })).status).toBe(400);
    expect((await api(emu, 'POST', path, { form: { To: '+15551110003' } })).status).toBe(400);
    expect(
      (
        await api(emu, 'POST', path, {
          form: { To: '+15551110003', From: emu.phoneNumber, Parameters: '{bad' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await api(emu, 'POST', '/v2/Flows/FWnope/Executions', { form: { To: 'a', From: 'b' } })).status,
    ).toBe(404);
  });

  it("serves Studio's voice webhook without Basic auth, records the handoff and answers TwiML", async () => {
    const path = `/v1/Accounts/${emu.accountSid}/Flows/${emu.studioFlowSid}?Trigger=incomingCall`;
    const callSid = `CA${'a'.repeat(32)}`;
    const form = {
      AccountSid: emu.accountSid,
      CallSid: callSid,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      From: '+15551110005',
      To: emu.phoneNumber,
      SessionStatus: 'ended',
      HandoffData: '{"conversationId":"conv_conversation_x","attributes":{"reason":"help"}}',
    };
    // As ConversationRelay posts it: a form and no Authorization header.
    const res = await api(emu, 'POST', path, { form }, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(emu.studio.executions).toEqual([
      expect.objectContaining({
        flowSid: emu.studioFlowSid,
        trigger: 'voice',
        to: '+15551110005',
        from: emu.phoneNumber,
        callSid,
        parameters: {
          HandoffData: { conversationId: 'conv_conversation_x', attributes: { reason: 'help' } },
        },
      }),
    ]);
    // Other paths still need auth; another account or a bad flow SID is a 404; a JSON body a 400.
    expect((await api(emu, 'POST', `/v2/Flows/${emu.studioFlowSid}/Executions`, { form }, null)).status).toBe(
      401,
    );
    expect(
      (await api(emu, 'POST', `/v1/Accounts/AC${'1'.repeat(32)}/Flows/${emu.studioFlowSid}`, { form }, null))
        .status,
    ).toBe(404);
    expect(
      (await api(emu, 'POST', `/v1/Accounts/${emu.accountSid}/Flows/FW${'A'.repeat(32)}`, { form }, null))
        .status,
    ).toBe(404);
    expect((await api(emu, 'POST', path, { json: form }, null)).status).toBe(400);
    expect(emu.studio.executions).toHaveLength(1);
    // Faults on 'studio' cover the webhook too.
    emu.faults.set('studio', { status: 503 }, { times: 1 });
    expect((await api(emu, 'POST', path, { form }, null)).status).toBe(503);
  });

  it('refuses messages without To, From or Body', async () => {
    const path = `/2010-04-01/Accounts/${emu.accountSid}/Messages.json`;
    expect((await api(emu, 'POST', path, { form: { From: emu.phoneNumber, Body: 'x' } })).body.code).toBe(
      21604,
    );
    expect((await api(emu, 'POST', path, { form: { To: '+15551110000', Body: 'x' } })).body.code).toBe(21603);
    expect(
      (await api(emu, 'POST', path, { form: { To: '+15551110000', From: emu.phoneNumber } })).body.code,
    ).toBe(21602);
  });
});

describe('call status callbacks and answering machine detection', () => {
  let emu: TwilioEmulator;
  let app: FakeApp;

  beforeEach(async () => {
    emu = await TwilioEmulator.start();
    app = await startFakeApp({ authToken: emu.authToken });
    emu.setApp({ url: app.url });
  });

  afterEach(async () => {
    await emu.stop();
    await app.close();
  });

  it('posts signed status callbacks for subscribed events and always for completed', async () => {
    const created = await api(emu, 'POST', `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`, {
      form: {
        To: '+15551110004',
        From: emu.phoneNumber,
        Twiml: `<Response><Connect><ConversationRelay url="ws://${app.host}/ws"/></Connect></Response>`,
        StatusCallback: `${app.url}/webhook`,
        StatusCallbackEvent: 'answered',
        MachineDetection: 'Enable',
      },
    });
    const call = await emu.calls.answer(created.body.sid, { answeredBy: 'machine_start' });
    await call.hangup();
    const statuses = app.webhooks.map((w) => (w.body as Record<string, string>)['CallStatus']);
    expect(statuses).toEqual(['in-progress', 'completed']);
    expect(app.webhooks.every((w) => w.signatureValid)).toBe(true);
    expect(app.webhooks[1]?.body).toMatchObject({
      CallSid: created.body.sid,
      Direction: 'outbound-api',
      AnsweredBy: 'machine_start',
    });
  });

  it('lets the callee reject a call', async () => {
    const created = await api(emu, 'POST', `/2010-04-01/Accounts/${emu.accountSid}/Calls.json`, {
      form: {
        To: '+15551110005',
        From: emu.phoneNumber,
        Url: `${app.url}/twiml`,
        StatusCallback: `${app.url}/webhook`,
      },
    });
    await emu.calls.reject(created.body.sid, 'busy');
    await emu.waitFor(() => app.webhooks.length === 1);
    expect(app.webhooks[0]?.body).toMatchObject({ CallStatus: 'busy' });
    await expect(emu.calls.answer(created.body.sid)).rejects.toThrow(/busy/);
  });
});
