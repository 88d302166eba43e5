import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TACTool, ToolContext, ToolResult } from './types.ts';

const CANCELLED = Symbol('cancelled');

function untilAborted(signal: AbortSignal): { promise: Promise<typeof CANCELLED>; dispose(): void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<typeof CANCELLED>((resolve) => {
    onAbort = () => resolve(CANCELLED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => onAbort && signal.removeEventListener('abort', onAbort) };
}

function cancelled(tool: TACTool): ToolResult {
  return {
    ok: false,
    code: TACErrorCode.ABORTED,
    error: `Tool "${tool.name}" was cancelled because the conversation moved on (the customer interrupted or sent a newer message).`,
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
 * ignores the signal. The single execution path for hand-written and built-in
 * tools in every adapter.
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
): Promise<ToolResult> {
  const { signal } = context;
  const ref = { conversationId: context.session.conversationId, channel: context.channel, tool: tool.name };
  if (signal.aborted) return cancelled(tool);

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
    if (outcome === CANCELLED) return cancelled(tool);
    return { ok: true, output: outcome };
  } catch (error) {
    // Whatever a tool throws once the turn is aborted is a consequence of the abort.
    if (signal.aborted) return cancelled(tool);
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
