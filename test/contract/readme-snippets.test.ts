/**
 * The README's adapter snippets, as written there, with only the model
 * swapped for an offline scripted one: each must type-check (tsc covers
 * test/) and answer a customer over the emulator.
 */
import { Agent } from '@openai/agents';
import { createAiSdkAgent } from '@tac/ai-sdk';
import {
  createSilentLogger,
  defineTool,
  SMSChannel,
  TAC,
  type TACAgent,
  TACConfig,
  TACServer,
  VoiceChannel,
} from '@tac/core';
import { createRunnableAgent, toLangChainTools } from '@tac/langchain';
import { wrapOpenAIAgent } from '@tac/openai-agents';
import { TwilioEmulator } from '@tac/testing';
import { createAgent } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import './adapters.ts'; // disables OpenAI Agents tracing (offline)
import { aiSdkScriptedModel } from './models/ai-sdk-model.ts';
import { ScriptedChatModel } from './models/langchain-model.ts';
import { OpenAIAgentsScriptedModel } from './models/openai-agents-model.ts';
import { lastMessage, recordScript, type ScriptView } from './models/script.ts';

// Stand-ins for `openai('gpt-4o-mini')`, the Agents SDK default model and `new ChatOpenAI(...)`:
// call lookup_order, then answer with its result.
const script = (view: ScriptView) =>
  lastMessage(view)?.role === 'tool'
    ? { text: ['Order A1 ', 'has shipped.'] }
    : { toolCalls: [{ id: 'call_1', name: 'lookup_order', args: { orderNumber: 'A1' } }] };

// --- shared by the three snippets -------------------------------------------------------------
const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Find an order by its number',
  parameters: z.object({ orderNumber: z.string() }),
  execute: async ({ orderNumber }, { session }) => ({
    orderNumber,
    status: 'shipped',
    for: session.conversationId,
  }),
});
const instructions = 'You are the Owl Shoes support agent. Be brief.';

// --- README: Vercel AI SDK --------------------------------------------------------------------
function aiSdkSnippet(): TACAgent {
  const model = aiSdkScriptedModel(recordScript(script)); // README: openai('gpt-4o-mini')
  return createAiSdkAgent({ model, instructions, tools: [lookupOrder] });
}

// --- README: OpenAI Agents SDK ----------------------------------------------------------------
function openAIAgentsSnippet(): TACAgent {
  const model = new OpenAIAgentsScriptedModel(recordScript(script)); // README: omitted (SDK default)
  const billing = new Agent({ name: 'billing', instructions: 'You answer billing questions.', model });
  const support = new Agent({ name: 'support', instructions, handoffs: [billing], model });
  return wrapOpenAIAgent(support, { tools: [lookupOrder] });
}

// --- README: LangChain.js ---------------------------------------------------------------------
function langChainSnippet(): TACAgent {
  const model = new ScriptedChatModel(recordScript(script)); // README: new ChatOpenAI({ model: 'gpt-4o-mini' })
  return createRunnableAgent(model, { instructions, tools: [lookupOrder] });
}

// --- docs/adapters.md: LangChain.js createAgent graph -----------------------------------------
function langChainGraphSnippet(): TACAgent {
  const model = new ScriptedChatModel(recordScript(script)); // docs: new ChatOpenAI({ model: 'gpt-4o-mini' })
  const graph = createAgent({ model, tools: toLangChainTools([lookupOrder]) });
  return createRunnableAgent(graph, { instructions, tools: [lookupOrder] });
}

describe.each([
  ['@tac/ai-sdk', aiSdkSnippet],
  ['@tac/openai-agents', openAIAgentsSnippet],
  ['@tac/langchain', langChainSnippet],
  ['@tac/langchain (createAgent graph)', langChainGraphSnippet],
])('README snippet: %s', (_name, snippet) => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
  });

  it('serves voice and SMS with one agent', async () => {
    const emu = await TwilioEmulator.start({ logger: false });
    // --- README: the app, identical for every adapter -------------------------------------------
    const tac = await TAC.create({ config: TACConfig.fromEnv(emu.env), logger: createSilentLogger() });
    tac.registerChannel(new VoiceChannel(tac));
    tac.registerChannel(new SMSChannel(tac));
    tac.useAgent(snippet());
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    // ------------------------------------------------------------------------------------------
    emu.setApp({ url: await server.start() });
    stop = async () => {
      await server.stop();
      await emu.stop();
    };

    const alice = emu.customer({ channel: 'sms' });
    await alice.send('Where is order A1?');
    expect((await alice.nextReply()).text).toBe('Order A1 has shipped.');

    const call = await emu.call();
    await call.say('Where is order A1?');
    expect((await call.nextReply()).text).toBe('Order A1 has shipped.');
    await call.hangup();
  });
});
