/**
 * What the three adapter examples share: the settings check, a custom tool, the
 * optional built-ins, and serving one agent on voice and SMS. Each example only
 * builds its agent with its framework.
 */
import {
  createKnowledgeSearchTool,
  createStudioHandoffTool,
  defineTool,
  SMSChannel,
  TAC,
  type TACAgent,
  TACConfig,
  TACServer,
  type TACTool,
  VoiceChannel,
} from '@tac/core';
import { z } from 'zod';

/** Instructions every example gives its agent. */
export const INSTRUCTIONS =
  'You are the Owl Shoes support agent. Answer in one or two short sentences: ' +
  'your replies are spoken on calls and sent as text messages.';

/**
 * The Twilio configuration, or, when anything is missing (OPENAI_API_KEY or a
 * TWILIO_* variable), everything missing said once with how to get it; exits 1.
 */
export function requireSetup(example: string): TACConfig {
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
        `${example} needs:`,
        ...problems,
        '',
        'Twilio settings come from your account, or from the local emulator (no Twilio account needed):',
        '  npx tac-emulator --app-url http://127.0.0.1:8000   # in another terminal; export the TWILIO_* block it prints',
        `  OPENAI_API_KEY=sk-... node --conditions=@tac/source ${example}/main.ts`,
      ].join('\n'),
    );
    process.exit(1);
  }
  return config;
}

/** A custom tool: defined once, run with each conversation's session. */
export const lookupOrder = defineTool({
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

/** The custom tool, plus human handoff and knowledge search when the account has them configured. */
export function exampleTools(config: TACConfig): TACTool[] {
  const tools: TACTool[] = [lookupOrder];
  if (config.values.studioHandoffFlowSid) tools.push(createStudioHandoffTool());
  if (config.values.knowledgeBaseId) tools.push(createKnowledgeSearchTool());
  return tools;
}

/**
 * Serve `agent` on voice (memory once per call) and SMS (memory every turn)
 * until Ctrl-C: the first one stops gracefully (open calls and turns drain), a
 * second one exits at once.
 */
export async function serveAgent(example: string, config: TACConfig, agent: TACAgent): Promise<void> {
  const tac = await TAC.create({ config });
  tac.registerChannel(new VoiceChannel(tac, { memoryMode: 'once' }));
  tac.registerChannel(new SMSChannel(tac, { memoryMode: 'always' }));
  tac.useAgent(agent);

  const server = new TACServer(tac, {
    host: process.env.HOST ?? '0.0.0.0',
    port: Number(process.env.PORT ?? 8000),
  });
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
    `${example} listening on ${url}: voice at POST /twiml, SMS at POST /webhook (tools: ${agent.tools.map((t) => t.name).join(', ')})`,
  );
}
