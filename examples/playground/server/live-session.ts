import type { EmulatedCall } from '@tac/testing';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { type ClientMessage, ClientMessageSchema, type ServerMessage } from './live-protocol.ts';

/** What a session needs from the playground (shared by every open page). */
export interface LiveSessionHost {
  /** Place a call from the demo customer through the emulator. */
  placeCall(): Promise<EmulatedCall>;
  /** Text the agent as the demo customer. */
  sendMessage(channel: 'sms' | 'whatsapp', text: string): Promise<void>;
  /** Close the customer's conversation on a channel, so the next text starts a new one. */
  resetConversation(channel: 'sms' | 'whatsapp'): Promise<void>;
  /** A call ended: lets the host publish Studio executions it started. */
  callEnded(): void;
  /** The first message of every session. */
  hello(): ServerMessage;
  log(error: unknown, message: string): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One open playground page. The page plays the customer: its call runs
 * through the emulator's ConversationRelay caller (tokens stream back as the
 * app sends them), its texts through the emulator's messaging customer.
 */
export class LiveSession {
  private readonly socket: WebSocket;
  private readonly host: LiveSessionHost;
  private call: EmulatedCall | undefined;
  /**
   * Set from `call.start` until the emulator returns the call: the page owns a
   * call from the moment it asks for one, so a second start is refused and a
   * hang-up is remembered for when the call exists.
   */
  private connecting: { hangup: boolean } | undefined;
  private stopFrames: (() => void) | undefined;
  /** The agent is mid-reply on the call: a new utterance must barge in first. */
  private speaking = false;
  /** Tokens of the current reply the caller has "heard" (sent as `utteranceUntilInterrupt`). */
  private heard = '';
  private closed = false;

  constructor(socket: WebSocket, host: LiveSessionHost) {
    this.socket = socket;
    this.host = host;
    socket.on('message', (data, isBinary) => {
      if (!isBinary) void this.handle(data.toString());
    });
    socket.on('close', () => void this.close());
    this.send(host.hello());
  }

  /** Send a message to the page (dropped once the page is gone). */
  send(message: ServerMessage): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  /** Hang up this page's call and close its socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const call = this.call;
    this.call = undefined;
    this.stopFrames?.();
    if (call?.connected) await call.hangup().catch((e) => this.host.log(e, 'hang-up on page close failed'));
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(1001, 'Playground stopping');
  }

  private async handle(raw: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      this.send({
        type: 'error',
        scope: 'protocol',
        message: `Bad message from the page: ${errorText(error)}`,
      });
      return;
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      // Someone scripting /api/live reads this: one line per problem, not zod's JSON.
      this.send({
        type: 'error',
        scope: 'protocol',
        message: `Bad message from the page:\n${z.prettifyError(parsed.error)}`,
      });
      return;
    }
    const message: ClientMessage = parsed.data;
    try {
      switch (message.type) {
        case 'call.start':
          await this.startCall();
          break;
        case 'call.say':
          await this.say(message.text);
          break;
        case 'call.dtmf':
          await this.requireCall().dtmf(message.digit);
          break;
        case 'call.hangup':
          await this.hangup();
          break;
        case 'message.send':
          await this.host.sendMessage(message.channel, message.text);
          break;
        case 'message.reset':
          await this.host.resetConversation(message.channel);
          break;
      }
    } catch (error) {
      const scope = message.type.startsWith('call.') ? 'call' : 'message';
      this.host.log(error, `playground ${message.type} failed`);
      this.send({ type: 'error', scope, message: errorText(error) });
    }
  }

  private requireCall(): EmulatedCall {
    if (!this.call?.connected) throw new Error('No call in progress: press "Call the agent" first.');
    return this.call;
  }

  private async startCall(): Promise<void> {
    // One call per page: a second one would have no owner, and stop() would wait for it to time out.
    if (this.connecting || this.call?.connected) {
      const live = this.connecting ? undefined : this.call;
      this.send({
        type: 'error',
        scope: 'call',
        message: live
          ? 'A call is already in progress: hang up first.'
          : 'A call is already connecting: wait for it, or hang up first.',
      });
      // The page drops a "connecting" state on a call error; say again where the call really is.
      this.send(
        live
          ? { type: 'call.state', state: 'live', callSid: live.callSid }
          : { type: 'call.state', state: 'connecting' },
      );
      return;
    }
    const pending = { hangup: false };
    this.connecting = pending;
    this.send({ type: 'call.state', state: 'connecting' });
    let call: EmulatedCall;
    try {
      call = await this.host.placeCall();
    } finally {
      this.connecting = undefined;
    }
    if (this.closed) {
      await call.hangup().catch(() => {});
      return;
    }
    this.call = call;
    this.stopFrames = undefined;
    this.speaking = false;
    this.heard = '';
    void call.ended.then(
      (end) => {
        if (this.call === call) {
          this.call = undefined;
          this.stopFrames?.();
        }
        this.send({
          type: 'call.ended',
          sessionStatus: end.sessionStatus,
          ...(end.handoffData ? { handoffData: end.handoffData } : {}),
        });
        this.host.callEnded();
      },
      (error) => this.host.log(error, 'call ended with an error'),
    );
    if (pending.hangup) {
      // Hung up while it rang: end it now; `ended` above tells the page, which never sees it live.
      await call.hangup();
      return;
    }
    // Tokens reach the page as the app streams them, not once the whole reply is in.
    this.stopFrames = call.on('frame', (frame) => {
      if (frame.type !== 'text' || this.call !== call) return;
      const token = frame.token;
      if (frame.last) {
        this.speaking = false;
        this.heard = '';
      } else {
        this.speaking = true;
        this.heard += token;
      }
      this.send({ type: 'call.token', token, last: frame.last === true });
    });
    this.send({
      type: 'call.state',
      state: 'live',
      callSid: call.callSid,
      ...(call.welcomeGreeting ? { greeting: call.welcomeGreeting } : {}),
    });
  }

  /** Typed text stands in for speech; while the agent talks it barges in with what was heard so far. */
  private async say(text: string): Promise<void> {
    const call = this.requireCall();
    if (this.speaking) {
      const heard = this.heard;
      this.speaking = false;
      this.heard = '';
      await call.interrupt({ utteranceUntilInterrupt: heard });
      this.send({ type: 'call.interrupted', heard });
    }
    await call.say(text);
  }

  private async hangup(): Promise<void> {
    if (this.connecting) {
      this.connecting.hangup = true;
      return;
    }
    const call = this.call;
    if (!call?.connected) {
      this.send({ type: 'call.ended', sessionStatus: 'completed' });
      return;
    }
    await call.hangup();
  }
}
