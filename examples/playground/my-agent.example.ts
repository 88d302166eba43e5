/**
 * An agent of your own, served in the playground:
 *
 *   npm start -- dev examples/playground/my-agent.example.ts
 *
 * Copy this file, change the instructions and tools, and run it the same way.
 * Export the agent as the default export (or as `agent`, or export a function
 * that returns it). With OPENAI_API_KEY set it uses OpenAI; without, the
 * playground's offline demo model, which calls your tools when a message names
 * them ("where is order 1234?" calls lookup_order).
 */
import { createOpenAI } from '@ai-sdk/openai';
import { createAiSdkAgent } from '@tac/ai-sdk';
import { createKnowledgeSearchTool, createStudioHandoffTool, defineTool } from '@tac/core';
import { z } from 'zod';
import { createOfflineDemoModel } from './demo/demo-model.ts';

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Find an order by its number and return its status and delivery estimate.',
  parameters: z.object({ orderNumber: z.string().describe('The order number, e.g. 1234') }),
  // Tools get the conversation's context per call: session, channel, abort signal.
  execute: async ({ orderNumber }, { channel }) => ({
    orderNumber,
    status: 'shipped',
    deliveryEstimate: 'Friday',
    notifiedBy: channel === 'voice' ? 'phone' : 'text message',
  }),
});

const apiKey = process.env.OPENAI_API_KEY;

export default createAiSdkAgent({
  name: 'my-agent',
  model: apiKey
    ? createOpenAI({ apiKey })(process.env.OPENAI_MODEL ?? 'gpt-4o-mini')
    : createOfflineDemoModel(),
  instructions:
    'You help customers of an online shop with their orders. Be brief: replies may be spoken on a call. ' +
    'Use lookup_order for order questions, search_knowledge for policies, and handoff when asked for a person.',
  tools: [lookupOrder, createKnowledgeSearchTool(), createStudioHandoffTool()],
});
