import { EventEmitter } from 'node:events';
import type { CallEnd, EmulatedCall } from '@tac/testing';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { ServerMessage } from './live-protocol.ts';
import { LiveSession, type LiveSessionHost } from './live-session.ts';

/** The page's socket, as far as a session uses it: frames in, messages out. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: ServerMessage[] = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }
  close(): void {
    this.readyState = 3;
  }
  /** What the page sends. */
  frame(message: unknown): void {
    this.emit('message', Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)), false);
  }
}

/** A placed call that stays up until hung up. */
function fakeCall(callSid: string) {
  let end!: (value: CallEnd) => void;
  const ended = new Promise<CallEnd>((resolve) => {
    end = resolve;
  });
  const call = {
    callSid,
    connected: true,
    welcomeGreeting: undefined,
    ended,
    on: () => () => {},
    hangup: vi.fn(async () => {
      call.connected = false;
      const result: CallEnd = { sessionStatus: 'completed', callStatus: 'completed' };
      end(result);
      return result;
    }),
  };
  return call;
}

/** A session whose calls are placed only when the test says so. */
function setUp() {
  const socket = new FakeSocket();
  const placements: { resolve: (call: EmulatedCall) => void }[] = [];
  const host: LiveSessionHost = {
    placeCall: vi.fn(() => new Promise<EmulatedCall>((resolve) => placements.push({ resolve }))),
    sendMessage: async () => {},
    resetConversation: async () => {},
    callEnded: () => {},
    hello: () => ({
      type: 'hello',
      mode: { kind: 'custom', label: 'test', description: 'test' },
      agent: { name: 'test', tools: [] },
      customer: null,
      suggestions: [],
      urls: { playground: '', tac: '', emulator: '' },
    }),
    log: () => {},
  };
  const session = new LiveSession(socket as unknown as WebSocket, host);
  socket.sent.length = 0; // the hello
  return { socket, host, placements, session };
}

/** Let the session's handlers run up to their next real wait. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const callMessages = (socket: FakeSocket) =>
  socket.sent.filter((m) => m.type.startsWith('call.') || m.type === 'error');

describe('LiveSession calls', () => {
  it('refuses a second call.start while the first call is connecting, and owns only one call', async () => {
    const { socket, host, placements } = setUp();
    socket.frame({ type: 'call.start' });
    socket.frame({ type: 'call.start' });
    await settle();

    expect(host.placeCall).toHaveBeenCalledTimes(1);
    expect(callMessages(socket)).toEqual([
      { type: 'call.state', state: 'connecting' },
      {
        type: 'error',
        scope: 'call',
        message: 'A call is already connecting: wait for it, or hang up first.',
      },
      { type: 'call.state', state: 'connecting' },
    ]);

    const call = fakeCall('CA1');
    placements[0]!.resolve(call as unknown as EmulatedCall);
    await settle();
    socket.sent.length = 0;
    socket.frame({ type: 'call.start' });
    await settle();
    expect(host.placeCall).toHaveBeenCalledTimes(1);
    expect(callMessages(socket)).toEqual([
      { type: 'error', scope: 'call', message: 'A call is already in progress: hang up first.' },
      { type: 'call.state', state: 'live', callSid: 'CA1' },
    ]);

    socket.frame({ type: 'call.hangup' });
    await settle();
    expect(call.hangup).toHaveBeenCalledTimes(1);
    expect(socket.sent.at(-1)).toEqual({ type: 'call.ended', sessionStatus: 'completed' });
  });

  it('ends the call as soon as it is placed when the page hangs up while it connects', async () => {
    const { socket, placements } = setUp();
    socket.frame({ type: 'call.start' });
    socket.frame({ type: 'call.hangup' });
    await settle();
    // Nothing has ended yet: the call does not exist until the emulator returns it.
    expect(callMessages(socket)).toEqual([{ type: 'call.state', state: 'connecting' }]);

    const call = fakeCall('CA2');
    placements[0]!.resolve(call as unknown as EmulatedCall);
    await settle();

    expect(call.hangup).toHaveBeenCalledTimes(1);
    expect(callMessages(socket)).toEqual([
      { type: 'call.state', state: 'connecting' },
      { type: 'call.ended', sessionStatus: 'completed' },
    ]);
  });

  it('can call again after a hang-up while connecting', async () => {
    const { socket, host, placements } = setUp();
    socket.frame({ type: 'call.start' });
    socket.frame({ type: 'call.hangup' });
    await settle();
    placements[0]!.resolve(fakeCall('CA3') as unknown as EmulatedCall);
    await settle();

    socket.frame({ type: 'call.start' });
    await settle();
    placements[1]!.resolve(fakeCall('CA4') as unknown as EmulatedCall);
    await settle();
    expect(host.placeCall).toHaveBeenCalledTimes(2);
    expect(socket.sent.at(-1)).toEqual({ type: 'call.state', state: 'live', callSid: 'CA4' });
  });
});

describe('LiveSession protocol errors', () => {
  it('explains a bad frame in readable lines, not zod JSON', async () => {
    const { socket } = setUp();
    socket.frame({ type: 'call.dtmf', digit: 'x' });
    socket.frame('not json');
    await settle();

    const [invalid, notJson] = socket.sent;
    expect(invalid).toEqual({
      type: 'error',
      scope: 'protocol',
      message: 'Bad message from the page:\n✖ digit must be 0-9, * or #\n  → at digit',
    });
    expect(notJson).toMatchObject({
      type: 'error',
      scope: 'protocol',
      message: expect.stringMatching(/^Bad message from the page: Unexpected token .* is not valid JSON$/),
    });
  });
});
