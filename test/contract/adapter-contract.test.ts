import { createStudioHandoffTool, defineTool, type ToolHistoryItem } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { adapters } from './adapters.ts';
import { type ContractApp, startContractApp } from './contract-app.ts';
import {
  aborted,
  lastMessage,
  lastUserText,
  recordScript,
  type Script,
  type ScriptView,
  type ViewMessage,
} from './models/script.ts';

const INSTRUCTIONS = 'You are the Owl Shoes assistant. Be brief.';

/** The model's reply once a tool result is the last thing it saw. */
const afterTool = (view: ScriptView) => lastMessage(view)?.role === 'tool';

const toolMessages = (view: ScriptView | undefined) =>
  (view?.messages ?? []).filter((m): m is Extract<ViewMessage, { role: 'tool' }> => m.role === 'tool');

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each(adapters)('adapter contract: $name', (adapter) => {
  let app: ContractApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (
    script: Script,
    tools = [] as Parameters<typeof adapter.build>[0]['tools'],
    options = {},
  ) => {
    const recorder = recordScript(script);
    app = await startContractApp(adapter.build({ recorder, instructions: INSTRUCTIONS, tools }), options);
    return { app, views: recorder.views, recorder };
  };

  it('streams a voice reply token by token, then closes the talk cycle', async () => {
    const { app, views } = await start(() => ({ text: ['Our ', 'hours ', 'are ', 'nine ', 'to ', 'five.'] }));
    const call = await app.call();
    await call.say('What are your hours?');
    const reply = await call.nextReply();
    expect(reply.text).toBe('Our hours are nine to five.');
    expect(reply.tokens.length).toBeGreaterThan(1);
    const textFrames = call.frames.filter((f) => f['type'] === 'text') as Record<string, unknown>[];
    expect(textFrames.length).toBeGreaterThan(2);
    expect(textFrames.at(-1)).toMatchObject({ last: true });
    expect(textFrames.slice(0, -1).every((f) => f['last'] === false)).toBe(true);
    expect(views[0]?.system).toContain(INSTRUCTIONS);
    expect(lastUserText(views[0] as ScriptView)).toBe('What are your hours?');
  });

  it('answers an SMS with the full text', async () => {
    const { app } = await start(() => ({ text: ['We are open ', '9 to 5, ', 'Monday to Friday.'] }));
    const alice = app.sms();
    expect(await alice.send('hours?')).toBe('We are open 9 to 5, Monday to Friday.');
  });

  it.each(['sms', 'voice'] as const)(
    'runs a custom tool with the session, round trip (%s)',
    async (channel) => {
      const seen: { conversationId: string; signal: boolean }[] = [];
      const lookupOrder = defineTool({
        name: 'lookup_order',
        description: 'Find an order by its number',
        parameters: z.object({ orderNumber: z.string() }),
        execute: async ({ orderNumber }, ctx) => {
          seen.push({
            conversationId: ctx.session.conversationId,
            signal: ctx.signal instanceof AbortSignal,
          });
          return { orderNumber, status: 'shipped' };
        },
      });
      const { app, views } = await start(
        (view) =>
          afterTool(view)
            ? { text: ['Your order ', `is ${JSON.parse(toolMessages(view).at(-1)?.text ?? '{}').status}.`] }
            : { toolCalls: [{ id: 'call_lookup_1', name: 'lookup_order', args: { orderNumber: 'A1' } }] },
        [lookupOrder],
      );
      const conversation = await app.open(channel);
      expect(await conversation.send('Where is order A1?')).toBe('Your order is shipped.');
      expect(seen).toEqual([{ conversationId: conversation.id, signal: true }]);
      expect(views[0]?.tools).toContain('lookup_order');
      expect(toolMessages(views[1])).toEqual([
        { role: 'tool', toolCallId: 'call_lookup_1', text: '{"orderNumber":"A1","status":"shipped"}' },
      ]);
    },
  );

  it('a failing tool is a result for the model, not a crash', async () => {
    const broken = defineTool({
      name: 'check_stock',
      description: 'Check stock',
      parameters: z.object({ sku: z.string() }),
      execute: async () => {
        throw new Error('inventory backend down');
      },
    });
    const { app, views } = await start(
      (view) =>
        afterTool(view)
          ? { text: ['Sorry, ', 'I could not check that.'] }
          : { toolCalls: [{ id: 'call_stock', name: 'check_stock', args: { sku: 'OWL-1' } }] },
      [broken],
    );
    expect(await app.sms().send('Is OWL-1 in stock?')).toBe('Sorry, I could not check that.');
    const [result] = toolMessages(views[1]);
    expect(result?.text).toMatch(/^Error: .*inventory backend down/);
  });

  it('a call to a tool that does not exist gets an error result, and its sibling call still runs', async () => {
    let lookups = 0;
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'Find an order by its number',
      parameters: z.object({ orderNumber: z.string() }),
      execute: async ({ orderNumber }) => {
        lookups++;
        return { orderNumber, status: 'shipped' };
      },
    });
    const { app, views } = await start(
      (view) =>
        afterTool(view)
          ? { text: ['Your order ', 'has shipped.'] }
          : {
              toolCalls: [
                { id: 'call_nope', name: 'nope_tool', args: {} },
                { id: 'call_lookup', name: 'lookup_order', args: { orderNumber: 'A1' } },
              ],
            },
      [lookupOrder],
    );
    const errors: Error[] = [];
    app.tac.onError((e) => {
      errors.push(e);
    });
    expect(await app.sms().send('Where is order A1?')).toBe('Your order has shipped.');
    expect(lookups).toBe(1);
    const results = new Map(toolMessages(views[1]).map((m) => [m.toolCallId, m.text]));
    expect(results.get('call_nope')).toMatch(/nope_tool/);
    expect(results.get('call_lookup')).toContain('shipped');
    expect(errors).toEqual([]);
  });

  it('hands off to a human: a Studio execution on SMS', async () => {
    const { app } = await start(
      (view) =>
        afterTool(view)
          ? { text: ['Connecting you ', 'to a person.'] }
          : {
              toolCalls: [
                { id: 'call_handoff', name: 'handoff', args: { reason: 'customer asked for a human' } },
              ],
            },
      [createStudioHandoffTool()],
    );
    const alice = app.sms();
    expect(await alice.send('I want a human')).toBe('Connecting you to a person.');
    const execution = await app.emu.waitFor(() => app.emu.studio.executions[0]);
    const handoffData = execution.parameters['HandoffData'] as { conversationId: string; attributes: object };
    expect(handoffData.conversationId).toBe(alice.id);
    expect(handoffData.attributes).toMatchObject({ reason: 'customer asked for a human' });
  });

  it('hands off to a human: an end frame with handoffData on voice, after the reply', async () => {
    const { app } = await start(
      (view) =>
        afterTool(view)
          ? { text: ['Connecting you ', 'to a person.'] }
          : {
              toolCalls: [
                { id: 'call_handoff', name: 'handoff', args: { reason: 'caller asked for a human' } },
              ],
            },
      [createStudioHandoffTool()],
    );
    const call = await app.call();
    await call.say('Get me a person');
    expect((await call.nextReply()).text).toBe('Connecting you to a person.');
    const end = await call.ended;
    expect(end.sessionStatus).toBe('ended');
    const handoffData = JSON.parse(end.handoffData ?? '{}');
    expect(handoffData.attributes).toMatchObject({ reason: 'caller asked for a human' });
    expect(handoffData.conversationId).toBe(call.conversationId ?? call.callSid);
  });

  it('after a barge-in, the model is aborted and the next turn sees what the caller heard, not the unspoken rest', async () => {
    const { app, views, recorder } = await start((view, n) =>
      n === 1
        ? { text: ['Our hours are ', 'nine to five ', 'and we are closed on Sundays.'], holdAfter: 2 }
        : { text: [`Noted: ${lastUserText(view)}`] },
    );
    const call = await app.call();
    await call.say('What are your hours?');
    await call.waitForFrame((f) => f.type === 'text' && f.token === 'nine to five ');
    await call.interrupt({ utteranceUntilInterrupt: 'Our hours are nine' });
    // TAC closes the interrupted talk cycle; speak again once it did.
    await call.waitForFrame((f) => f.type === 'text' && f.token === '' && f.last === true);
    await call.say('And on Sunday?');
    expect((await call.nextReply()).text).toBe('Noted: And on Sunday?');
    expect(recorder.aborts).toBe(1);
    const next = views[1] as ScriptView;
    const assistant = next.messages.filter((m) => m.role === 'assistant');
    expect(assistant.map((m) => m.text)).toEqual(['Our hours are nine']);
    expect(JSON.stringify(next.messages)).not.toContain('closed on Sundays');
    const history = await app.tac.sessions.getHistory(call.conversationId ?? call.callSid);
    expect(history).toContainEqual({ role: 'assistant', content: 'Our hours are nine', interrupted: true });
  });

  it('a tool running at barge-in sees its signal fire and is recorded as cancelled, never orphaned', async () => {
    const started = deferred();
    let toolSawAbort = false;
    const slowLookup = defineTool({
      name: 'slow_lookup',
      description: 'A slow back-end lookup',
      parameters: z.object({ orderNumber: z.string() }),
      execute: async (_args, ctx) => {
        started.resolve();
        await aborted(ctx.signal);
        toolSawAbort = true;
        throw ctx.signal.reason;
      },
    });
    const { app, views } = await start(
      (view) =>
        lastUserText(view) === 'Never mind'
          ? { text: ['No problem.'] }
          : { toolCalls: [{ id: 'call_slow', name: 'slow_lookup', args: { orderNumber: 'A1' } }] },
      [slowLookup],
    );
    const call = await app.call();
    await call.say('Where is order A1?');
    await started.promise;
    await call.interrupt({ utteranceUntilInterrupt: '' });
    await call.say('Never mind');
    expect((await call.nextReply()).text).toBe('No problem.');
    expect(toolSawAbort).toBe(true);
    const next = views.at(-1) as ScriptView;
    const calls = next.messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls : []));
    expect(calls.map((c) => c.id)).toEqual(['call_slow']);
    const [result] = toolMessages(next);
    expect(result).toMatchObject({ toolCallId: 'call_slow' });
    expect(result?.text).toMatch(/^Cancelled: .*caller interrupted/);
    const history = await app.tac.sessions.getHistory(call.conversationId ?? call.callSid);
    const tool = history.find((h): h is ToolHistoryItem => h.role === 'tool');
    expect(tool).toMatchObject({ toolCallId: 'call_slow', status: 'cancelled' });
  });

  it('a model failure before the first token is retried once, then the customer gets the apology', async () => {
    const flaky = await start((view, n) =>
      n === 1 ? { error: 'rate limited' } : { text: [`Hi! ${lastUserText(view)}`] },
    );
    expect(await flaky.app.sms().send('hello')).toBe('Hi! hello');
    await flaky.app.close();

    const { app, views } = await start(() => ({ error: 'model is down' }));
    const errors: Error[] = [];
    app.tac.onError((e) => {
      errors.push(e);
    });
    expect(await app.sms().send('hello')).toBe(app.tac.apologyMessage);
    expect(views).toHaveLength(2);
    expect(errors.some((e) => e.message.includes('model is down'))).toBe(true);
  });

  it('bounds a runaway tool loop by maxToolRounds and still answers', async () => {
    let executions = 0;
    const echo = defineTool({
      name: 'echo',
      description: 'Echo',
      parameters: z.object({}),
      execute: async () => {
        executions++;
        return 'again';
      },
    });
    const { app } = await start(
      (_view, n) => ({ toolCalls: [{ id: `call_${n}`, name: 'echo', args: {} }] }),
      [echo],
      {
        maxToolRounds: 2,
        emptyReplyMessage: 'Let me get back to you on that.',
      },
    );
    expect(await app.sms().send('loop forever')).toBe('Let me get back to you on that.');
    expect(executions).toBe(2);
  });

  it.each(['sms', 'voice'] as const)('remembers earlier turns of the conversation (%s)', async (channel) => {
    const { app, views } = await start((view, n) => ({ text: [`Reply ${n}: `, lastUserText(view)] }));
    const conversation = await app.open(channel);
    expect(await conversation.send('My name is Ada')).toBe('Reply 1: My name is Ada');
    expect(await conversation.send('I like green')).toBe('Reply 2: I like green');
    expect(await conversation.send('What do you know?')).toBe('Reply 3: What do you know?');
    expect(views[2]?.messages.map((m) => `${m.role}:${m.role === 'tool' ? m.toolCallId : m.text}`)).toEqual([
      'user:My name is Ada',
      'assistant:Reply 1: My name is Ada',
      'user:I like green',
      'assistant:Reply 2: I like green',
      'user:What do you know?',
    ]);
  });
});
