import { randomUUID } from 'node:crypto';
import type { ChannelType } from '../channels/channel-type.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';
import type { TACTool } from '../tools/types.ts';
import { ToolRecorder } from './tool-recorder.ts';
import type { BoundTool } from './types.ts';

/**
 * Where tools run: a `MessageReadyContext` (what `tac.onMessageReady` handlers
 * receive) fits as it is.
 */
export interface BindToolsContext {
  tac: TAC;
  session: ConversationSession;
  channel: ChannelType;
  /** Handed to every execution; fires on barge-in, a newer message, timeout or shutdown. */
  signal: AbortSignal;
  turnId?: string;
}

/**
 * Bind neutral tools to one turn outside `tac.useAgent`, for handlers that run
 * their own model loop. Each execution validates its arguments, gets the
 * session and signal, emits `tool-call-start`/`tool-call-end`, and never
 * throws (failures come back as `{ ok: false, error }`). Nothing is written to
 * history: that is the handler's business here.
 *
 * @example
 * ```ts
 * tac.onMessageReady(async (ctx) => {
 *   const tools = toAiSdkTools(bindTools([lookupOrder], ctx));
 *   return streamText({ model, tools, prompt: ctx.message, abortSignal: ctx.signal }).textStream;
 * });
 * ```
 */
export function bindTools(tools: readonly TACTool[], context: BindToolsContext): BoundTool[] {
  const recorder = new ToolRecorder({
    tac: context.tac,
    session: context.session,
    channel: context.channel,
    signal: context.signal,
    turnId: context.turnId ?? randomUUID(),
  });
  return recorder.bind(tools);
}
