/**
 * Twilio Agent Connect + Vercel AI SDK: one agent answering phone calls
 * (ConversationRelay, streamed token by token) and SMS, with a custom tool,
 * and human handoff / knowledge search when they are configured.
 *
 *   OPENAI_API_KEY=sk-... node --conditions=@tac/source examples/ai-sdk/main.ts
 *
 * Needs OPENAI_API_KEY and your Twilio account's TWILIO_* variables, or the
 * local emulator's: run `npx tac-emulator --app-url http://127.0.0.1:8000` in
 * another terminal and export the block it prints. See README.md.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { createAiSdkAgent } from '@tac/ai-sdk';
import { exampleTools, INSTRUCTIONS, requireSetup, serveAgent } from '../shared/example-app.ts';

const EXAMPLE = 'examples/ai-sdk';
const config = requireSetup(EXAMPLE);

const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
const agent = createAiSdkAgent({
  model: openai(process.env.OPENAI_MODEL ?? 'gpt-4o-mini'),
  instructions: INSTRUCTIONS,
  tools: exampleTools(config),
  temperature: 0.3,
});

await serveAgent(EXAMPLE, config, agent);
