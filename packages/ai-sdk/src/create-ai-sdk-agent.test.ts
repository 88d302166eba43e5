import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import {
  type AgentTurnInput,
  type BoundTool,
  createSession,
  type HistoryItem,
  TACError,
  toolOutputText,
} from '@tac/core';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { createAiSdkAgent } from './create-ai-sdk-agent.ts';
import { toModelMessages } from './to-model-messages.ts';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};
const finish = (unified: 'stop' | 'tool-calls'): LanguageModelV4StreamPart => ({
  type: 'finish',
  finishReason: { unified, raw: undefined },
  usage,
});
const text = (...deltas: string[]): LanguageModelV4StreamPart[] => [
  { type: 'text-start', id: 't' },
  ...deltas.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
  { type: 'text-end', id: 't' },
  finish('stop'),
];

function input(overrides: Partial<AgentTurnInput> = {}): AgentTurnInput {
  return {
    instructions: 'Be brief.',
    history: [],
    message: 'hi',
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

describe('toModelMessages', () => {
  it('maps history with tool calls (including cancelled ones) to ModelMessages', () => {
    const history: HistoryItem[] = [
      { role: 'user', content: 'order A1?' },
      {
        role: 'tool',
        toolCallId: 'c1',
        toolName: 'lookup',
        input: { id: 'A1' },
        status: 'completed',
        output: { s: 1 },
      },
      {
        role: 'tool',
        toolCallId: 'c2',
        toolName: 'lookup',
        input: '{"id":"B2"}',
        status: 'cancelled',
        error: 'x',
      },
      { role: 'assistant', content: 'It shipped', interrupted: true },
      { role: 'assistant', content: '' },
    ];
    expect(toModelMessages(history, 'thanks')).toEqual([
      { role: 'user', content: 'order A1?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { id: 'A1' } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'lookup', input: { id: 'B2' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'lookup',
            output: { type: 'text', value: '{"s":1}' },
          },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'lookup',
            output: { type: 'error-text', value: 'Cancelled: x' },
          },
        ],
      },
      { role: 'assistant', content: 'It shipped' },
      { role: 'user', content: 'thanks' },
    ]);
  });
});

describe('createAiSdkAgent', () => {
  it('streams deltas, runs bound tools with round numbers, and sends instructions and history', async () => {
    const calls: unknown[] = [];
    const lookup: BoundTool = {
      name: 'lookup',
      description: 'Look up',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      tool: {} as BoundTool['tool'],
      execute: async (args, options) => {
        calls.push({ args, ...options });
        return { ok: true, output: { status: 'shipped' } };
      },
    };
    const model = new MockLanguageModelV4({
      doStream: async (opts: LanguageModelV4CallOptions) => {
        const hasResult = opts.prompt.some((m) => m.role === 'tool');
        const chunks: LanguageModelV4StreamPart[] = hasResult
          ? text('It ', 'shipped.')
          : [
              { type: 'tool-call', toolCallId: 'call-1', toolName: 'lookup', input: '{"id":"A1"}' },
              finish('tool-calls'),
            ];
        return { stream: simulateReadableStream({ chunks }) };
      },
    });
    const agent = createAiSdkAgent({ model, instructions: 'base', temperature: 0 });
    const out = await collect(
      agent.stream(input({ tools: [lookup], history: [{ role: 'user', content: 'earlier' }] })),
    );
    expect(out).toEqual(['It ', 'shipped.']);
    expect(calls).toEqual([{ args: { id: 'A1' }, toolCallId: 'call-1', round: 1 }]);
    const first = model.doStreamCalls[0];
    expect(first?.prompt.map((m) => m.role)).toEqual(['system', 'user', 'user']);
    expect(first?.temperature).toBe(0);
    expect(model.doStreamCalls[1]?.prompt.at(-1)).toMatchObject({ role: 'tool' });
    expect(agent.name).toBe('ai-sdk:mock-provider/mock-model-id');
  });

  it('gives the model a tool output JSON cannot encode (BigInt, a cycle) instead of failing the turn', async () => {
    const circular: Record<string, unknown> = { id: 'A1' };
    circular['self'] = circular;
    const outputs: Record<string, unknown> = { big: { total: 10n }, loop: circular, plain: { ok: 1 } };
    const tools = Object.entries(outputs).map(
      ([name, output]): BoundTool => ({
        name,
        description: name,
        parameters: { type: 'object', properties: {} },
        tool: {} as BoundTool['tool'],
        execute: async () => ({ ok: true, output }),
      }),
    );
    const model = new MockLanguageModelV4({
      doStream: async (opts: LanguageModelV4CallOptions) => {
        const hasResult = opts.prompt.some((m) => m.role === 'tool');
        const chunks: LanguageModelV4StreamPart[] = hasResult
          ? text('Done.')
          : [
              ...Object.keys(outputs).map(
                (name): LanguageModelV4StreamPart => ({
                  type: 'tool-call',
                  toolCallId: `call-${name}`,
                  toolName: name,
                  input: '{}',
                }),
              ),
              finish('tool-calls'),
            ];
        return { stream: simulateReadableStream({ chunks }) };
      },
    });
    const agent = createAiSdkAgent({ model, maxRetries: 0 });
    expect(await collect(agent.stream(input({ tools })))).toEqual(['Done.']);
    const results = model.doStreamCalls[1]?.prompt.flatMap((m) =>
      m.role === 'tool'
        ? m.content.map((p) => (p.type === 'tool-result' ? [p.toolCallId, p.output] : []))
        : [],
    );
    expect(new Map(results as [string, unknown][])).toEqual(
      new Map([
        ['call-big', { type: 'text', value: toolOutputText({ total: 10n }) }],
        ['call-loop', { type: 'text', value: toolOutputText(circular) }],
        ['call-plain', { type: 'json', value: { ok: 1 } }],
      ]),
    );
  });

  it('passes the abort signal to the provider and ends quietly on abort', async () => {
    const ac = new AbortController();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: simulateReadableStream({ chunks: text('one ', 'two ', 'three'), chunkDelayInMs: 5 }),
      }),
    });
    const agent = createAiSdkAgent({ model });
    const out: string[] = [];
    for await (const d of agent.stream(input({ signal: ac.signal }))) {
      out.push(d);
      ac.abort();
    }
    expect(out).toEqual(['one ']);
    expect(model.doStreamCalls[0]?.abortSignal?.aborted).toBe(true);
  });

  it('throws provider errors so core can retry or apologize', async () => {
    const model = new MockLanguageModelV4({
      doStream: async () => {
        throw new Error('provider down');
      },
    });
    const agent = createAiSdkAgent({ model, maxRetries: 0 });
    await expect(collect(agent.stream(input()))).rejects.toThrow('provider down');
  });

  it('rejects bad options at construction', () => {
    expect(() => createAiSdkAgent({ model: undefined as never })).toThrow(TACError);
    expect(() => createAiSdkAgent({ model: 'x', tools: [{} as never] })).toThrow(/tools\.0/);
  });
});
