/**
 * Twilio Agent Connect + LangChain.js: a chat model (any runnable works: a
 * chain, or a createAgent graph built with toLangChainTools) answering phone
 * calls and SMS, with a custom tool, and human handoff / knowledge search when
 * they are configured.
 *
 *   OPENAI_API_KEY=sk-... node --conditions=@tac/source examples/langchain/main.ts
 *
 * Needs OPENAI_API_KEY and your Twilio account's TWILIO_* variables, or the
 * local emulator's: run `npx tac-emulator --app-url http://127.0.0.1:8000` in
 * another terminal and export the block it prints. See README.md.
 */
import { ChatOpenAI } from '@langchain/openai';
import { createRunnableAgent } from '@tac/langchain';
import { exampleTools, INSTRUCTIONS, requireSetup, serveAgent } from '../shared/example-app.ts';

const EXAMPLE = 'examples/langchain';
const config = requireSetup(EXAMPLE);

const model = new ChatOpenAI({ model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini', temperature: 0.3 });
const agent = createRunnableAgent(model, { instructions: INSTRUCTIONS, tools: exampleTools(config) });

await serveAgent(EXAMPLE, config, agent);
