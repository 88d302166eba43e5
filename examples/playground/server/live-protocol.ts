import type { TACEventMap } from '@tac/core';
import { z } from 'zod';
import type { PlaygroundMode } from '../demo/demo-model-choice.ts';

/**
 * What the page sends over `/api/live`. The page is the customer: it places
 * calls and texts through the emulator, never talks to TAC directly.
 */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call.start') }),
  z.object({ type: z.literal('call.say'), text: z.string().trim().min(1).max(2_000) }),
  z.object({
    type: z.literal('call.dtmf'),
    digit: z.string().regex(/^[0-9*#]$/, 'digit must be 0-9, * or #'),
  }),
  z.object({ type: z.literal('call.hangup') }),
  z.object({
    type: z.literal('message.send'),
    channel: z.enum(['sms', 'whatsapp']),
    text: z.string().trim().min(1).max(1_600),
  }),
  z.object({ type: z.literal('message.reset'), channel: z.enum(['sms', 'whatsapp']) }),
]);

/** One message from the page. */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** TAC lifecycle events forwarded to the page's side panel. */
export const FORWARDED_EVENTS = [
  'turn-start',
  'memory-retrieved',
  'tool-call-start',
  'tool-call-end',
  'handoff',
  'turn-end',
  'interrupt-received',
  'conversation-ended',
] as const satisfies readonly (keyof TACEventMap)[];

/** A forwarded event name. */
export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

/** The seeded customer as shown in the side panel. */
export interface CustomerCard {
  profileId?: string;
  phone: string;
  email?: string;
  traits: Record<string, Record<string, unknown>>;
  observations: readonly string[];
  summaries: readonly string[];
}

/** What the server sends to the page. */
export type ServerMessage =
  | {
      type: 'hello';
      mode: PlaygroundMode;
      agent: { name: string; tools: string[] };
      customer: CustomerCard | null;
      suggestions: readonly string[];
      urls: { playground: string; tac: string; emulator: string };
    }
  | { type: 'error'; scope: 'call' | 'message' | 'protocol'; message: string }
  | { type: 'call.state'; state: 'connecting' | 'live' | 'ended'; callSid?: string; greeting?: string }
  | { type: 'call.token'; token: string; last: boolean }
  | { type: 'call.interrupted'; heard: string }
  | { type: 'call.ended'; sessionStatus?: string; handoffData?: string }
  | { type: 'message.sent'; channel: 'sms' | 'whatsapp'; text: string }
  | { type: 'message.reply'; channel: 'sms' | 'whatsapp'; text: string }
  | { type: 'message.reset'; channel: 'sms' | 'whatsapp' }
  | { type: 'studio.execution'; execution: Record<string, unknown> }
  | { [K in ForwardedEvent]: { type: 'tac'; event: K; data: TACEventMap[K] } }[ForwardedEvent];
