/**
 * One neutral model script, played by a scripted model of each framework
 * (AI SDK mock model, OpenAI Agents `Model`, LangChain chat model), so the
 * contract suite describes each scenario once and runs it unchanged against
 * all three adapters.
 */

/** A tool call the scripted model makes. */
export interface ScriptToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** What the model was sent, in neutral form (translated from the framework's prompt). */
export type ViewMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ScriptToolCall[] }
  | { role: 'tool'; toolCallId: string; text: string };

/** The model's view of one call. */
export interface ScriptView {
  /** The system prompt (composed instructions). */
  system: string;
  messages: ViewMessage[];
  /** Names of the tools offered. */
  tools: string[];
}

/** What the model answers on one call. */
export interface ScriptStep {
  /** Text, streamed in exactly these chunks. */
  text?: string[];
  toolCalls?: ScriptToolCall[];
  /** Fail the call before any output. */
  error?: string;
  /**
   * Stream only this many text chunks, then hold until the request is aborted
   * (barge-in); the rest is never sent.
   */
  holdAfter?: number;
}

/** Decides each model call from what the model sees; `call` counts calls from 1. */
export type Script = (view: ScriptView, call: number) => ScriptStep;

/** A script plus the record of every call's view (for assertions). */
export interface ScriptRecorder {
  script: Script;
  views: ScriptView[];
  /** Calls that were holding (`holdAfter`) when their request's abort signal fired. */
  aborts: number;
  play(view: ScriptView): ScriptStep;
  /** Hold until the framework aborts the model request (it must pass the turn's signal down). */
  hold(signal: AbortSignal | undefined): Promise<void>;
}

/** Wrap a script to record the views it was given. */
export function recordScript(script: Script): ScriptRecorder {
  const views: ScriptView[] = [];
  const recorder: ScriptRecorder = {
    script,
    views,
    aborts: 0,
    play(view) {
      views.push(view);
      return script(view, views.length);
    },
    async hold(signal) {
      await aborted(signal);
      recorder.aborts++;
    },
  };
  return recorder;
}

/** The last message the model saw. */
export function lastMessage(view: ScriptView): ViewMessage | undefined {
  return view.messages.at(-1);
}

/** The text of the last user message the model saw. */
export function lastUserText(view: ScriptView): string {
  const m = view.messages.findLast((x) => x.role === 'user');
  return m?.role === 'user' ? m.text : '';
}

/** Resolves when `signal` aborts (never when it is undefined). */
export function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
