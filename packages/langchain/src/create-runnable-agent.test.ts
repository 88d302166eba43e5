import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableLambda } from '@langchain/core/runnables';
import {
  type AgentTurnInput,
  type BoundTool,
  createSession,
  createSilentLogger,
  defineTool,
  type HistoryItem,
  invokeTool,
  type TAC,
  TACError,
} from '@tac/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRunnableAgent } from './create-runnable-agent.ts';
import { TAC_TURN_KEY } from './tac-runnable-config.ts';
import { toLangChainMessages } from './to-langchain-messages.ts';
import { toLangChainTools } from './to-langchain-tools.ts';

type Step = {
  text?: string;
  /** `args` as a string is sent as it is (the model's raw, possibly broken, JSON). */
  calls?: { id: string; name: string; args: Record<string, unknown> | string }[];
  throws?: string;
};

/** Plays `script(messages)`: tool-call chunks, then the text word by word; honours the signal. */
class Scripted extends BaseChatModel {
  script: (messages: BaseMessage[]) => Step;
  seen: BaseMessage[][];
  boundToolNames: string[] = [];
  constructor(script: (messages: BaseMessage[]) => Step, seen: BaseMessage[][] = []) {
    super({} as BaseChatModelParams);
    this.script = script;
    this.seen = seen;
  }
  _llmType() {
    return 'scripted';
  }
  override bindTools(tools: { name: string }[]) {
    const next = new Scripted(this.script, this.seen);
    next.boundToolNames = tools.map((t) => t.name);
    return next as never;
  }
  async _generate(): Promise<ChatResult> {
    throw new Error('streaming only');
  }
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ) {
    this.seen.push(messages);
    const step = this.script(messages);
    if (step.throws) throw new Error(step.throws);
    for (const [index, c] of (step.calls ?? []).entries()) {
      yield new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: [
            {
              id: c.id,
              name: c.name,
              args: typeof c.args === 'string' ? c.args : JSON.stringify(c.args),
              index,
              type: 'tool_call_chunk',
            },
          ],
        }),
      });
    }
    for (const word of (step.text ?? '').split(/(?<= )/)) {
      if (!word) continue;
      await new Promise((r) => setImmediate(r));
      options.signal?.throwIfAborted();
      const chunk = new ChatGenerationChunk({ text: word, message: new AIMessageChunk({ content: word }) });
      yield chunk;
      // Real chat models report tokens to callbacks too; streamEvents is built on them.
      await runManager?.handleLLMNewToken(word, undefined, undefined, undefined, undefined, { chunk });
    }
  }
}

const lookupTool = defineTool({
  name: 'lookup',
  description: 'Look up',
  parameters: z.object({ id: z.string() }),
  execute: () => 'unused',
});

function boundLookup(calls: unknown[]): BoundTool {
  return {
    name: 'lookup',
    description: 'Look up',
    parameters: lookupTool.parameters,
    tool: lookupTool,
    execute: async (args, options) => {
      calls.push({ args, ...options });
      return { ok: true, output: { status: 'shipped' } };
    },
  };
}

function input(overrides: Partial<AgentTurnInput> = {}): AgentTurnInput {
  return {
    instructions: 'Be brief.',
    history: [],
    message: 'where is A1?',
    tools: [],
    signal: new AbortController().signal,
    session: createSession({ conversationId: 'C1', channel: 'sms' }),
    channel: 'sms',
    maxToolRounds: 3,
    ...overrides,
  };
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of it) out.push(d);
  return out;
}

const toolThenText = (messages: BaseMessage[]): Step =>
  ToolMessage.isInstance(messages.at(-1))
    ? { text: 'It has shipped.' }
    : { calls: [{ id: 'call-1', name: 'lookup', args: { id: 'A1' } }] };

describe('toLangChainMessages', () => {
  it('maps instructions, history with tool calls, and the new message', () => {
    const history: HistoryItem[] = [
      { role: 'user', content: 'hi' },
      {
        role: 'tool',
        toolCallId: 'c1',
        toolName: 'lookup',
        input: { id: 'A' },
        status: 'error',
        error: 'boom',
      },
      { role: 'assistant', content: 'Sorry' },
    ];
    const messages = toLangChainMessages('Sys', history, 'again');
    expect(messages.map((m) => m.getType())).toEqual(['system', 'human', 'ai', 'tool', 'ai', 'human']);
    expect((messages[2] as AIMessageChunk).tool_calls).toEqual([
      { id: 'c1', name: 'lookup', args: { id: 'A' }, type: 'tool_call' },
    ]);
    expect(messages[3]).toMatchObject({ content: 'Error: boom', status: 'error', tool_call_id: 'c1' });
    expect(toLangChainMessages('', [], 'x').map((m) => m.getType())).toEqual(['human']);
  });
});

