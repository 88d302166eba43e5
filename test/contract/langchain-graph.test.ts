/**
 * What is particular to serving a `createAgent` graph with `createRunnableAgent`
 * (the shared cases run in adapter-contract.test.ts): start-up checks, the
 * graph's own loop bounded by `maxToolRounds`, its recursion limit, and the
 * user's own LangChain tools next to TAC tools.
 */
import { tool } from '@langchain/core/tools';
import { defineTool, type ToolHistoryItem } from '@tac/core';
import { createRunnableAgent, toLangChainTools } from '@tac/langchain';
import { createAgent } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ContractApp, startContractApp } from './contract-app.ts';
import { ScriptedChatModel } from './models/langchain-model.ts';
import { lastMessage, recordScript, type Script } from './models/script.ts';

const echo = defineTool({
  name: 'echo',
  description: 'Echo',
  parameters: z.object({}),
  execute: async () => 'again',
});

const loop: Script = (_view, n) => ({ toolCalls: [{ id: `call_${n}`, name: 'echo', args: {} }] });

function graph(script: Script, tools: Parameters<typeof createAgent>[0]['tools'] = []) {
  const recorder = recordScript(script);
  return { recorder, graph: createAgent({ model: new ScriptedChatModel(recorder), tools }) };
}

describe('@tac/langchain: createAgent graphs', () => {
  let app: ContractApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('refuses at start-up a graph that would not run TAC tools with the turn', () => {
    const raw = tool(async () => 'x', { name: 'echo', description: 'Echo', schema: z.object({}) });
    expect(() => createRunnableAgent(graph(loop, [raw]).graph, { tools: [echo] })).toThrow(
      /no tool "echo" made by toLangChainTools/,
    );
    expect(() => createRunnableAgent(graph(loop).graph, { tools: [echo] })).toThrow(/no tool "echo"/);
    expect(() => createRunnableAgent(graph(loop, toLangChainTools([echo])).graph)).toThrow(
      /"echo" comes from toLangChainTools but is missing/,
    );
    const withCheckpointer = createAgent({
      model: new ScriptedChatModel(recordScript(loop)),
      tools: toLangChainTools([echo]),
      checkpointer: true,
    });
    expect(() => createRunnableAgent(withCheckpointer, { tools: [echo] })).toThrow(/without a checkpointer/);
  });

  it('stops its own tool loop at maxToolRounds, before the graph runs the next calls', async () => {
    let executions = 0;
    const counted = defineTool({ ...echo, execute: async () => `run ${++executions}` });
    const { recorder, graph: g } = graph(loop, toLangChainTools([counted]));
    app = await startContractApp(createRunnableAgent(g, { tools: [counted] }), {
      maxToolRounds: 2,
      emptyReplyMessage: 'Let me get back to you on that.',
    });
    const alice = app.sms();
    expect(await alice.send('loop forever')).toBe('Let me get back to you on that.');
    expect(executions).toBe(2);
    expect(recorder.views).toHaveLength(3);
    const history = await app.tac.sessions.getHistory(alice.id ?? '');
    const tools = history.filter((h): h is ToolHistoryItem => h.role === 'tool');
    expect(tools.map((t) => `${t.toolCallId}:${t.status}`)).toEqual(['call_1:completed', 'call_2:completed']);
  });

  it('ends the turn quietly at the graph recursion limit (like the round limit), not with the apology', async () => {
    const { graph: g } = graph(loop, toLangChainTools([echo]));
    app = await startContractApp(createRunnableAgent(g, { tools: [echo], config: { recursionLimit: 3 } }), {
      emptyReplyMessage: 'Let me get back to you on that.',
    });
    expect(await app.sms().send('loop forever')).toBe('Let me get back to you on that.');
  });

  it("runs the user's own LangChain tools next to TAC tools (only TAC tools are recorded)", async () => {
    let ownRuns = 0;
    const own = tool(
      async () => {
        ownRuns++;
        return 'sunny';
      },
      { name: 'weather', description: 'Weather', schema: z.object({}) },
    );
    const { graph: g } = graph(
      (view) =>
        lastMessage(view)?.role === 'tool'
          ? { text: ['Sunny, ', 'and echoed.'] }
          : {
              toolCalls: [
                { id: 'call_weather', name: 'weather', args: {} },
                { id: 'call_echo', name: 'echo', args: {} },
              ],
            },
      [own, ...toLangChainTools([echo])],
    );
    const agent = createRunnableAgent(g, { tools: [echo] });
    expect(agent.name).toBe('langchain:ReactAgent');
    app = await startContractApp(agent);
    const alice = app.sms();
    expect(await alice.send('weather?')).toBe('Sunny, and echoed.');
    expect(ownRuns).toBe(1);
    const history = await app.tac.sessions.getHistory(alice.id ?? '');
    expect(history.filter((h) => h.role === 'tool').map((h) => (h as ToolHistoryItem).toolName)).toEqual([
      'echo',
    ]);
  });
});
