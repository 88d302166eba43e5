import type { LanguageModelV4 } from '@ai-sdk/provider';
import { createAiSdkAgent } from '@tac/ai-sdk';
import {
  createKnowledgeSearchTool,
  createMemoryRetrievalTool,
  createStudioHandoffTool,
  type TACAgent,
} from '@tac/core';

/** The demo agent's system prompt (core adds the customer's memory after it). */
export const DEMO_INSTRUCTIONS = `You are the customer care assistant of Cedar & Co., an outdoor gear shop.
Keep answers short and friendly: two sentences at most, because they may be spoken on a phone call.
Greet returning customers by their first name.
For questions about stores, hours, returns, shipping, orders, warranty, loyalty or rentals, call search_knowledge and answer from what it finds; never invent policies.
When the customer asks what you know about them, call retrieve_profile_memory.
When the customer asks for a human, a person or an agent, or is upset, call handoff with a short reason, then tell them you are connecting them.`;

/**
 * The playground's example agent: the AI SDK adapter with the built-in
 * knowledge search, memory retrieval and Studio handoff tools, on any AI SDK
 * model (the offline demo model or OpenAI).
 *
 * @example
 * ```ts
 * tac.useAgent(createDemoAgent(createOfflineDemoModel()));
 * ```
 */
export function createDemoAgent(model: LanguageModelV4, options: { name?: string } = {}): TACAgent {
  return createAiSdkAgent({
    name: options.name ?? `cedar-care (${model.provider}/${model.modelId})`,
    model,
    instructions: DEMO_INSTRUCTIONS,
    tools: [
      createKnowledgeSearchTool({
        description:
          'Search the Cedar & Co. help center: stores, hours, returns, shipping, orders, warranty, loyalty and rentals. The input must be a question.',
      }),
      createMemoryRetrievalTool(),
      createStudioHandoffTool({ attributes: { department: 'customer-care', source: 'tac-playground' } }),
    ],
    temperature: 0.3,
  });
}
