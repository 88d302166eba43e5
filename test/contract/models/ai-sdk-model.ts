import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from '@ai-sdk/provider';
import { MockLanguageModelV4 } from 'ai/test';
import type { ScriptRecorder, ScriptView, ViewMessage } from './script.ts';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

function textOf(parts: readonly { type: string; text?: string }[] | string): string {
  if (typeof parts === 'string') return parts;
  return parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

function toView(prompt: LanguageModelV4Prompt, options: LanguageModelV4CallOptions): ScriptView {
  let system = '';
  const messages: ViewMessage[] = [];
  for (const m of prompt) {
    if (m.role === 'system') system += m.content;
    else if (m.role === 'user') messages.push({ role: 'user', text: textOf(m.content) });
    else if (m.role === 'assistant') {
      const toolCalls = m.content.flatMap((p) =>
        p.type === 'tool-call'
          ? [{ id: p.toolCallId, name: p.toolName, args: (p.input ?? {}) as Record<string, unknown> }]
          : [],
      );
      messages.push({
        role: 'assistant',
        text: textOf(m.content as { type: string; text?: string }[]),
        toolCalls,
      });
    } else if (m.role === 'tool') {
      for (const p of m.content) {
        if (p.type !== 'tool-result') continue;
        const out = p.output as { type: string; value?: unknown };
        const text = typeof out.value === 'string' ? out.value : JSON.stringify(out.value);
        messages.push({ role: 'tool', toolCallId: p.toolCallId, text });
      }
    }
  }
  return { system, messages, tools: (options.tools ?? []).map((t) => t.name) };
}

/** An AI SDK `MockLanguageModelV4` (from `ai/test`) playing a neutral script. */
export function aiSdkScriptedModel(recorder: ScriptRecorder): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async (options) => {
      const step = recorder.play(toView(options.prompt, options));
      if (step.error) throw new Error(step.error);
      const signal = options.abortSignal;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          for (const call of step.toolCalls ?? []) {
            controller.enqueue({
              type: 'tool-call',
              toolCallId: call.id,
              toolName: call.name,
              input: JSON.stringify(call.args),
            });
          }
          const chunks = step.text ?? [];
          if (chunks.length > 0) controller.enqueue({ type: 'text-start', id: 't' });
          for (const [i, delta] of chunks.entries()) {
            if (step.holdAfter !== undefined && i >= step.holdAfter) {
              await recorder.hold(signal);
              controller.close();
              return;
            }
            controller.enqueue({ type: 'text-delta', id: 't', delta });
            // Let each delta travel on its own, as a real provider's would.
            await new Promise((r) => setImmediate(r));
          }
          if (chunks.length > 0) controller.enqueue({ type: 'text-end', id: 't' });
          controller.enqueue({
            type: 'finish',
            finishReason: { unified: step.toolCalls?.length ? 'tool-calls' : 'stop', raw: undefined },
            usage,
          });
          controller.close();
        },
      });
      return { stream };
    },
  });
}
