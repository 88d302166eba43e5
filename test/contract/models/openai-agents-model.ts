import type { AgentInputItem, Model, ModelRequest, ModelResponse } from '@openai/agents';
import type { ScriptRecorder, ScriptView, ViewMessage } from './script.ts';

const usage = { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 };

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c: { text?: string }) => c.text ?? '').join('');
}

function toView(request: ModelRequest): ScriptView {
  const items: AgentInputItem[] =
    typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input;
  const messages: ViewMessage[] = [];
  for (const item of items as Record<string, unknown>[]) {
    if (item['type'] === 'function_call') {
      const call = {
        id: String(item['callId']),
        name: String(item['name']),
        args: JSON.parse(String(item['arguments'] || '{}')),
      };
      const last = messages.at(-1);
      if (last?.role === 'assistant' && last.text === '') last.toolCalls.push(call);
      else messages.push({ role: 'assistant', text: '', toolCalls: [call] });
    } else if (item['type'] === 'function_call_result') {
      const output = item['output'] as { text?: string } | string;
      messages.push({
        role: 'tool',
        toolCallId: String(item['callId']),
        text: typeof output === 'string' ? output : (output.text ?? ''),
      });
    } else if (item['role'] === 'user') {
      messages.push({ role: 'user', text: contentText(item['content']) });
    } else if (item['role'] === 'assistant') {
      messages.push({ role: 'assistant', text: contentText(item['content']), toolCalls: [] });
    }
  }
  const tools = [...request.tools.map((t) => t.name), ...request.handoffs.map((h) => h.toolName)];
  return { system: request.systemInstructions ?? '', messages, tools };
}

/** A custom OpenAI Agents `Model` playing a neutral script as a streamed response. */
export class OpenAIAgentsScriptedModel implements Model {
  private readonly recorder: ScriptRecorder;

  constructor(recorder: ScriptRecorder) {
    this.recorder = recorder;
  }

  async getResponse(): Promise<ModelResponse> {
    throw new Error('the contract suite streams every turn');
  }

  async *getStreamedResponse(request: ModelRequest) {
    const step = this.recorder.play(toView(request));
    if (step.error) throw new Error(step.error);
    yield { type: 'response_started' as const };
    const chunks = step.text ?? [];
    for (const [i, delta] of chunks.entries()) {
      if (step.holdAfter !== undefined && i >= step.holdAfter) {
        await this.recorder.hold(request.signal);
        return;
      }
      yield { type: 'output_text_delta' as const, delta };
      await new Promise((r) => setImmediate(r));
    }
    const output = step.toolCalls?.length
      ? step.toolCalls.map((c) => ({
          type: 'function_call' as const,
          callId: c.id,
          name: c.name,
          status: 'completed' as const,
          arguments: JSON.stringify(c.args),
        }))
      : [
          {
            type: 'message' as const,
            role: 'assistant' as const,
            status: 'completed' as const,
            content: [{ type: 'output_text' as const, text: chunks.join('') }],
          },
        ];
    yield {
      type: 'response_done' as const,
      response: { id: `resp_${this.recorder.views.length}`, usage, output },
    };
  }
}
