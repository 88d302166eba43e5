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
import {
  createKnowledgeSearchTool,
  createStudioHandoffTool,
  defineTool,
  SMSChannel,
  TAC,
  TACConfig,
  TACServer,
  type TACTool,
  VoiceChannel,
} from '@tac/core';
import { z } from 'zod';

const EXAMPLE = 'examples/ai-sdk';

/** Everything missing, said once, with how to get it; exits 1. */
function requireSetup(): TACConfig {
  const problems: string[] = [];
  if (!process.env.OPENAI_API_KEY) {
    problems.push('  - OPENAI_API_KEY: your OpenAI API key (https://platform.openai.com/api-keys)');
  }
  let config: TACConfig | undefined;
  try {
    config = TACConfig.fromEnv();
  } catch (error) {
    problems.push(
      ...String((error as Error).message)
        .split('\n')
        .filter((line) => line.trim().startsWith('- ')),
    );
  }
  if (problems.length > 0 || !config) {
    console.error(
      [
        `${EXAMPLE} needs:`,
        ...problems,
        '',
        'Twilio settings come from your account, or from the local emulator (no Twilio account needed):',
        '  npx tac-emulator --app-url http://127.0.0.1:8000   # in another terminal; export the TWILIO_* block it prints',
        `  OPENAI_API_KEY=sk-... node --conditions=@tac/source ${EXAMPLE}/main.ts`,
      ].join('\n'),
    );
    process.exit(1);
  }
  return config;
}

const config = requireSetup();

/** A custom tool: defined once, run with each conversation's session. */
const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Find an order by its number and tell its status',
  parameters: z.object({ orderNumber: z.string().describe('The order number, e.g. A1234') }),
  execute: async ({ orderNumber }) => {
    // Your back end goes here.
    const shipped = orderNumber.toUpperCase().startsWith('A');
    return {
      orderNumber,
      status: shipped ? 'shipped' : 'processing',
      eta: shipped ? 'tomorrow' : 'next week',
    };
  },
});

const tools: TACTool[] = [lookupOrder];
if (config.values.studioHandoffFlowSid) tools.push(createStudioHandoffTool());
if (config.values.knowledgeBaseId) tools.push(createKnowledgeSearchTool());

const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
const tac = await TAC.create({ config });
tac.registerChannel(new VoiceChannel(tac, { memoryMode: 'once' }));
tac.registerChannel(new SMSChannel(tac, { memoryMode: 'always' }));
tac.useAgent(
  createAiSdkAgent({
    model: openai(process.env.OPENAI_MODEL ?? 'gpt-4o-mini'),
    instructions:
      'You are the Owl Shoes support agent. Answer in one or two short sentences: ' +
      'your replies are spoken on calls and sent as text messages.',
    tools,
    temperature: 0.3,
  }),
);

const server = new TACServer(tac, {
  host: process.env.HOST ?? '0.0.0.0',
  port: Number(process.env.PORT ?? 8000),
});
// First Ctrl-C: graceful stop (open calls and turns drain); a second one exits at once.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.stop().finally(() => process.exit(0));
  });
}

const url = await server.start();
console.log(
  `${EXAMPLE} listening on ${url}: voice at POST /twiml, SMS at POST /webhook (tools: ${tools.map((t) => t.name).join(', ')})`,
);
