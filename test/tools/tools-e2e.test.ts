/**
 * Tools end to end over the emulator, run by a scripted agent through core's
 * tool path: knowledge search ranks seeded chunks, handoff reaches Studio on
 * SMS and ends the call with HandoffData on voice, and a tool called with
 * invalid arguments gives the model an error result while the turn completes.
 */
import {
  createKnowledgeSearchTool,
  createStudioHandoffTool,
  defineTool,
  TACError,
  type TACEventMap,
} from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type App, startApp } from './app-harness.ts';
import { scriptedAgent } from './scripted-agent.ts';

const CUSTOMER = '+15557654321';
let app: App | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('knowledge search', () => {
  it('returns the seeded chunks ranked, in the turn', async () => {
    app = await startApp();
    app.emu.knowledge.seed([
      { content: 'Our stores open at 9am on weekdays.' },
      { content: 'Refunds are issued within 5 business days of receiving the return.' },
      { content: 'Returns are accepted within 30 days; refunds go back to the original payment method.' },
    ]);
    const search = createKnowledgeSearchTool({ topK: 2 });
    app.tac.useAgent(
      scriptedAgent(
        [search],
        [
          {
            calls: [{ name: search.name, args: { query: 'how long do refunds take' } }],
            reply: ([result]) => {
              if (!result?.ok) return `error: ${result?.error}`;
              return (result.output as { content: string }[]).map((c) => c.content).join(' | ');
            },
          },
        ],
      ),
    );
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('How long do refunds take?');
    const reply = await alyssa.nextReply();

    const [search1] = app.emu.knowledge.searches;
    expect(search1?.query).toBe('how long do refunds take');
    expect(search1?.top).toBe(2);
    const expected = search1?.results.map((r) => r.content) ?? [];
    expect(expected).toHaveLength(2);
    expect(expected[0]).toContain('Refunds are issued within 5 business days');
    expect(reply.text).toBe(expected.join(' | '));
  });

  it('describes itself from the knowledge base metadata', async () => {
    app = await startApp();
    app.emu.knowledge.setMetadata({
      displayName: 'Acme Help',
      description: 'Acme policies, hours and returns',
    });
    const search = createKnowledgeSearchTool();
    await search.prepare?.(app.tac);
    expect(search.description).toBe('Acme policies, hours and returns');
  });
});

describe('studio handoff', () => {
  it('on SMS starts the Studio execution with HandoffData and releases the conversation', async () => {
    app = await startApp();
    const profileId = app.emu.memory.seedProfile({ phone: CUSTOMER });
    const handoff = createStudioHandoffTool({ attributes: { department: 'billing' } });
    const handoffs: TACEventMap['handoff'][] = [];
    app.tac.events.on('handoff', (e) => handoffs.push(e));
    app.tac.useAgent(
      scriptedAgent(
        [handoff],
        [
          {
            calls: [{ name: 'handoff', args: { reason: 'customer asked for a human' } }],
            reply: ([result]) =>
              result?.ok && (result.output as { status: string }).status === 'handoff_initiated'
                ? 'Connecting you with a colleague now.'
                : `Sorry, I could not connect you: ${JSON.stringify(result)}`,
          },
        ],
      ),
    );
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('I want to talk to a person');
    expect((await alyssa.nextReply()).text).toBe('Connecting you with a colleague now.');

    await app.emu.waitFor(() => app!.emu.studio.executions.length > 0);
    const [execution] = app.emu.studio.executions;
    expect(execution).toMatchObject({
      flowSid: app.emu.env.TWILIO_STUDIO_HANDOFF_FLOW_SID,
      to: CUSTOMER,
      from: app.emu.env.TWILIO_PHONE_NUMBER,
      trigger: 'rest',
    });
    expect(execution?.parameters).toEqual({
      HandoffData: {
        conversationId: alyssa.conversationId,
        storeId: app.tac.memoryStoreId,
        profileId,
        attributes: { department: 'billing', reason: 'customer asked for a human' },
      },
    });
    const conversation = app.emu.orchestrator.conversations().find((c) => c.id === alyssa.conversationId);
    expect(conversation?.status).toBe('INACTIVE');
    expect(handoffs.map((h) => h.status)).toEqual(['initiated']);
    // No webhook (not even CLOSED) comes after a handoff: the session must not be left behind.
    await app.emu.waitFor(async () => (await app!.tac.sessions.size()) === 0);
  });

  it('on voice sends the end frame with HandoffData after the final reply', async () => {
    app = await startApp();
    app.tac.useAgent(
      scriptedAgent(
        [createStudioHandoffTool()],
        [
          {
            calls: [{ name: 'handoff', args: { reason: 'billing dispute' } }],
            reply: () => 'Transferring you now.',
          },
        ],
      ),
    );
    const call = await app.emu.call({ from: CUSTOMER });
    await call.say('Get me a human');
    expect((await call.nextReply()).text).toBe('Transferring you now.');
    const ended = await call.ended;
    const data = (
      typeof ended.handoffData === 'string' ? JSON.parse(ended.handoffData) : ended.handoffData
    ) as {
      attributes: { reason: string };
      conversationId: string;
    };
    expect(data.attributes.reason).toBe('billing dispute');
    const endFrame = call.frames.find((f) => (f as { type?: string }).type === 'end') as {
      handoffData?: unknown;
    };
    expect(typeof endFrame?.handoffData).toBe('string');
    expect(JSON.parse(endFrame.handoffData as string)).toEqual(data);
    // The end frame comes after the reply's last text token.
    const types = call.frames.map((f) => (f as { type?: string }).type);
    expect(types.lastIndexOf('text')).toBeLessThan(types.indexOf('end'));
  });

  it('is refused at registration when no Studio flow is configured', async () => {
    app = await startApp({ env: { TWILIO_STUDIO_HANDOFF_FLOW_SID: undefined } });
    let error: unknown;
    try {
      app.tac.useAgent(scriptedAgent([createStudioHandoffTool()], []));
    } catch (e) {
      error = e;
    }
    expect(TACError.isInstance(error) && error.code).toBe('TAC_ERR_CONFIG');
    expect((error as Error).message).toContain('TWILIO_STUDIO_HANDOFF_FLOW_SID');
  });
});

describe('invalid tool arguments', () => {
  it('give the model an error result and the turn completes', async () => {
    app = await startApp();
    let executed = 0;
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'Find an order by its number',
      parameters: z.object({ orderNumber: z.string() }),
      execute: async () => {
        executed++;
        return { status: 'shipped' };
      },
    });
    const ends: TACEventMap['turn-end'][] = [];
    app.tac.events.on('turn-end', (e) => ends.push(e));
    app.tac.useAgent(
      scriptedAgent(
        [lookupOrder],
        [
          {
            calls: [{ name: 'lookup_order', args: '{"orderNumber": 1234}' }],
            reply: ([result]) => (result?.ok ? 'found it' : `I could not look that up (${result?.error})`),
          },
        ],
      ),
    );
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('Where is order 1234?');
    const reply = await alyssa.nextReply();
    expect(reply.text).toContain(
      'I could not look that up (Invalid arguments for tool "lookup_order": orderNumber:',
    );
    expect(executed).toBe(0);
    expect(ends.map((e) => e.reason)).toEqual(['completed']);
    const history = await app.tac.sessions.getHistory(alyssa.conversationId!);
    expect(history.find((h) => h.role === 'tool')).toMatchObject({
      toolName: 'lookup_order',
      status: 'error',
    });
  });
});
