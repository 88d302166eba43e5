import { setTimeout as sleep } from 'node:timers/promises';
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from '@ai-sdk/provider';
import { z } from 'zod';
import { type DemoStep, planDemoStep } from './demo-script.ts';

const OptionsSchema = z.object({
  /** Pause between streamed words, so the playground shows tokens arriving. @defaultValue 35 */
  tokenDelayMs: z
    .number({ error: 'tokenDelayMs must be a number of milliseconds' })
    .int()
    .min(0, 'tokenDelayMs must be 0 or more')
    .max(5_000, 'tokenDelayMs above 5000 ms would make the demo unusable')
    .default(35),
});

/** Options of {@link createOfflineDemoModel}. */
export type OfflineDemoModelOptions = z.input<typeof OptionsSchema>;

/** The model id shown in the playground. */
export const OFFLINE_DEMO_MODEL_ID = 'offline-demo';

const usage = (outputTokens: number): LanguageModelV4Usage => ({
  inputTokens: { total: 0, noCache: 0, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: outputTokens, text: outputTokens, reasoning: undefined },
});

const finishReason = (step: DemoStep): LanguageModelV4FinishReason => ({
  unified: step.kind === 'tool' ? 'tool-calls' : 'stop',
  raw: undefined,
});

/** Words with their trailing whitespace: what a real model's deltas look like. */
function tokensOf(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

let callCounter = 0;

/**
 * A scripted, offline AI SDK model (`LanguageModelV4`) for the playground: it
 * streams its replies word by word, searches the knowledge base for questions,
 * greets the customer by the name found in the memory prompt, and calls the
 * handoff tool when asked for a person. No network, no API key.
 *
 * @example
 * ```ts
 * const agent = createAiSdkAgent({ model: createOfflineDemoModel(), instructions, tools });
 * ```
 */
export function createOfflineDemoModel(options: OfflineDemoModelOptions = {}): LanguageModelV4 {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(`Invalid offline demo model options: ${z.prettifyError(parsed.error)}`);
  }
  const { tokenDelayMs } = parsed.data;

  const stream = (
    step: DemoStep,
    signal: AbortSignal | undefined,
  ): ReadableStream<LanguageModelV4StreamPart> => {
    const parts: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: [] }];
    const id = `demo-${++callCounter}`;
    if (step.kind === 'tool') {
      parts.push({
        type: 'tool-call',
        toolCallId: id,
        toolName: step.toolName,
        input: JSON.stringify(step.input),
      });
      parts.push({ type: 'finish', usage: usage(1), finishReason: finishReason(step) });
    } else {
      const tokens = tokensOf(step.text);
      parts.push({ type: 'text-start', id });
      for (const delta of tokens) parts.push({ type: 'text-delta', id, delta });
      parts.push({ type: 'text-end', id });
      parts.push({ type: 'finish', usage: usage(tokens.length), finishReason: finishReason(step) });
    }
    let index = 0;
    return new ReadableStream<LanguageModelV4StreamPart>({
      async pull(controller) {
        const part = parts[index++];
        if (!part) {
          controller.close();
          return;
        }
        if (part.type === 'text-delta' && tokenDelayMs > 0) {
          try {
            await sleep(tokenDelayMs, undefined, signal ? { signal } : undefined);
          } catch {
            // Barge-in: stop like a real provider does, with the caller's reason.
            controller.error(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
            return;
          }
        }
        controller.enqueue(part);
      },
    });
  };

  return {
    specificationVersion: 'v4',
    provider: 'tac-playground',
    modelId: OFFLINE_DEMO_MODEL_ID,
    supportedUrls: {},
    async doStream(call: LanguageModelV4CallOptions) {
      call.abortSignal?.throwIfAborted();
      return { stream: stream(planDemoStep(call), call.abortSignal) };
    },
    async doGenerate(call: LanguageModelV4CallOptions) {
      call.abortSignal?.throwIfAborted();
      const step = planDemoStep(call);
      const content: LanguageModelV4Content[] =
        step.kind === 'tool'
          ? [
              {
                type: 'tool-call',
                toolCallId: `demo-${++callCounter}`,
                toolName: step.toolName,
                input: JSON.stringify(step.input),
              },
            ]
          : [{ type: 'text', text: step.text }];
      return {
        content,
        finishReason: finishReason(step),
        usage: usage(step.kind === 'text' ? tokensOf(step.text).length : 1),
        warnings: [],
      };
    },
  };
}
