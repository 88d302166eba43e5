import { Agent, setTracingDisabled } from '@openai/agents';
import { createAiSdkAgent } from '@tac/ai-sdk';
import type { TACAgent, TACTool } from '@tac/core';
import { createRunnableAgent, toLangChainTools } from '@tac/langchain';
import { wrapOpenAIAgent } from '@tac/openai-agents';
import { createAgent } from 'langchain';
import { aiSdkScriptedModel } from './models/ai-sdk-model.ts';
import { ScriptedChatModel } from './models/langchain-model.ts';
import { OpenAIAgentsScriptedModel } from './models/openai-agents-model.ts';
import type { ScriptRecorder } from './models/script.ts';

// Offline: no trace exporter.
setTracingDisabled(true);

/** What every adapter factory gets: the same scripted behaviour, instructions and TAC tools. */
export interface AgentSpec {
  recorder: ScriptRecorder;
  instructions: string;
  tools: TACTool[];
}

/** Builds a TACAgent with one framework (or one way of using it), from its own offline scripted model. */
export interface AdapterFactory {
  name: 'ai-sdk' | 'openai-agents' | 'langchain' | 'langchain-graph';
  build(spec: AgentSpec): TACAgent;
}

/** The table the contract suite runs against, unchanged, for each adapter. */
export const adapters: AdapterFactory[] = [
  {
    name: 'ai-sdk',
    build: ({ recorder, instructions, tools }) =>
      createAiSdkAgent({ model: aiSdkScriptedModel(recorder), instructions, tools }),
  },
  {
    name: 'openai-agents',
    build: ({ recorder, instructions, tools }) =>
      wrapOpenAIAgent(
        new Agent({ name: 'contract', instructions, model: new OpenAIAgentsScriptedModel(recorder) }),
        {
          tools,
        },
      ),
  },
  {
    name: 'langchain',
    build: ({ recorder, instructions, tools }) =>
      createRunnableAgent(new ScriptedChatModel(recorder), { instructions, tools }),
  },
  {
    // The same adapter serving a `createAgent` graph, which runs its own model→tool loop:
    // built with `toLangChainTools(tools)` so the graph's tools run bound to the TAC turn.
    name: 'langchain-graph',
    build: ({ recorder, instructions, tools }) =>
      createRunnableAgent(
        createAgent({ model: new ScriptedChatModel(recorder), tools: toLangChainTools(tools) }),
        {
          instructions,
          tools,
        },
      ),
  },
];
