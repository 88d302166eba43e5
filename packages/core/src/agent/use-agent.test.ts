import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Channel } from '../channels/channel.ts';
import { TACConfig } from '../config/index.ts';
import { TACError } from '../errors/index.ts';
import { createSilentLogger } from '../logging/index.ts';
import { type ConversationSession, createSession } from '../session/index.ts';
import { TAC } from '../tac.ts';
import { defineTool } from '../tools/define-tool.ts';
import type { TACTool } from '../tools/types.ts';
import type { TACEventMap } from '../turn/events.ts';
import type { HistoryItem, ToolHistoryItem } from '../turn/history.ts';
import { runTurn } from '../turn/run-turn.ts';
import { TurnAbortReason } from '../turn/turn-abort.ts';
import { segmentHistory } from './history-segments.ts';
import { toolOutputText } from './tool-text.ts';
import type { AgentTurnInput, TACAgent } from './types.ts';

const env = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_API_KEY: `SK${'b'.repeat(32)}`,
  TWILIO_API_SECRET: 'secret',
  TWILIO_PHONE_NUMBER: '+15550001111',
};

const channel: Channel = {
  type: 'voice',
  memoryMode: 'never',
  sendResponse: async () => '',
};

/** A TACAgent whose turns are scripted generators; records every input. */
function scriptedAgent(
  script: (input: AgentTurnInput, call: number) => AsyncIterable<string>,
  tools: TACTool[] = [],
): TACAgent & { inputs: AgentTurnInput[] } {
  const inputs: AgentTurnInput[] = [];
  return {
    name: 'scripted',
    tools,
    instructions: 'Be brief.',
    inputs,
    stream(input) {
      inputs.push(input);
      return script(input, inputs.length);
    },
  };
}

async function* words(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}

/** A stream that fails before its first delta. */
function failing(message: string): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error(message)) }),
  };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

let tac: TAC;
let session: ConversationSession;

beforeEach(async () => {
  tac = await TAC.create({ config: TACConfig.fromEnv(env), logger: createSilentLogger() });
  session = createSession({ conversationId: 'CA1', channel: 'voice' });
  await tac.sessions.set(session);
});

afterEach(async () => {
  await tac.shutdown(100);
});

const smsChannel: Channel = { ...channel, type: 'sms' };

/** Run one turn through the core turn runner and read the whole reply. */
async function turn(
  message: string,
  signal: AbortSignal = new AbortController().signal,
  via: Channel = channel,
): Promise<string> {
  const out = await runTurn(tac, { channel: via, session, messages: [message], author: 'user', signal });
  if (out.kind === 'none') return '';
  if (out.kind === 'text') return out.text;
  let text = '';
  for await (const d of out.stream) text += d;
  return text;
}

/** History is written when the agent's task ends, just after the stream closes. */
async function historyAfterTurn() {
  for (let i = 0; i < 50; i++) {
    const h = await tac.sessions.getHistory(session.conversationId);
    if (h.length > 0) return h;
    await new Promise((r) => setTimeout(r, 5));
  }
  return tac.sessions.getHistory(session.conversationId);
}

