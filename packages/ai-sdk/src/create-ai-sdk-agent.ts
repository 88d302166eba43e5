import { isTACTool, type TACAgent, TACError, TACErrorCode, type TACTool } from '@tac/core';
import { type LanguageModel, stepCountIs, streamText } from 'ai';
import { z } from 'zod';
import { boundToAiSdkTools } from './to-ai-sdk-tools.ts';
import { toModelMessages } from './to-model-messages.ts';

type StreamTextParameters = Parameters<typeof streamText>[0];

/**
 * Options of {@link createAiSdkAgent}: the model, TAC tools, and any other
 * `streamText` option (temperature, providerOptions, maxRetries, stopWhen,
 * prepareStep, ...). Prompt, messages, tools and the abort signal come from
 * the turn.
 */
export type AiSdkAgentOptions = Omit<
  StreamTextParameters,
  'model' | 'tools' | 'instructions' | 'system' | 'prompt' | 'messages' | 'abortSignal' | 'toolsContext'
> & {
  /** Any AI SDK language model, e.g. `openai('gpt-4o-mini')`. */
  model: LanguageModel;
  /** The agent's system prompt; core composes it with the customer's memory. */
  instructions?: string;
  /** TAC tools (`defineTool`, built-ins). @defaultValue [] */
  tools?: readonly TACTool[];
  /** Name for logs. @defaultValue `ai-sdk:<provider>/<modelId>` */
  name?: string;
};

const OptionsSchema = z.looseObject({
  model: z.custom<LanguageModel>(
    (v) =>
      (typeof v === 'string' && v.length > 0) ||
      (typeof v === 'object' && v !== null && typeof (v as { doStream?: unknown }).doStream === 'function'),
    'expected an AI SDK language model, e.g. openai("gpt-4o-mini") from @ai-sdk/openai',
  ),
  instructions: z.string().optional(),
  tools: z
    .array(z.custom<TACTool>(isTACTool, 'expected a TAC tool from defineTool() or a built-in tool'))
    .optional(),
  name: z.string().min(1).optional(),
});

function modelName(model: LanguageModel): string {
  if (typeof model === 'string') return model;
  const m = model as { provider?: string; modelId?: string };
  return [m.provider, m.modelId].filter(Boolean).join('/') || 'model';
}

/**
 * Serve a Vercel AI SDK model on every TAC channel: `tac.useAgent(createAiSdkAgent({...}))`.
 *
 * Each turn runs `streamText` with the composed instructions, the
 * conversation's history as `ModelMessage`s, the TAC tools (through `tool()` and
 * `jsonSchema()`), a tool loop bounded by `maxToolRounds` (`stopWhen`), and the
 * turn's `abortSignal` (barge-in cancels the provider request, not just the
 * loop). Text deltas stream to voice as they come.
 *
 * @example
 * ```ts
 * import { openai } from '@ai-sdk/openai';
 * tac.useAgent(createAiSdkAgent({ model: openai('gpt-4o-mini'), instructions: 'Be brief.', tools: [lookupOrder] }));
 * ```
 */
export function createAiSdkAgent(options: AiSdkAgentOptions): TACAgent {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new TACError(TACErrorCode.INVALID_ARGUMENT, `createAiSdkAgent: ${problems.join('; ')}`);
  }
  const { model, instructions, tools = [], name, stopWhen, prepareStep, onError, ...settings } = options;

  return {
    name: name ?? `ai-sdk:${modelName(model)}`,
    tools,
    instructions,
    async *stream(input) {
      // Step of the running model call, so core can bound tool rounds exactly.
      let step = 0;
      const result = streamText({
        ...settings,
        model,
        instructions: input.instructions || undefined,
        messages: toModelMessages(input.history, input.message),
        tools: boundToAiSdkTools(input.tools, () => step),
        stopWhen: stopWhen ?? stepCountIs(input.maxToolRounds + 1),
        prepareStep: (opts) => {
          step = opts.stepNumber + 1;
          return prepareStep?.(opts);
        },
        // Always pass the signal: breaking the loop alone leaves the provider streaming.
        abortSignal: input.signal,
        // Errors are rethrown below for core to handle; the default handler would print them.
        onError: onError ?? (() => {}),
      });
      for await (const part of result.stream) {
        if (part.type === 'text-delta') yield part.text;
        else if (part.type === 'error') throw part.error;
        else if (part.type === 'abort') return;
      }
    },
  };
}
