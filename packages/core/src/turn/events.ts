import { EventEmitter } from 'node:events';
import type { ChannelType } from '../channels/channel-type.ts';
import type { TACMemoryData } from '../memory/tac-memory-response.ts';

/** Why a turn ended: a closed set, so observers can switch on it exhaustively. */
export type TurnEndReason =
  | 'completed'
  | 'interrupted'
  | 'superseded'
  | 'error'
  | 'timeout'
  | 'shutdown'
  | 'no-reply';

interface TurnRef {
  conversationId: string;
  channel: ChannelType;
  turnId: string;
}

/**
 * Observable lifecycle of TAC, named noun-verb with start/delta/end. Used for
 * logs, metrics, the playground's side panel and tests; never sent anywhere.
 */
export interface TACEventMap {
  'turn-start': TurnRef & { messages: readonly string[] };
  'memory-retrieved': TurnRef & { memory: TACMemoryData; fromCache: boolean; durationMs: number };
  'text-delta': TurnRef & { text: string };
  'tool-call-start': TurnRef & { toolCallId: string; toolName: string; input: unknown };
  'tool-call-end': TurnRef & {
    toolCallId: string;
    toolName: string;
    input: unknown;
    status: 'completed' | 'error' | 'cancelled';
    output?: unknown;
    error?: string;
    durationMs: number;
  };
  'turn-end': TurnRef & {
    reason: TurnEndReason;
    /** Text produced for the customer (the full text; voice history may keep less after barge-in). */
    text: string;
    /** Milliseconds from turn start to the first text delta. */
    firstTokenMs?: number;
    totalMs: number;
  };
  'interrupt-received': { conversationId: string; channel: ChannelType; utteranceUntilInterrupt: string };
  handoff: {
    conversationId: string;
    channel: ChannelType;
    status: 'initiated' | 'failed';
    payload: unknown;
    error?: string;
  };
  'conversation-ended': { conversationId: string; channel: ChannelType; reason: string };
}

/** Typed emitter of {@link TACEventMap}. */
export class TACEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Observers are optional; many playground tabs may subscribe.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof TACEventMap>(event: K, listener: (payload: TACEventMap[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Emit; listener errors are swallowed so observers can never break a turn. */
  emit<K extends keyof TACEventMap>(event: K, payload: TACEventMap[K]): void {
    if (this.emitter.listenerCount(event) === 0) return;
    // One listener at a time: EventEmitter stops at the first throw, and core's
    // own listeners (useAgent's barge-in history trim) must still run.
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (payload: TACEventMap[K]) => void)(payload);
      } catch {
        // Observers must not affect customers.
      }
    }
  }

  /** True when anyone listens (lets hot paths skip building payloads). */
  has(event: keyof TACEventMap): boolean {
    return this.emitter.listenerCount(event) > 0;
  }
}