describe('tac.useAgent', () => {
  it('streams deltas, composes instructions, and keeps multi-turn history', async () => {
    const agent = scriptedAgent((input, call) => words(`reply ${call} `, `to ${input.message}`));
    tac.useAgent(agent);
    expect(await turn('one')).toBe('reply 1 to one');
    expect(await turn('two')).toBe('reply 2 to two');
    expect(await turn('three')).toBe('reply 3 to three');
    expect(agent.inputs[0]?.instructions).toBe('Be brief.');
    expect(agent.inputs[2]?.history).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'reply 1 to one' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'reply 2 to two' },
    ]);
    expect(agent.inputs[2]?.composeInstructions?.('Other.')).toBe('Other.');
  });

  it('runs tools with the session and records calls and results', async () => {
    const seen: string[] = [];
    const lookup = defineTool({
      name: 'lookup_order',
      description: 'Find an order',
      parameters: z.object({ orderNumber: z.string() }),
      execute: async ({ orderNumber }, ctx) => {
        seen.push(`${orderNumber}@${ctx.session.conversationId}:${ctx.signal instanceof AbortSignal}`);
        return { status: 'shipped' };
      },
    });
    const failing = defineTool({
      name: 'broken',
      description: 'Always fails',
      parameters: z.object({}),
      execute: async () => {
        throw new Error('backend down');
      },
    });
    const events: TACEventMap['tool-call-end'][] = [];
    tac.events.on('tool-call-end', (e) => events.push(e));
    const agent = scriptedAgent(
      async function* (input) {
        const [lookupTool, brokenTool] = input.tools;
        const ok = await lookupTool?.execute({ orderNumber: 'A1' }, { toolCallId: 'c1', round: 1 });
        const bad = await brokenTool?.execute({}, { toolCallId: 'c2', round: 1 });
        const invalid = await lookupTool?.execute({ orderNumber: 7 }, { toolCallId: 'c3', round: 1 });
        yield `ok=${ok?.ok} bad=${bad?.ok} invalid=${invalid?.ok}`;
      },
      [lookup, failing],
    );
    tac.useAgent(agent);
    expect(await turn('where is my order')).toBe('ok=true bad=false invalid=false');
    expect(seen).toEqual(['A1@CA1:true']);
    const history = await historyAfterTurn();
    expect(history.map((h) => (h.role === 'tool' ? `${h.toolCallId}:${h.status}` : h.role))).toEqual([
      'user',
      'c1:completed',
      'c2:error',
      'c3:error',
      'assistant',
    ]);
    expect(history[1]).toMatchObject({ output: { status: 'shipped' } });
    expect(events.map((e) => e.status)).toEqual(['completed', 'error', 'error']);
  });

  it('refuses tool calls beyond maxToolRounds', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'Echo',
      parameters: z.object({}),
      execute: async () => 'echo',
    });
    const agent = scriptedAgent(
      async function* (input) {
        const results = [];
        for (let round = 1; round <= 3; round++) results.push(await input.tools[0]?.execute({}, { round }));
        // Without a round, core counts one round per call that starts while none runs.
        results.push(await input.tools[0]?.execute({}));
        yield results.map((r) => (r?.ok ? 'ok' : 'refused')).join(',');
      },
      [echo],
    );
    tac.useAgent(agent, { maxToolRounds: 2 });
    expect(await turn('loop')).toBe('ok,ok,refused,ok');
  });

  it('after a barge-in, history keeps what the caller heard, not the unspoken rest', async () => {
    const ac = new AbortController();
    const agent = scriptedAgent(async function* (input, call) {
      if (call === 1) {
        yield 'Our hours are nine ';
        yield 'to five on weekdays ';
        await waitForAbort(input.signal);
        yield 'and never heard.';
        return;
      }
      yield 'ok';
    });
    tac.useAgent(agent);
    const out = await runTurn(tac, {
      channel,
      session,
      messages: ['hours?'],
      author: 'user',
      signal: ac.signal,
    });
    if (out.kind !== 'stream') throw new Error('expected a stream');
    let got = '';
    for await (const d of out.stream) {
      got += d;
      if (got.includes('weekdays')) ac.abort(new TurnAbortReason('interrupted', 'Our hours are nine'));
    }
    expect(got).toBe('Our hours are nine to five on weekdays ');
    // The next turn starts only after the interrupted one wrote its history.
    expect(await turn('and Sunday?')).toBe('ok');
    expect(agent.inputs[1]?.history).toEqual([
      { role: 'user', content: 'hours?' },
      { role: 'assistant', content: 'Our hours are nine', interrupted: true },
    ]);
  });

  it('a tool running at barge-in sees its signal and is recorded as cancelled', async () => {
    const ac = new AbortController();
    let toolSawAbort = false;
    let started!: () => void;
    const toolStarted = new Promise<void>((r) => {
      started = r;
    });
    const slow = defineTool({
      name: 'slow_lookup',
      description: 'Slow',
      parameters: z.object({}),
      execute: async (_input, ctx) => {
        started();
        await waitForAbort(ctx.signal);
        toolSawAbort = true;
        throw ctx.signal.reason;
      },
    });
    const agent = scriptedAgent(
      async function* (input, call) {
        if (call === 1) {
          const r = await input.tools[0]?.execute({}, { toolCallId: 'slow-1' });
          yield `never: ${r?.ok}`;
          return;
        }
        yield 'next';
      },
      [slow],
    );
    tac.useAgent(agent);
    const pending = turn('check', ac.signal);
    await toolStarted;
    ac.abort(new TurnAbortReason('interrupted', ''));
    expect(await pending).toBe('');
    expect(toolSawAbort).toBe(true);
    expect(await turn('still there?')).toBe('next');
    const [user, tool, ...rest] = agent.inputs[1]?.history ?? [];
    expect(user).toEqual({ role: 'user', content: 'check' });
    expect(tool).toMatchObject({ role: 'tool', toolCallId: 'slow-1', status: 'cancelled' });
    expect((tool as { error: string }).error).toContain('caller interrupted');
    expect(rest).toEqual([]);
  });

  it('retries a failure before the first token, then falls back; never after the first token', async () => {
    const flaky = scriptedAgent(async function* (_input, call) {
      if (call === 1) throw new Error('rate limited');
      yield 'second try';
    });
    tac.useAgent(flaky);
    expect(await turn('hi')).toBe('second try');
    expect(flaky.inputs).toHaveLength(2);

    const broken = scriptedAgent(() => failing('down'));
    const backup = scriptedAgent(async function* () {
      yield 'from backup';
    });
    tac.useAgent(broken, { retries: 0, fallback: backup });
    expect(await turn('hi')).toBe('from backup');
    expect(broken.inputs).toHaveLength(1);

    const midway = scriptedAgent(async function* () {
      yield 'Let me ';
      throw new Error('stream broke');
    });
    const errors: Error[] = [];
    tac.onError((e) => {
      errors.push(e);
    });
    tac.useAgent(midway, { fallback: backup });
    expect(await turn('hi')).toBe(`Let me ${tac.apologyMessage}`);
    expect(midway.inputs).toHaveLength(1);
    expect(errors.some((e) => e.message.includes('stream broke'))).toBe(true);
    const history = await tac.sessions.getHistory(session.conversationId);
    expect(history.at(-1)).toEqual({ role: 'assistant', content: `Let me ${tac.apologyMessage}` });
  });

  it('says something when the agent produces no text', async () => {
    tac.useAgent(
      scriptedAgent(async function* () {}),
      { emptyReplyMessage: 'Could you repeat that?' },
    );
    expect(await turn('hmm')).toBe('Could you repeat that?');
  });

  it('says the handoff line when the agent handed off without a word (voice and messaging)', async () => {
    const options = { emptyReplyMessage: 'Could you repeat that?', handoffReplyMessage: 'Connecting you.' };
    // What the handoff tool leaves: voice keeps the payload for the end frame, messaging a marker.
    tac.useAgent(
      scriptedAgent(async function* (input) {
        input.session.pendingHandoffData = {
          conversationId: 'CA1',
          storeId: '',
          profileId: '',
          attributes: {},
        };
        yield ''; // no text
      }),
      options,
    );
    expect(await turn('a human please')).toBe('Connecting you.');
    session.pendingHandoffData = undefined;
    tac.useAgent(
      scriptedAgent(async function* (input) {
        input.session.metadata['handoffInitiatedAt'] = '2025-01-01T00:00:00Z';
        yield ''; // no text
      }),
      options,
    );
    expect(await turn('a human please', undefined, smsChannel)).toBe('Connecting you.');
  });

  it('a superseded messaging turn leaves only its tool records (its messages are answered again)', async () => {
    const ac = new AbortController();
    const agent = scriptedAgent(async function* (input) {
      yield 'partial';
      ac.abort(new TurnAbortReason('superseded'));
      await waitForAbort(input.signal);
    });
    tac.useAgent(agent);
    await turn('first', ac.signal, smsChannel);
    tac.useAgent(
      scriptedAgent(async function* () {
        yield 'answer';
      }),
    );
    await turn('first\nsecond', undefined, smsChannel);
    const history = await tac.sessions.getHistory(session.conversationId);
    expect(history).toEqual([
      { role: 'user', content: 'first\nsecond' },
      { role: 'assistant', content: 'answer' },
    ]);
  });

  it('a barge-in after the reply was fully sent trims the recorded reply to what was heard', async () => {
    const agent = scriptedAgent(async function* (_input, call) {
      yield call === 1 ? 'We open at nine and close at five on weekdays.' : 'ok';
    });
    tac.useAgent(agent);
    expect(await turn('hours?')).toBe('We open at nine and close at five on weekdays.');
    await tac.emitInterrupt({
      conversationId: session.conversationId,
      session,
      channel: 'voice',
      utteranceUntilInterrupt: 'We open at nine',
      durationUntilInterruptMs: 900,
    });
    await turn('and Sunday?');
    expect(agent.inputs[1]?.history.at(-1)).toEqual({
      role: 'assistant',
      content: 'We open at nine',
      interrupted: true,
    });
  });

  it('a superseded voice turn keeps the caller words (the new utterance does not repeat them)', async () => {
    const ac = new AbortController();
    const agent = scriptedAgent(async function* (input, call) {
      if (call === 1) {
        ac.abort(new TurnAbortReason('superseded'));
        await waitForAbort(input.signal);
        return;
      }
      yield 'ok';
    });
    tac.useAgent(agent);
    await turn('I want to check my order', ac.signal);
    await turn('number A1');
    expect(agent.inputs[1]?.history).toEqual([{ role: 'user', content: 'I want to check my order' }]);
  });

  it('fails fast on bad options, duplicate tool names and unusable tools', () => {
    const t = defineTool({ name: 'a', description: 'a', parameters: z.object({}), execute: () => 1 });
    expect(() =>
      tac.useAgent(
        scriptedAgent(async function* () {}),
        { maxToolRounds: -1 },
      ),
    ).toThrow(/maxToolRounds/);
    expect(() => tac.useAgent(scriptedAgent(async function* () {}, [t, t]))).toThrow(/two tools named "a"/);
    const unusable: TACTool = {
      ...t,
      name: 'needs_config',
      assertUsable: () => {
        throw new TACError('TAC_ERR_NOT_CONFIGURED', 'set TWILIO_STUDIO_HANDOFF_FLOW_SID');
      },
    };
    expect(() => tac.useAgent(scriptedAgent(async function* () {}, [unusable]))).toThrow(/STUDIO/);
    expect(() => tac.useAgent({} as TACAgent)).toThrow(/not an agent/);
  });
});

