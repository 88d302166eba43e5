import { Agent, type Model, type ModelRequest, Runner, setTracingDisabled } from '@openai/agents';
import {
  type AgentTurnInput,
  type BoundTool,
  createSession,
  defineTool,
  type HistoryItem,
  TACError,
} from '@tac/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toAgentInputItems } from './to-agent-input-items.ts';
import { ACTIVE_AGENT_METADATA_KEY, wrapOpenAIAgent } from './wrap-openai-agent.ts';

beforeAll(() => setTracingDisabled(true));

const usage = { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 };
type Step = { text?: string[]; calls?: { id: string; name: string; args: unknown }[]; throws?: string };

/** A Model that plays `script(request)` as a streamed response and records requests. */
function scriptedModel(script: (req: ModelRequest, n: number) => Step): Model & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    requests,
    async getResponse() {
      throw new Error('streaming only');
    },
    async *getStreamedResponse(req) {
      requests.push(req);
      const step = script(req, requests.length);
      if (step.throws) throw new Error(step.throws);
      yield { type: 'response_started' };
      for (const delta of step.text ?? []) yield { type: 'output_text_delta', delta };
      const output = step.calls?.length
        ? step.calls.map((c) => ({
            type: 'function_call' as const,
            callId: c.id,
            name: c.name,
            status: 'completed' as const,
            arguments: JSON.stringify(c.args),
          }))
        : [
            {
              type: 'message' as const,
              role: 'assistant' as const,
              status: 'completed' as const,
              content: [{ type: 'output_text' as const, text: (step.text ?? []).join('') }],
            },
          ];
      yield { type: 'response_done', response: { id: `r${requests.length}`, usage, output } };
    },
  } as Model & { requests: ModelRequest[] };
}

const lastType = (req: ModelRequest) => {
  const items = Array.isArray(req.input) ? req.input : [];
  const last = items.at(-1) as { type?: string } | undefined;
  return last?.type;
};

