/**
 * Twilio Agent Connect + OpenAI Agents SDK: an existing multi-agent setup
 * (support, with a handoff to billing) answering phone calls and SMS. TAC adds
 * its tools to every agent and keeps the conversation with whichever agent
 * answered last.
 *
 *   OPENAI_API_KEY=sk-... node --conditions=@tac/source examples/openai-agents/main.ts
 *
 * Needs OPENAI_API_KEY and your Twilio account's TWILIO_* variables, or the
 * local emulator's: run `npx tac-emulator --app-url http://127.0.0.1:8000` in
 * another terminal and export the block it prints. See README.md.
 */
import { Agent } from '@openai/agents';
import { wrapOpenAIAgent } from '@tac/openai-agents';
import { exampleTools, INSTRUCTIONS, requireSetup, serveAgent } from '../shared/example-app.ts';

const EXAMPLE = 'examples/openai-agents';
const config = requireSetup(EXAMPLE);

// Your agents, as you would write them for the Agents SDK anyway (the model comes from OPENAI_MODEL or the SDK default).
const model = process.env.OPENAI_MODEL;
const billing = new Agent({
  name: 'billing',
  handoffDescription: 'Questions about invoices, refunds and payments',
  instructions: 'You handle Owl Shoes billing questions. Answer in one or two short sentences.',
  ...(model ? { model } : {}),
});
const support = new Agent({
  name: 'support',
  instructions: `${INSTRUCTIONS} Hand billing questions to billing.`,
  handoffs: [billing],
  ...(model ? { model } : {}),
});

// Your agent is cloned with the TAC tools added; it is never mutated, and its handoffs keep working.
await serveAgent(EXAMPLE, config, wrapOpenAIAgent(support, { tools: exampleTools(config) }));