describe('tool outputs', () => {
  it('the model and history get at most maxToolOutputChars of a tool output, marked as cut', async () => {
    const dump = defineTool({
      name: 'dump',
      description: 'Everything',
      parameters: z.object({}),
      execute: async () => 'y'.repeat(1_000_000),
    });
    const seen: string[] = [];
    const agent = scriptedAgent(
      async function* (input) {
        const result = await input.tools[0]?.execute({}, { toolCallId: 'd1' });
        seen.push(result?.ok ? String(result.output) : 'failed');
        yield 'done';
      },
      [dump],
    );
    tac.useAgent(agent, { maxToolOutputChars: 1_000 });
    expect(await turn('show me everything')).toBe('done');
    const expected = `${'y'.repeat(1_000)}…[truncated 999000 characters]`;
    expect(seen).toEqual([expected]);
    const history = await historyAfterTurn();
    expect(history[1]).toMatchObject({ role: 'tool', toolCallId: 'd1', output: expected });
    expect(() => tac.useAgent(agent, { maxToolOutputChars: 0 })).toThrow(/maxToolOutputChars/);
  });

  it('a non-JSON output (bigint, cycle) reaches the model as JSON, not "[object Object]"', () => {
    const output: Record<string, unknown> = { cents: 1234n };
    output['self'] = output;
    expect(toolOutputText(output)).toBe('{"cents":"1234","self":"[Circular]"}');
  });
});

