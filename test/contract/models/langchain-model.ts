import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { ScriptRecorder, ScriptView, ViewMessage } from './script.ts';

function toView(messages: BaseMessage[], tools: string[]): ScriptView {
  let system = '';
  const view: ViewMessage[] = [];
  for (const m of messages) {
    const type = m.getType();
    if (type === 'system') system += m.text;
    else if (type === 'human') view.push({ role: 'user', text: m.text });
    else if (type === 'ai') {
      const calls = (m as AIMessageChunk).tool_calls ?? [];
      view.push({
        role: 'assistant',
        text: m.text,
        toolCalls: calls.map((c) => ({ id: c.id ?? '', name: c.name, args: c.args })),
      });
    } else if (type === 'tool') {
      view.push({
        role: 'tool',
        toolCallId: (m as { tool_call_id?: string }).tool_call_id ?? '',
        text: m.text,
      });
    }
  }
  return { system, messages: view, tools };
}

/**
 * A scripted LangChain chat model: supports `bindTools`, streams tool-call
 * chunks and text token by token (reporting tokens to callbacks as real models
 * do, which `streamEvents` relies on), and honours `signal`.
 */
export class ScriptedChatModel extends BaseChatModel {
  private readonly recorder: ScriptRecorder;
  private boundTools: string[] = [];

  constructor(recorder: ScriptRecorder) {
    super({} as BaseChatModelParams);
    this.recorder = recorder;
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: { name?: string }[]) {
    const next = new ScriptedChatModel(this.recorder);
    next.boundTools = tools.map((t) => t.name ?? '');
    return next as never;
  }

  async _generate(): Promise<ChatResult> {
    throw new Error('the contract suite streams every turn');
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const step = this.recorder.play(toView(messages, this.boundTools));
    if (step.error) throw new Error(step.error);
    for (const [index, call] of (step.toolCalls ?? []).entries()) {
      yield new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: [
            { id: call.id, name: call.name, args: JSON.stringify(call.args), index, type: 'tool_call_chunk' },
          ],
        }),
      });
    }
    for (const [i, token] of (step.text ?? []).entries()) {
      if (step.holdAfter !== undefined && i >= step.holdAfter) {
        await this.recorder.hold(options.signal);
        return;
      }
      const chunk = new ChatGenerationChunk({ text: token, message: new AIMessageChunk({ content: token }) });
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk });
      await new Promise((r) => setImmediate(r));
    }
  }
}
