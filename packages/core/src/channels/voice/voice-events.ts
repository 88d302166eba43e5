import { EventEmitter } from 'node:events';
import type { ConversationSession } from '../../session/index.ts';
import type { SetupFrame } from './relay-frames.ts';

/**
 * What a {@link VoiceChannel} reports about each call, for observers
 * (`voice.on('prompt', …)`). Listeners never affect the call: their errors are
 * swallowed. The turn itself goes through `tac.onMessageReady` / `tac.useAgent`.
 */
export interface VoiceChannelEventMap {
  /** A ConversationRelay WebSocket opened (before `setup`). */
  webSocketConnected: { remoteAddress?: string };
  /** `setup` arrived and the session is known. */
  setup: { callSid: string; conversationId: string; session: ConversationSession; setup: SetupFrame };
  /** Every prompt, partial (`last: false`) or final. */
  prompt: { callSid: string; conversationId?: string; voicePrompt: string; lang?: string; last: boolean };
  /** Barge-in. */
  interrupt: {
    callSid: string;
    conversationId?: string;
    utteranceUntilInterrupt: string;
    durationUntilInterruptMs: number;
  };
  /** A keypress (`dtmfDetection` must be on). */
  dtmf: { callSid: string; conversationId?: string; digit: string };
  /** A subscribed `info` event (`speaker-events`, `tokens-played`, debugging). */
  info: { callSid: string; name?: string; value?: unknown };
  /** ConversationRelay reported an error (for example error 64107 about a frame we sent). */
  relayError: { callSid?: string; description: string };
  /** The WebSocket closed; local call state is gone. */
  webSocketDisconnected: { callSid?: string; conversationId?: string; code: number };
}

/** Typed emitter of {@link VoiceChannelEventMap}. */
export class VoiceChannelEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof VoiceChannelEventMap>(
    event: K,
    listener: (payload: VoiceChannelEventMap[K]) => void,
  ): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Emit; listener errors are swallowed so observers can never break a call. */
  emit<K extends keyof VoiceChannelEventMap>(event: K, payload: VoiceChannelEventMap[K]): void {
    if (this.emitter.listenerCount(event) === 0) return;
    try {
      this.emitter.emit(event, payload);
    } catch {
      // Observers must not affect callers.
    }
  }
}