function input(overrides: Partial<AgentTurnInput> = {}): AgentTurnInput {
  return {
    instructions: 'composed',
    composeInstructions: (base) => `${base} + memory`,
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

async function collect(it: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const d of it) out += d;
  return out;
}

const lookupTool = defineTool({
  name: 'lookup',
  description: 'Look up',
  parameters: z.object({ id: z.string() }),
  execute: () => 'unused: the bound tool runs',
});

describe('toAgentInputItems', () => {
  it('pairs every recorded tool call with a result', () => {
    const history: HistoryItem[] = [
      { role: 'user', content: 'hi' },
      {
        role: 'tool',
        toolCallId: 'c1',
        toolName: 'lookup',
        input: { id: 'A' },
        status: 'cancelled',
        error: 'x',
      },
      { role: 'assistant', content: 'Hel', interrupted: true },
    ];
    expect(toAgentInputItems(history, 'next')).toEqual([
      { role: 'user', content: 'hi' },
      { type: 'function_call', callId: 'c1', name: 'lookup', arguments: '{"id":"A"}', status: 'completed' },
      {
        type: 'function_call_result',
        callId: 'c1',
        name: 'lookup',
        status: 'incomplete',
        output: { type: 'text', text: 'Cancelled: x' },
      },
      { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hel' }] },
      { role: 'user', content: 'next' },
    ]);
  });
});

/** The `lookup` tool bound to a turn: reports each call to `record` and answers `output`. */
function recordingLookup(
  record: (args: unknown, options: Parameters<BoundTool['execute']>[1]) => void,
  output: unknown,
): BoundTool {
  return {
    name: 'lookup',
    description: 'Look up',
    parameters: lookupTool.parameters,
    tool: lookupTool,
    execute: async (args, options) => {
      record(args, options);
      return { ok: true, output };
    },
  };
}

describe('wrapOpenAIAgent', () => {
  it('streams text, runs TAC tools bound to the turn, and leaves the user agent untouched', async () => {
    const calls: unknown[] = [];
    const bound = recordingLookup((args, options) => calls.push({ args, ...options }), { status: 'shipped' });
    const model = scriptedModel((req) =>
      lastType(req) === 'function_call_result'
        ? { text: ['It ', 'shipped.'] }
        : { calls: [{ id: 'call-1', name: 'lookup', args: { id: 'A1' } }] },
    );
    const original = new Agent({ name: 'support', instructions: 'Be brief.', model });
    const agent = wrapOpenAIAgent(original, { tools: [lookupTool] });
    expect(await collect(agent.stream(input({ tools: [bound] })))).toBe('It shipped.');
    expect(calls).toEqual([{ args: { id: 'A1' }, toolCallId: 'call-1', round: 1 }]);
    expect(model.requests[0]?.systemInstructions).toBe('Be brief. + memory');
    expect(model.requests[0]?.tools.map((t) => t.name)).toEqual(['lookup']);
    expect(original.tools).toEqual([]);
    expect(agent.instructions).toBe('Be brief.');
  });

  it('keeps handoffs between the user agents working, and resumes with the last agent', async () => {
    const model = scriptedModel((req, n) => {
      if (n === 1) return { calls: [{ id: 'h1', name: 'transfer_to_billing', args: {} }] };
      return { text: [`billing says ${req.systemInstructions}`] };
    });
    const billing = new Agent({ name: 'billing', instructions: 'Billing.', model });
    const front = new Agent({ name: 'front', instructions: 'Front.', model, handoffs: [billing] });
    const agent = wrapOpenAIAgent(front, { tools: [lookupTool] });
    const turn = input();
    expect(await collect(agent.stream(turn))).toBe('billing says Billing. + memory');
    expect(model.requests[1]?.tools.map((t) => t.name)).toEqual(['lookup']);
    expect(turn.session.metadata[ACTIVE_AGENT_METADATA_KEY]).toBe('billing');
    expect(await collect(agent.stream(input({ session: turn.session })))).toBe(
      'billing says Billing. + memory',
    );
    expect(model.requests[2]?.systemInstructions).toBe('Billing. + memory');
    expect(front.handoffs).toEqual([billing]);
  });

  it('ends a runaway tool loop at maxTurns without throwing', async () => {
    const model = scriptedModel(() => ({ calls: [{ id: 'c', name: 'lookup', args: { id: 'x' } }] }));
    const bound: BoundTool = {
      name: 'lookup',
      description: 'Look up',
      parameters: lookupTool.parameters,
      tool: lookupTool,
      execute: async () => ({ ok: true, output: 'again' }),
    };
    const agent = wrapOpenAIAgent(new Agent({ name: 'a', model }), { tools: [lookupTool] });
    expect(await collect(agent.stream(input({ tools: [bound], maxToolRounds: 2 })))).toBe('');
    expect(model.requests).toHaveLength(3);
  });

  it('answers a call to a tool the agent lacks with an error result, and still runs its sibling', async () => {
    const calls: unknown[] = [];
    const bound = recordingLookup((args) => calls.push(args), 'found');
    const script = (req: ModelRequest): Step =>
      lastType(req) === 'function_call_result'
        ? { text: ['ok'] }
        : {
            calls: [
              { id: 'c1', name: 'nope_tool', args: {} },
              { id: 'c2', name: 'lookup', args: { id: 'A1' } },
            ],
          };
    const model = scriptedModel(script);
    const agent = wrapOpenAIAgent(new Agent({ name: 'a', model }), { tools: [lookupTool] });
    expect(await collect(agent.stream(input({ tools: [bound] })))).toBe('ok');
    expect(calls).toEqual([{ id: 'A1' }]);
    const items = (model.requests[1]?.input ?? []) as { type?: string; callId?: string; output?: unknown }[];
    const results = Object.fromEntries(
      items.filter((i) => i.type === 'function_call_result').map((i) => [i.callId, JSON.stringify(i.output)]),
    );
    expect(results).toEqual({
      c1: expect.stringContaining("'nope_tool' not found"),
      c2: expect.stringContaining('found'),
    });

    // An explicit choice of the SDK's own behaviour is kept, even with a Runner that says otherwise.
    const strict = wrapOpenAIAgent(new Agent({ name: 'a', model: scriptedModel(script) }), {
      tools: [lookupTool],
      toolNotFoundBehavior: 'raise_error',
      runner: new Runner({ toolNotFoundBehavior: 'return_error_to_model' }),
    });
    await expect(collect(strict.stream(input({ tools: [bound] })))).rejects.toThrow(/nope_tool not found/);
  });

  it('throws a model failure before the first token, and stops on abort', async () => {
    const failing = wrapOpenAIAgent(
      new Agent({ name: 'a', model: scriptedModel(() => ({ throws: 'down' })) }),
    );
    await expect(collect(failing.stream(input()))).rejects.toThrow('down');

    const ac = new AbortController();
    const model = scriptedModel(() => ({ text: ['one ', 'two ', 'three'] }));
    const agent = wrapOpenAIAgent(new Agent({ name: 'a', model }));
    const out: string[] = [];
    for await (const d of agent.stream(input({ signal: ac.signal }))) {
      out.push(d);
      ac.abort();
    }
    expect(out).toEqual(['one ']);
    expect(model.requests[0]?.signal?.aborted).toBe(true);
  });

  it('rejects bad input at construction', () => {
    expect(() => wrapOpenAIAgent({} as Agent)).toThrow(TACError);
    expect(() => wrapOpenAIAgent(new Agent({ name: 'a' }), { tools: [{} as never] })).toThrow(/tools\.0/);
    const clash = new Agent({ name: 'a', tools: [] });
    clash.tools.push({ type: 'function', name: 'lookup' } as never);
    expect(() => wrapOpenAIAgent(clash, { tools: [lookupTool] })).toThrow(
      /already has a tool named "lookup"/,
    );
  });
});
