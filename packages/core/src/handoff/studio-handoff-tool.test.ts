import { describe, expect, it } from 'vitest';
import { TACError } from '../errors/index.ts';
import {
  createTestTAC,
  type FakeRoute,
  FLOW_SID,
  STORE_ID,
  storedSession,
  toolContext,
} from '../tools/__fixtures__/fake-twilio.ts';
import { invokeTool } from '../tools/invoke-tool.ts';
import type { TACEventMap } from '../turn/events.ts';
import { initiateHandoff } from './initiate-handoff.ts';
import { createStudioHandoffTool } from './studio-handoff-tool.ts';

const conversation = '/v2/Conversations/conv_conversation_1';
const executions = `/v2/Flows/${FLOW_SID}/Executions`;
const okRoutes = {
  [`PUT ${conversation}`]: { body: { id: 'conv_conversation_1', status: 'INACTIVE' } },
  [`PATCH ${conversation}`]: { body: {} },
  [`POST ${executions}`]: { status: 201, body: { sid: 'FN1' } },
};

async function setup(routes: Record<string, FakeRoute> = okRoutes, config = {}) {
  const fake = await createTestTAC({
    routes,
    config: { studioHandoffFlowSid: FLOW_SID, whatsappNumber: 'whatsapp:+15550002222', ...config },
  });
  const events: TACEventMap['handoff'][] = [];
  fake.tac.events.on('handoff', (e) => events.push(e));
  return { ...fake, events };
}

