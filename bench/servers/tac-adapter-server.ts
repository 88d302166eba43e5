/**
 * "Ours" for the adapter benchmark: TACServer + VoiceChannel serving an agent
 * built by TAC's adapter for `--framework=ai-sdk|openai-agents|langchain`,
 * around the bench's scripted model for that framework.
 */
import { Agent, setTracingDisabled } from '@openai/agents';
import { createAiSdkAgent } from '@tac/ai-sdk';
import { TAC, type TACAgent, TACServer, VoiceChannel } from '@tac/core';
import { createRunnableAgent } from '@tac/langchain';
import { wrapOpenAIAgent } from '@tac/openai-agents';
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';
import {
  AgentsScriptedModel,
  aiSdkModel,
  BENCH_INSTRUCTIONS,
  type Framework,
  LangChainScriptedModel,
} from '../stubs/scripted-models.ts';
import { applyExperiments, parseExperiments, tacOptionsFor } from './experiments.ts';

const framework = (childArgs().framework ?? 'ai-sdk') as Framework;
setTracingDisabled(true);

function agentFor(f: Framework): TACAgent {
  if (f === 'ai-sdk') return createAiSdkAgent({ model: aiSdkModel(), instructions: BENCH_INSTRUCTIONS });
  if (f === 'openai-agents') {
    return wrapOpenAIAgent(
      new Agent({ name: 'bench', instructions: BENCH_INSTRUCTIONS, model: new AgentsScriptedModel() }),
    );
  }
  return createRunnableAgent(new LangChainScriptedModel(), { instructions: BENCH_INSTRUCTIONS });
}

const experiments = parseExperiments(process.env.TAC_BENCH_EXPERIMENTS);
const tac = await TAC.create({
  options: tacOptionsFor(experiments),
  config: {
    accountSid: BENCH_ACCOUNT.accountSid,
    authToken: BENCH_ACCOUNT.authToken,
    apiKey: BENCH_ACCOUNT.apiKey,
    apiSecret: BENCH_ACCOUNT.apiSecret,
    phoneNumber: BENCH_ACCOUNT.phoneNumber,
  },
});
applyExperiments(
  tac.registerChannel(new VoiceChannel(tac)),
  parseExperiments(process.env.TAC_BENCH_EXPERIMENTS),
);
tac.useAgent(agentFor(framework));
let errors = 0;
let firstError: string | undefined;
tac.onError((e) => {
  errors++;
  firstError ??= e.message;
});
const server = new TACServer(tac, { host: '127.0.0.1', port: 0, drainTimeoutMs: 1_000 });
await server.start();
serveRpc({ errors: () => ({ errors, firstError }) }, () => server.stop());
signalReady({ port: server.port, framework });
