import { Agent, setTracingDisabled } from '@openai/agents';
import { createAiSdkAgent } from '@tac/ai-sdk';
import type { TACAgent, TACTool } from '@tac/core';
import { createRunnableAgent } from '@tac/langchain';
import { wrapOpenAIAgent } from '@tac/openai-agents';
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

/** Builds a TACAgent with one framework, from its own offline scripted model. */
export interface AdapterFactory {
  name: 'ai-sdk' | 'openai-agents' | 'langchain';
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
];
