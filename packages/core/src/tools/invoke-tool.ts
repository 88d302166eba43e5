import { TACError, TACErrorCode } from '../errors/index.ts';
import { abortCause } from './abort-cause.ts';
import { boundToolOutput, DEFAULT_MAX_TOOL_OUTPUT_CHARS } from './tool-output.ts';
import type { TACTool, ToolContext, ToolResult } from './types.ts';

/** How {@link invokeTool} shapes a result. */
export interface InvokeToolOptions {
  /**
   * Longest tool output, in characters of its text (JSON for non-strings),
   * given to the model; a longer one is cut and ends with
   * `…[truncated N characters]`. `tac.useAgent` sets it from its
   * `maxToolOutputChars` option.
   * @defaultValue 20000
   */
  maxOutputChars?: number;
}

const CANCELLED = Symbol('cancelled');

function untilAborted(signal: AbortSignal): { promise: Promise<typeof CANCELLED>; dispose(): void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<typeof CANCELLED>((resolve) => {
    onAbort = () => resolve(CANCELLED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => onAbort && signal.removeEventListener('abort', onAbort) };
}

function cancelled(tool: TACTool, signal: AbortSignal): ToolResult {
  return {
    ok: false,
    code: TACErrorCode.ABORTED,
    error: `Tool "${tool.name}" was cancelled because ${abortCause(signal)}.`,
  };
}

/** Models send arguments as a JSON string or as an object; an empty string means no arguments. */
function parseArguments(raw: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, error: `arguments are not valid JSON (${(error as Error).message})` };
  }
}

/**
 * Run a tool for a model: parse and validate the arguments, execute with the
 * conversation's {@link ToolContext}, and return a {@link ToolResult}. Never
 * throws: invalid arguments and thrown errors come back as `{ ok: false, error }`
 * worded so the model can correct its call or tell the customer, and an aborted
 * turn (`context.signal`) returns a cancelled result promptly even if the tool
 * ignores the signal. The output is JSON-safe (`bigint` as a string, a circular
 * reference as `"[Circular]"`) and bounded (`options.maxOutputChars`), because
 * the model gets it and history stores it for every later turn. The single
 * execution path for hand-written and built-in tools in every adapter.
 *
 * @example
 * ```ts
 * const result = await invokeTool(lookupOrder, '{"orderNumber":"A1"}', { tac, session, channel: 'sms', signal });
 * if (!result.ok) console.log(result.error);
 * ```
 */
export async function invokeTool(
  tool: TACTool,
  rawInput: unknown,
  context: ToolContext,
  options: InvokeToolOptions = {},
): Promise<ToolResult> {
  const { signal } = context;
  const ref = { conversationId: context.session.conversationId, channel: context.channel, tool: tool.name };
  if (signal.aborted) return cancelled(tool, signal);

  const parsed = parseArguments(rawInput);
  let validation: ReturnType<TACTool['validate']>;
  try {
    validation = parsed.ok ? tool.validate(parsed.value) : { success: false, error: parsed.error };
  } catch (error) {
    validation = { success: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (!validation.success) {
    context.tac.logger.warn({ ...ref, toolCallId: context.toolCallId }, 'tool called with invalid arguments');
    return {
      ok: false,
      code: TACErrorCode.TOOL_INVALID_ARGS,
      error: `Invalid arguments for tool "${tool.name}": ${validation.error}. Fix the arguments and call the tool again.`,
    };
  }

  const abort = untilAborted(signal);
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(() => tool.execute(validation.data, context)),
      abort.promise,
    ]);
    if (outcome === CANCELLED) return cancelled(tool, signal);
    const maxChars = options.maxOutputChars ?? DEFAULT_MAX_TOOL_OUTPUT_CHARS;
    const { output, truncated } = boundToolOutput(outcome, maxChars);
    if (truncated > 0) {
      context.tac.logger.warn(
        { ...ref, toolCallId: context.toolCallId, maxChars, truncated },
        'tool output too long; truncated for the model',
      );
    }
    return { ok: true, output };
  } catch (error) {
    // Whatever a tool throws once the turn is aborted is a consequence of the abort.
    if (signal.aborted) return cancelled(tool, signal);
    const message = error instanceof Error ? error.message : String(error);
    context.tac.reportError(
      new TACError(TACErrorCode.TOOL_FAILED, `Tool "${tool.name}" failed: ${message}`, {
        cause: error,
        context: { conversationId: ref.conversationId, channel: ref.channel, tool: tool.name },
      }),
      { conversationId: ref.conversationId, channel: ref.channel, stage: 'tool', tool: tool.name },
    );
    return { ok: false, code: TACErrorCode.TOOL_FAILED, error: `Tool "${tool.name}" failed: ${message}` };
  } finally {
    abort.dispose();
  }
}