describe('segmentHistory (what adapters turn into model messages)', () => {
  const user = (content: string): HistoryItem => ({ role: 'user', content });
  const reply = (content: string): HistoryItem => ({ role: 'assistant', content });
  const tool = (toolCallId: string, status: ToolHistoryItem['status'] = 'completed'): ToolHistoryItem => ({
    role: 'tool',
    toolCallId,
    toolName: 'lookup',
    input: {},
    status,
    ...(status === 'completed' ? { output: 'found' } : { error: 'did not finish' }),
  });
  const shape = (history: HistoryItem[]) =>
    segmentHistory(history).map((s) =>
      s.kind === 'tools' ? `tools(${s.items.map((i) => i.toolCallId).join(',')})` : `${s.kind}:${s.content}`,
    );

  it('keeps whole turns as they are', () => {
    expect(shape([user('m1'), tool('a1'), tool('b1'), reply('A1'), user('m2'), reply('A2')])).toEqual([
      'user:m1',
      'tools(a1,b1)',
      'assistant:A1',
      'user:m2',
      'assistant:A2',
    ]);
  });

  it('a window cut by maxHistoryItems starts at its first user message, never mid-turn', () => {
    // The cut fell between two parallel calls of turn 1.
    expect(shape([tool('b1'), reply('A1'), user('m2'), tool('a2'), reply('A2')])).toEqual([
      'user:m2',
      'tools(a2)',
      'assistant:A2',
    ]);
    expect(shape([reply('A1'), user('m2')])).toEqual(['user:m2']);
  });

  it("a superseded turn's tool records follow the message they answered, or are dropped with nothing before them", () => {
    // Messaging: the superseded turn left only its tools; the next turn answered "first\nsecond".
    expect(shape([tool('s1', 'cancelled'), user('first\nsecond'), tool('t1'), reply('answer')])).toEqual([
      'user:first\nsecond',
      'tools(s1)',
      'tools(t1)',
      'assistant:answer',
    ]);
    expect(shape([user('m1'), reply('A1'), tool('s2'), user('m2\nm3'), reply('A2')])).toEqual([
      'user:m1',
      'assistant:A1',
      'user:m2\nm3',
      'tools(s2)',
      'assistant:A2',
    ]);
    // Their message is the current one, which the adapter adds after the history.
    expect(shape([user('m1'), reply('A1'), tool('s2', 'cancelled')])).toEqual([
      'user:m1',
      'assistant:A1',
      'tools(s2)',
    ]);
    expect(shape([tool('s1', 'cancelled')])).toEqual([]);
  });

  it('a turn that ended after its tools (no reply) keeps them after its own message', () => {
    expect(shape([user('m1'), tool('a1', 'cancelled'), user('m2')])).toEqual([
      'user:m1',
      'tools(a1)',
      'user:m2',
    ]);
  });
});
