import { randomUUID } from 'node:crypto';
import type { ChannelType } from '../channels/channel-type.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';
import { abortCause } from '../tools/abort-cause.ts';
import { invokeTool } from '../tools/invoke-tool.ts';
import { safeJsonStringify } from '../tools/safe-json.ts';
import type { TACTool, ToolResult } from '../tools/types.ts';
import type { ToolHistoryItem } from '../turn/history.ts';
import type { BoundTool, BoundToolCallOptions } from './types.ts';

/** What a {@link ToolRecorder} binds tools to: one turn of one conversation. */
export interface ToolRecorderContext {
  tac: TAC;
  session: ConversationSession;
  channel: ChannelType;
  /** The turn's signal; handed to every tool execution. */
  signal: AbortSignal;
  turnId: string;
  /** Calls in rounds beyond this are refused with an error result. @defaultValue Infinity */
  maxToolRounds?: number;
  /** Longest tool output text given to the model and recorded. @defaultValue DEFAULT_MAX_TOOL_OUTPUT_CHARS */
  maxToolOutputChars?: number;
}

/**
 * History goes through the session store, which may serialise JSON (Redis, a
 * database): one `bigint` in a record would make the whole turn's write throw.
 */
function jsonSafe(value: unknown): unknown {
  return value === undefined || typeof value === 'string' ? value : JSON.parse(safeJsonStringify(value));
}

interface Running {
  item: ToolHistoryItem;
  done: Promise<unknown>;
  started: number;
  input: unknown;
}

/**
 * Binds neutral tools to one turn and keeps the record of what they did.
 *
 * Barge-in policy (Pipecat #5779, LiveKit #3702: never orphan a tool call):
 * cancel and record. When the turn is aborted, a running tool's `signal` fires
 * and `invokeTool` stops waiting for it at once; the call is recorded as
 * `cancelled`, with an error saying why and that its effect is unknown, so the
 * next turn's model can check before repeating it. A result arriving later is
 * dropped (logged). Calls made after the abort are refused and recorded the
 * same way. Every call in history therefore has a result.
 */
export class ToolRecorder {
  /** Every call of the turn, in start order. */
  readonly items: ToolHistoryItem[] = [];
  private readonly running = new Set<Running>();
  private readonly ctx: ToolRecorderContext;
  private heuristicRound = 0;
  private sealed = false;
  /** Number of tool executions that actually started (retries are unsafe after one). */
  started = 0;

  constructor(ctx: ToolRecorderContext) {
    this.ctx = ctx;
  }

  /** Bind tools to this turn. */
  bind(tools: readonly TACTool[]): BoundTool[] {
    return tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      tool,
      execute: (input: unknown, options: BoundToolCallOptions = {}) => this.call(tool, input, options),
    }));
  }

  /** Text recorded for a call cut off by the turn's abort. */
  private cancelText(): string {
    return `the tool did not finish because ${abortCause(this.ctx.signal)}; its effect is unknown`;
  }

  private emitEnd(r: Running | { item: ToolHistoryItem; started: number; input: unknown }): void {
    const { item } = r;
    this.ctx.tac.events.emit('tool-call-end', {
      conversationId: this.ctx.session.conversationId,
      channel: this.ctx.channel,
      turnId: this.ctx.turnId,
      toolCallId: item.toolCallId,
      toolName: item.toolName,
      input: r.input,
      status: item.status,
      output: item.output,
      error: item.error,
      durationMs: performance.now() - r.started,
    });
  }

  private refuse(item: ToolHistoryItem, status: 'error' | 'cancelled', error: string): ToolResult {
    item.status = status;
    item.error = error;
    this.emitEnd({ item, started: performance.now(), input: item.input });
    return { ok: false, error };
  }

  private async call(tool: TACTool, input: unknown, options: BoundToolCallOptions): Promise<ToolResult> {
    const { tac, session, channel, signal, turnId } = this.ctx;
    const item: ToolHistoryItem = {
      role: 'tool',
      toolCallId: options.toolCallId ?? `tac_${randomUUID()}`,
      toolName: tool.name,
      input: jsonSafe(input),
      status: 'cancelled',
    };
    // A framework loop that outlived its turn: its history is already written.
    if (this.sealed) return { ok: false, error: 'The turn is over; the tool was not run.' };
    this.items.push(item);
    const ref = { conversationId: session.conversationId, channel, turnId };
    tac.events.emit('tool-call-start', { ...ref, toolCallId: item.toolCallId, toolName: tool.name, input });
    if (signal.aborted) return this.refuse(item, 'cancelled', this.cancelText());

    const round =
      options.round ?? (this.running.size === 0 ? ++this.heuristicRound : Math.max(1, this.heuristicRound));
    const max = this.ctx.maxToolRounds ?? Number.POSITIVE_INFINITY;
    if (round > max) {
      tac.logger.warn(
        { conversationId: session.conversationId, tool: tool.name, round, max },
        'tool round limit reached',
      );
      return this.refuse(
        item,
        'error',
        `Tool limit reached (at most ${max} tool round${max === 1 ? '' : 's'} per turn). Answer the customer now with what you know.`,
      );
    }

    this.started++;
    const started = performance.now();
    const running: Running = { item, input, started, done: Promise.resolve() };
    const done = invokeTool(
      tool,
      input,
      { tac, session, channel, signal, toolCallId: item.toolCallId },
      { maxOutputChars: this.ctx.maxToolOutputChars },
    ).then((result) => {
      if (!this.running.has(running)) {
        // Sealed as cancelled after the grace period; history already says so.
        tac.logger.debug(
          { conversationId: session.conversationId, tool: tool.name, toolCallId: item.toolCallId },
          'tool finished after its turn was recorded; result dropped',
        );
        return result;
      }
      this.running.delete(running);
      if (result.ok) {
        item.status = 'completed';
        // invokeTool's output is already a bounded, JSON-safe copy: what the model read is what is stored.
        item.output = result.output;
      } else if (signal.aborted) {
        item.status = 'cancelled';
        item.error = this.cancelText();
      } else {
        item.status = 'error';
        item.error = result.error;
      }
      this.emitEnd(running);
      return result;
    });
    running.done = done;
    this.running.add(running);
    return done;
  }

  /**
   * Close the record: wait up to `graceMs` for running tools, then record the
   * rest as cancelled. Later calls are refused (their turn is over).
   */
  async settle(graceMs: number): Promise<void> {
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...this.running].map((r) => r.done)), grace]);
      clearTimeout(timer);
    }
    this.sealed = true;
    for (const r of this.running) {
      r.item.status = 'cancelled';
      r.item.error = this.cancelText();
      this.emitEnd(r);
    }
    this.running.clear();
  }
}