describe('createStudioHandoffTool', () => {
  it('exposes handoff(reason) with the reference description', () => {
    const tool = createStudioHandoffTool();
    expect(tool.name).toBe('handoff');
    expect(tool.description).toBe(
      'Hand off the conversation to a human agent. Use this when the customer requests a human, or when you cannot adequately handle the request.',
    );
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: {
        reason: { type: 'string', minLength: 1, description: 'The reason for handing off to a human agent' },
      },
      required: ['reason'],
    });
  });

  it('on SMS: starts the Studio execution with HandoffData, then sets INACTIVE and clears callbacks', async () => {
    const { tac, requests, events } = await setup();
    const session = await storedSession(tac, { profileId: 'mem_profile_1' });
    const tool = createStudioHandoffTool({ attributes: { department: 'support', priority: 'normal' } });
    const result = await invokeTool(
      tool,
      { reason: 'customer asked for a human' },
      toolContext(tac, session),
    );

    expect(result).toEqual({ ok: true, output: { status: 'handoff_initiated', channel: 'sms' } });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${executions}`,
      `PUT ${conversation}`,
      `PATCH ${conversation}`,
    ]);
    expect(requests[1]?.json).toEqual({ status: 'INACTIVE' });
    expect(requests[2]?.json).toEqual({ configuration: { statusCallbacks: [] } });
    const payload = {
      conversationId: 'conv_conversation_1',
      storeId: STORE_ID,
      profileId: 'mem_profile_1',
      attributes: { department: 'support', priority: 'normal', reason: 'customer asked for a human' },
    };
    expect(requests[0]?.form).toEqual({
      To: '+15557654321',
      From: '+15550001111',
      Parameters: JSON.stringify({ HandoffData: payload }),
    });
    expect(events).toEqual([
      { conversationId: 'conv_conversation_1', channel: 'sms', status: 'initiated', payload },
    ]);
  });

  it("uses the channel's own sender on WhatsApp and an empty profileId when unknown", async () => {
    const { tac, find } = await setup();
    const session = await storedSession(tac, {
      channel: 'whatsapp',
      authorInfo: { address: 'whatsapp:+15557654321' },
    });
    await invokeTool(createStudioHandoffTool(), { reason: 'human please' }, toolContext(tac, session));
    const form = find('POST', executions)[0]?.form;
    expect([form?.To, form?.From]).toEqual(['whatsapp:+15557654321', 'whatsapp:+15550002222']);
    expect(JSON.parse(form?.Parameters ?? '{}').HandoffData.profileId).toBe('');
  });

  it('on voice: stores pendingHandoffData for the end frame and starts no Studio execution', async () => {
    const { tac, requests } = await setup();
    const session = await storedSession(tac, { channel: 'voice', profileId: 'mem_profile_1' });
    const result = await invokeTool(
      createStudioHandoffTool(),
      { reason: 'billing dispute' },
      toolContext(tac, session),
    );
    expect(result).toEqual({ ok: true, output: { status: 'handoff_initiated', channel: 'voice' } });
    expect(requests.map((r) => r.method)).toEqual(['PUT', 'PATCH']);
    expect((await tac.sessions.get('conv_conversation_1'))?.pendingHandoffData).toEqual({
      conversationId: 'conv_conversation_1',
      storeId: STORE_ID,
      profileId: 'mem_profile_1',
      attributes: { reason: 'billing dispute' },
    });
  });

  it('still hands off when the Orchestrator updates fail (logged only)', async () => {
    const { tac, find } = await setup({ [`POST ${executions}`]: { status: 201, body: { sid: 'FN1' } } });
    const result = await invokeTool(
      createStudioHandoffTool(),
      { reason: 'x' },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result).toEqual({ ok: true, output: { status: 'handoff_initiated', channel: 'sms' } });
    expect(find('POST', executions)).toHaveLength(1);
  });

  it('returns handoff_failed with the error when Studio refuses, so the model can tell the customer', async () => {
    const { tac, events } = await setup({
      ...okRoutes,
      [`POST ${executions}`]: { status: 400, body: { message: 'Invalid To', code: 20001 } },
    });
    const result = await invokeTool(
      createStudioHandoffTool(),
      { reason: 'x' },
      toolContext(tac, await storedSession(tac)),
    );
    expect(result.ok).toBe(true);
    const output = (result as { output: { status: string; error: string } }).output;
    expect(output.status).toBe('handoff_failed');
    expect(output.error).toContain('Invalid To');
    expect(events.map((e) => e.status)).toEqual(['failed']);
  });

  it('does not report a handoff cancelled with its turn as a failure', async () => {
    const { tac } = await setup({ ...okRoutes, [`POST ${executions}`]: { hang: true } });
    const reported: unknown[] = [];
    tac.onError((e) => {
      reported.push(e);
    });
    const controller = new AbortController();
    const pending = initiateHandoff(tac, await storedSession(tac), {
      reason: 'x',
      signal: controller.signal,
    });
    controller.abort(new Error('turn aborted'));
    expect(await pending).toMatchObject({ status: 'handoff_failed', error: 'The handoff was cancelled' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([]);
  });

  it('keeps the conversation (ACTIVE, callbacks untouched) when Studio fails, so TAC goes on answering', async () => {
    const { tac, requests } = await setup({
      ...okRoutes,
      [`POST ${executions}`]: { status: 500, body: { message: 'Studio down', code: 20500 } },
    });
    const result = await invokeTool(
      createStudioHandoffTool(),
      { reason: 'x' },
      toolContext(tac, await storedSession(tac)),
    );
    expect((result as { output: { status: string } }).output.status).toBe('handoff_failed');
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${executions}`]);
    expect((await tac.sessions.get('conv_conversation_1'))?.metadata.handoffInitiatedAt).toBeUndefined();
  });

  it('is refused at registration when no flow SID is configured, naming the variable', async () => {
    const { tac } = await createTestTAC();
    let error: unknown;
    try {
      createStudioHandoffTool().assertUsable?.(tac);
    } catch (e) {
      error = e;
    }
    expect(TACError.isInstance(error) && error.code).toBe('TAC_ERR_CONFIG');
    expect((error as Error).message).toContain('TWILIO_STUDIO_HANDOFF_FLOW_SID');
    const configured = await setup();
    expect(() => createStudioHandoffTool().assertUsable?.(configured.tac)).not.toThrow();
  });

  it('validates its options at construction', () => {
    expect(() => createStudioHandoffTool({ attributes: 'x' as never })).toThrow(/attributes/);
  });
});