describe('createRunnableAgent', () => {
  it('runs the tool loop for a chat model and streams word by word', async () => {
    const calls: unknown[] = [];
    const model = new Scripted(toolThenText);
    const agent = createRunnableAgent(model, { tools: [lookupTool], instructions: 'base' });
    const out = await collect(agent.stream(input({ tools: [boundLookup(calls)] })));
    expect(out).toEqual(['It ', 'has ', 'shipped.']);
    expect(calls).toEqual([{ args: { id: 'A1' }, toolCallId: 'call-1', round: 1 }]);
    expect(model.seen[0]?.[0]?.getType()).toBe('system');
    expect(model.seen[1]?.at(-1)).toMatchObject({ content: '{"status":"shipped"}', tool_call_id: 'call-1' });
    expect(agent.instructions).toBe('base');
  });

  it('runs the tool loop for a chain whose result carries tool calls', async () => {
    const calls: unknown[] = [];
    const model = new Scripted(toolThenText);
    const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder('messages')]);
    const chain = prompt.pipe(model.bindTools(toLangChainTools([lookupTool])));
    const agent = createRunnableAgent(chain, { tools: [lookupTool] });
    const got = await collect(agent.stream(input({ tools: [boundLookup(calls)] })));
    expect(got.join('')).toBe('It has shipped.');
    expect(calls).toHaveLength(1);
  });

  it('rejects truncated or unreadable tool-call arguments through core, as an error result', async () => {
    const runnables = {
      'chat model': (model: Scripted) => model,
      chain: (model: Scripted) =>
        ChatPromptTemplate.fromMessages([new MessagesPlaceholder('messages')]).pipe(
          model.bindTools(toLangChainTools([lookupTool])),
        ),
    };
    for (const [kind, build] of Object.entries(runnables)) {
      let ran = 0;
      const real = defineTool({
        name: 'lookup',
        description: 'Look up',
        parameters: z.object({ id: z.string() }),
        execute: () => {
          ran++;
          return 'found';
        },
      });
      const signal = new AbortController().signal;
      const session = createSession({ conversationId: 'C1', channel: 'sms' });
      const received: unknown[] = [];
      // Core's own execution path: strict JSON parse, then the tool's schema.
      const bound: BoundTool = {
        ...boundLookup([]),
        execute: (args, options) => {
          received.push(args);
          const tac = { logger: createSilentLogger(), reportError() {} } as unknown as TAC;
          return invokeTool(real, args, {
            tac,
            session,
            channel: 'sms',
            signal,
            toolCallId: options?.toolCallId,
          });
        },
      };
      const model = new Scripted((messages) =>
        ToolMessage.isInstance(messages.at(-1))
          ? { text: 'Let me try again.' }
          : {
              calls: [
                // parsePartialJson would read this as { id: 'A1' }.
                { id: 'c1', name: 'lookup', args: '{"id": "A1' },
                // Unreadable even partially: LangChain files it under invalid_tool_calls.
                { id: 'c2', name: 'lookup', args: 'not json at all' },
              ],
            },
      );
      const agent = createRunnableAgent(build(model), { tools: [lookupTool] });
      const out = await collect(agent.stream(input({ tools: [bound], session, signal })));
      expect(out.join(''), kind).toBe('Let me try again.');
      expect(ran, kind).toBe(0);
      expect(received, kind).toEqual(['{"id": "A1', 'not json at all']);
      const next = model.seen[1] ?? [];
      const ai = next.find((m): m is AIMessageChunk => m.getType() === 'ai');
      expect(
        ai?.tool_calls?.map((c) => [c.id, c.args]),
        kind,
      ).toEqual([
        ['c1', { input: '{"id": "A1' }],
        ['c2', { input: 'not json at all' }],
      ]);
      const results = next.filter((m) => ToolMessage.isInstance(m));
      expect(
        results.map((m) => [m.tool_call_id, m.status]),
        kind,
      ).toEqual([
        ['c1', 'error'],
        ['c2', 'error'],
      ]);
      expect(results[0]?.text).toMatch(
        /^Error: Invalid arguments for tool "lookup": arguments are not valid JSON/,
      );
    }
  });

  it('does not call the model again once the turn was aborted while its tools ran', async () => {
    const ac = new AbortController();
    const bound: BoundTool = {
      ...boundLookup([]),
      execute: async () => {
        // A barge-in (or a timeout) while the tool runs.
        ac.abort(new Error('barge-in'));
        return { ok: false, error: 'cancelled' };
      },
    };
    const model = new Scripted(toolThenText);
    const agent = createRunnableAgent(model, { tools: [lookupTool] });
    expect(await collect(agent.stream(input({ tools: [bound], signal: ac.signal })))).toEqual([]);
    expect(model.seen).toHaveLength(1);
  });

  it('streams plain code that yields strings', async () => {
    const lambda = RunnableLambda.from(async function* (state: { messages: BaseMessage[] }) {
      yield 'saw ';
      yield `${state.messages.length} messages`;
    });
    const agent = createRunnableAgent(lambda);
    expect(await collect(agent.stream(input()))).toEqual(['saw ', '2 messages']);
  });

  it('ends quietly on abort (LangChain throws) and throws real failures', async () => {
    const ac = new AbortController();
    const agent = createRunnableAgent(new Scripted(() => ({ text: 'one two three four' })));
    const out: string[] = [];
    for await (const d of agent.stream(input({ signal: ac.signal }))) {
      out.push(d);
      ac.abort(new Error('barge-in'));
    }
    expect(out).toEqual(['one ']);
    const failing = createRunnableAgent(new Scripted(() => ({ throws: 'provider down' })));
    await expect(collect(failing.stream(input()))).rejects.toThrow('provider down');
  });

  it('gives graph tools the turn through config.configurable', async () => {
    const calls: unknown[] = [];
    const [lcTool] = toLangChainTools([lookupTool]);
    const turn = { input: input(), tools: new Map([['lookup', boundLookup(calls)]]) };
    const message = await lcTool?.invoke(
      { type: 'tool_call', id: 'c9', name: 'lookup', args: { id: 'B2' } },
      { configurable: { [TAC_TURN_KEY]: turn } },
    );
    expect(message).toMatchObject({ tool_call_id: 'c9', status: 'success', content: '{"status":"shipped"}' });
    expect(calls).toEqual([{ args: { id: 'B2' }, toolCallId: 'c9' }]);
    const orphan = await lcTool?.invoke({ type: 'tool_call', id: 'c10', name: 'lookup', args: { id: 'B2' } });
    expect(orphan).toMatchObject({ status: 'error' });
  });

  it('checks a createAgent-shaped graph at construction, and only such graphs', () => {
    const graphOf = (tools: unknown[], extra: Record<string, unknown> = {}) => ({
      options: { model: {}, tools, ...extra },
      streamEvents: () => (async function* () {})(),
    });
    const good = graphOf(toLangChainTools([lookupTool]));
    expect(createRunnableAgent(good, { tools: [lookupTool] }).name).toBe('langchain:Object');
    const named = { ...good, options: { ...good.options, name: 'front' } };
    expect(createRunnableAgent(named, { tools: [lookupTool] }).name).toBe('langchain:front');
    expect(() => createRunnableAgent(good)).toThrow(/missing from createRunnableAgent/);
    expect(() => createRunnableAgent(graphOf([{ name: 'lookup' }]), { tools: [lookupTool] })).toThrow(
      /no tool "lookup" made by toLangChainTools/,
    );
    expect(() =>
      createRunnableAgent(graphOf(toLangChainTools([lookupTool]), { checkpointer: {} }), {
        tools: [lookupTool],
      }),
    ).toThrow(/without a checkpointer/);
    // Runnables (here a chain) are not graphs of createAgent: their tools are the adapter's business.
    const chain = ChatPromptTemplate.fromMessages([new MessagesPlaceholder('messages')]).pipe(
      new Scripted(toolThenText),
    );
    expect(() => createRunnableAgent(chain, { tools: [lookupTool] })).not.toThrow();
  });

  it('rejects bad input at construction', () => {
    expect(() => createRunnableAgent({} as never)).toThrow(TACError);
    expect(() => createRunnableAgent(new Scripted(() => ({})), { inputShape: 'x' as never })).toThrow(
      /inputShape/,
    );
  });
});
