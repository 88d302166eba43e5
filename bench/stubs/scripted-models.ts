/**
 * One scripted, offline model per framework, each streaming the same
 * {@link STUB_TOKENS} at once (no timers): the adapter benchmark runs the same
 * model through TAC's adapter and through the framework called directly, so
 * whatever differs is what the adapter and core add.
 */
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Model, ModelRequest, ModelResponse } from '@openai/agents';
import { MockLanguageModelV4 } from 'ai/test';
import { STUB_TOKENS } from './stub-model.ts';

/** The frameworks TAC has adapters for. */
export type Framework = 'ai-sdk' | 'openai-agents' | 'langchain';

/** Instructions both sides give the model. */
export const BENCH_INSTRUCTIONS = 'You are the voice assistant of a bakery. Answer in one short sentence.';

const aiUsage = {
  inputTokens: { total: 20, noCache: 20, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 20, text: 20, reasoning: undefined },
};

/** AI SDK: `MockLanguageModelV4` whose stream holds the 20 deltas from the start. */
export function aiSdkModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 't' });
          for (const delta of STUB_TOKENS) controller.enqueue({ type: 'text-delta', id: 't', delta });
          controller.enqueue({ type: 'text-end', id: 't' });
          controller.enqueue({
            type: 'finish',
            finishReason: { unified: 'stop', raw: undefined },
            usage: aiUsage,
          });
          controller.close();
        },
      }),
    }),
  });
}

const agentsUsage = { requests: 1, inputTokens: 20, outputTokens: 20, totalTokens: 40 };

/** OpenAI Agents: a custom `Model` yielding the 20 deltas, then the completed message. */
export class AgentsScriptedModel implements Model {
  async getResponse(): Promise<ModelResponse> {
    throw new Error('the benchmark streams every turn');
  }

  async *getStreamedResponse(_request: ModelRequest) {
    yield { type: 'response_started' as const };
    for (const delta of STUB_TOKENS) yield { type: 'output_text_delta' as const, delta };
    yield {
      type: 'response_done' as const,
      response: {
        id: 'resp_bench',
        usage: agentsUsage,
        output: [
          {
            type: 'message' as const,
            role: 'assistant' as const,
            status: 'completed' as const,
            content: [{ type: 'output_text' as const, text: STUB_TOKENS.join('') }],
          },
        ],
      },
    };
  }
}

/** LangChain: a chat model streaming the 20 tokens and reporting each to callbacks, as real models do. */
export class LangChainScriptedModel extends BaseChatModel {
  constructor() {
    super({} as BaseChatModelParams);
  }

  _llmType(): string {
    return 'bench-scripted';
  }

  override bindTools() {
    return this as never;
  }

  async _generate(): Promise<ChatResult> {
    throw new Error('the benchmark streams every turn');
  }

  override async *_streamResponseChunks(
    _messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    for (const token of STUB_TOKENS) {
      if (options.signal?.aborted) return;
      const chunk = new ChatGenerationChunk({ text: token, message: new AIMessageChunk({ content: token }) });
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk });
    }
  }
}
