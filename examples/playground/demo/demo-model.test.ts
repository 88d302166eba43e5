import { generateText, isStepCount, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOfflineDemoModel } from './demo-model.ts';

const MEMORY_PROMPT = [
  'You are a helpful assistant.',
  '',
  '# Customer Context',
  'You have access to the following information about this customer from previous interactions:',
  '## Customer Profile',
  'Information about this customer:',
  '- Contact: {"firstName":"Maya","lastName":"Patel"}',
  '',
  '## Key Observations',
  'Important notes about the customer from previous interactions:',
  '- Prefers text messages over calls',
  '- Has a dog named Biscuit',
].join('\n');

function demoTools(calls: { name: string; input: unknown }[]) {
  return {
    search_knowledge: tool({
      description: 'Search the knowledge base',
      inputSchema: z.object({ query: z.string() }),
      execute: async (input) => {
        calls.push({ name: 'search_knowledge', input });
        return {
          chunks: [{ content: 'Our stores are open 9am to 6pm, Monday to Saturday. Closed Sundays.' }],
        };
      },
    }),
    handoff: tool({
      description: 'Hand off to a human',
      inputSchema: z.object({ reason: z.string() }),
      execute: async (input) => {
        calls.push({ name: 'handoff', input });
        return { status: 'handoff_initiated' };
      },
    }),
  };
}

async function run(prompt: string, options: { instructions?: string; tools?: boolean } = {}) {
  const calls: { name: string; input: unknown }[] = [];
  const result = streamText({
    model: createOfflineDemoModel({ tokenDelayMs: 0 }),
    instructions: options.instructions ?? 'Be brief.',
    prompt,
    ...(options.tools === false ? {} : { tools: demoTools(calls) }),
    stopWhen: isStepCount(4),
  });
  const deltas: string[] = [];
  for await (const delta of result.textStream) deltas.push(delta);
  return { deltas, text: deltas.join(''), calls };
}

describe('offline demo model', () => {
  it('streams its reply as several deltas', async () => {
    const { deltas, text } = await run('Tell me a story', { tools: false });
    expect(deltas.length).toBeGreaterThan(3);
    expect(text).toContain('offline demo model');
  });

  it('searches the knowledge base for questions and answers with the hit', async () => {
    const { calls, text } = await run('What are your store hours?');
    expect(calls).toEqual([{ name: 'search_knowledge', input: { query: 'What are your store hours?' } }]);
    expect(text).toContain('open 9am to 6pm');
  });

  it('greets the customer by the name in the memory prompt', async () => {
    const { text } = await run('Hello', { instructions: MEMORY_PROMPT, tools: false });
    expect(text).toMatch(/^Hi Maya/);
  });

  it('hands off when asked for a human', async () => {
    const { calls, text } = await run('Can I talk to a real person please', { instructions: MEMORY_PROMPT });
    expect(calls.map((c) => c.name)).toEqual(['handoff']);
    expect(calls[0]!.input).toMatchObject({ reason: expect.stringContaining('real person') });
    expect(text).toContain('connecting you');
  });

  it('answers from memory when asked what it remembers and no memory tool exists', async () => {
    const { text } = await run('What do you remember about me?', { instructions: MEMORY_PROMPT });
    expect(text).toContain('Biscuit');
  });

  it("calls the developer's own tool when the message names it, with only the fields it can fill", async () => {
    const calls: unknown[] = [];
    const result = streamText({
      model: createOfflineDemoModel({ tokenDelayMs: 0 }),
      prompt: 'Where is my order A-1234?',
      tools: {
        lookup_order: tool({
          description: 'Find an order',
          inputSchema: z.object({
            orderNumber: z.string(),
            limit: z.number().optional(),
            note: z.string().optional(),
          }),
          execute: async (input) => {
            calls.push(input);
            return { status: 'shipped', deliveryEstimate: 'Friday' };
          },
        }),
      },
      stopWhen: isStepCount(3),
    });
    const text = await result.text;
    expect(calls).toEqual([{ orderNumber: 'A-1234' }]);
    expect(text).toContain('status shipped, delivery estimate Friday');
  });

  it('works with generateText too', async () => {
    const result = await generateText({ model: createOfflineDemoModel(), prompt: 'thanks!' });
    expect(result.text).toContain("You're welcome");
  });

  it('stops streaming when aborted', async () => {
    const controller = new AbortController();
    const result = streamText({
      model: createOfflineDemoModel({ tokenDelayMs: 5 }),
      prompt: 'Tell me everything',
      abortSignal: controller.signal,
    });
    Promise.resolve(result.text).catch(() => {});
    const deltas: string[] = [];
    for await (const delta of result.textStream) {
      deltas.push(delta);
      if (deltas.length === 2) controller.abort(new Error('barge-in'));
    }
    expect(deltas).toHaveLength(2);
  });

  it('rejects bad options with an actionable message', () => {
    expect(() => createOfflineDemoModel({ tokenDelayMs: -1 })).toThrow(/tokenDelayMs must be 0 or more/);
  });
});
