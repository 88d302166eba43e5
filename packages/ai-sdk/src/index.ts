/**
 * @tac/ai-sdk: serve a Vercel AI SDK model on every Twilio Agent Connect channel.
 */
export { type AiSdkAgentOptions, createAiSdkAgent } from './create-ai-sdk-agent.ts';
export { boundToAiSdkTools, toAiSdkTools } from './to-ai-sdk-tools.ts';
export { toModelMessages } from './to-model-messages.ts';
