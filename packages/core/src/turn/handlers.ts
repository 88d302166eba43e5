import type { ChannelType } from '../channels/channel-type.ts';
import type { TACMemoryResponse } from '../memory/tac-memory-response.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';

/** What a message handler receives for one turn. */
export interface MessageReadyContext {
  conversationId: string;
  profileId?: string;
  /** The customer's message (a burst of messages is joined with newlines). */
  message: string;
  /** Every message of this turn, in order (more than one when a burst was coalesced). */
  messages: readonly string[];
  /** Customer address; `'user'` on voice, as in Twilio's TAC. */
  author: string;
  /** Memory per the channel's `memoryMode`; undefined when `never` or unavailable. */
  memory?: TACMemoryResponse;
  session: ConversationSession;
  channel: ChannelType;
  /** Fires on barge-in, a newer message, the turn timeout or shutdown. */
  signal: AbortSignal;
  tac: TAC;
  /** Id of this turn, as in `tac.events` (`turn-start`, `tool-call-*`, `turn-end`). */
  turnId?: string;
}

/**
 * A handler's answer: a string (sent for you), an `AsyncIterable<string>`
 * (streamed token by token on voice, collected and sent on messaging), or
 * nothing (the handler sent the reply itself).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers written as `async () => {}` return Promise<void>.
export type MessageHandlerResult = string | AsyncIterable<string> | null | undefined | void;

/** Handles one customer turn. */
export type MessageReadyHandler = (
  context: MessageReadyContext,
) => MessageHandlerResult | Promise<MessageHandlerResult>;

/** Barge-in on voice. */
export interface InterruptContext {
  conversationId: string;
  session: ConversationSession;
  channel: ChannelType;
  /** What the caller actually heard before speaking over the agent. */
  utteranceUntilInterrupt: string;
  durationUntilInterruptMs: number;
}

/** Handles a barge-in. */
export type InterruptHandler = (context: InterruptContext) => void | Promise<void>;

/** Why a conversation ended. */
export type ConversationEndReason = 'closed' | 'hangup' | 'handoff' | 'ended-by-app' | 'shutdown';

/** A conversation ended and its session was removed. */
export interface ConversationEndedContext {
  session: ConversationSession;
  reason: ConversationEndReason;
}

/** Handles the end of a conversation. */
export type ConversationEndedHandler = (context: ConversationEndedContext) => void | Promise<void>;

/** Where an error happened (never includes PII in clear). */
export interface ErrorContext {
  conversationId?: string;
  channel?: ChannelType;
  /** True when an inbound message was dropped because of this error. */
  droppedInbound?: boolean;
  /** What TAC was doing: `turn`, `send`, `memory`, `webhook`, `tool`, … */
  stage?: string;
  [key: string]: unknown;
}

/** Receives errors TAC handled on its own (the customer got an apology or the message was retried). */
export type ErrorHandler = (error: Error, context: ErrorContext) => void | Promise<void>;
