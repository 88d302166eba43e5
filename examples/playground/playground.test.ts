import { TwilioEmulator } from '@tac/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type Playground, startPlayground } from './playground.ts';
import type { ServerMessage } from './server/live-protocol.ts';

/** A page's side of `/api/live`: every message received, and a way to wait for one. */
class PageClient {
  readonly messages: ServerMessage[] = [];
  readonly socket: WebSocket;
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.messages.push(message);
      for (const w of [...this.waiters]) {
        if (w.test(message)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<PageClient> {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/live`, { headers });
    const client = new PageClient(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  next<T extends ServerMessage>(test: (m: ServerMessage) => boolean): Promise<T> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve) =>
      this.waiters.push({ test, resolve: resolve as (m: ServerMessage) => void }),
    );
  }

  close(): void {
    this.socket.close();
  }
}

describe('startPlayground', () => {
  let playground: Playground | undefined;
  let page: PageClient | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    page?.close();
    await playground?.stop();
    playground = undefined;
    page = undefined;
  });

  it('serves the agent of a module (tac dev) and drives it over SMS', async () => {
    playground = await startPlayground({
      port: 0,
      agent: 'examples/playground/my-agent.example.ts',
      env: {},
      tokenDelayMs: 0,
      logLevel: 'silent',
    });
    expect(playground.mode.kind).toBe('custom');
    expect(playground.agent.tools.map((t) => t.name)).toEqual([
      'lookup_order',
      'search_knowledge',
      'handoff',
    ]);

    page = await PageClient.connect(playground.url);
    const hello = await page.next((m) => m.type === 'hello');
    expect(hello).toMatchObject({ type: 'hello', mode: { kind: 'custom', label: 'Your agent · my-agent' } });

    page.send({ type: 'message.send', channel: 'sms', text: 'Where is my order 1234?' });
    const tool = await page.next((m) => m.type === 'tac' && m.event === 'tool-call-end');
    expect(tool).toMatchObject({
      data: { toolName: 'lookup_order', input: { orderNumber: '1234' }, status: 'completed' },
    });
    const reply = await page.next((m) => m.type === 'message.reply');
    expect(reply).toMatchObject({ channel: 'sms', text: expect.stringContaining('status shipped') });
  });

  it('serves the demo agent offline: memory retrieval over WhatsApp', async () => {
    playground = await startPlayground({ port: 0, env: {}, tokenDelayMs: 0, logLevel: 'silent' });
    expect(playground.mode).toMatchObject({ kind: 'offline', label: 'Offline demo model' });
    page = await PageClient.connect(playground.url);

    page.send({ type: 'message.send', channel: 'whatsapp', text: 'What do you remember about me?' });
    const memory = await page.next((m) => m.type === 'tac' && m.event === 'memory-retrieved');
    expect(memory).toMatchObject({ data: { channel: 'whatsapp', memory: { hasMemoryFeatures: true } } });
    const tool = await page.next((m) => m.type === 'tac' && m.event === 'tool-call-end');
    expect(tool).toMatchObject({ data: { toolName: 'retrieve_profile_memory', status: 'completed' } });
    const reply = await page.next((m) => m.type === 'message.reply');
    expect(reply).toMatchObject({
      channel: 'whatsapp',
      text: expect.stringMatching(/^Here's what I remember, Maya: .*(tent|text messages|Biscuit)/),
    });
  });

  it('reports bad page messages and call commands without a call', async () => {
    playground = await startPlayground({ port: 0, env: {}, tokenDelayMs: 0, logLevel: 'silent' });
    page = await PageClient.connect(playground.url);

    page.send({ type: 'call.dtmf', digit: 'x' });
    const bad = await page.next((m) => m.type === 'error' && m.scope === 'protocol');
    expect(bad).toMatchObject({ message: expect.stringContaining('digit must be 0-9, * or #') });

    page.send({ type: 'call.say', text: 'hello?' });
    const noCall = await page.next((m) => m.type === 'error' && m.scope === 'call');
    expect(noCall).toMatchObject({ message: expect.stringContaining('No call in progress') });
  });

  it.each([
    'https://evil.example',
    // What sandboxed frames and file:// pages send; not a URL.
    'null',
    'not a url',
  ])('refuses WebSocket connections from origin %s with 1008', async (origin) => {
    playground = await startPlayground({ port: 0, env: {}, logLevel: 'silent' });
    const socket = new WebSocket(`${playground.url.replace('http', 'ws')}/api/live`, { headers: { origin } });
    const closed = await new Promise<[number, string]>((resolve) =>
      socket.on('close', (code, reason) => resolve([code, reason.toString()])),
    );
    expect(closed).toEqual([1008, 'Cross-origin connections are not allowed']);
  });

  it('places one call per page: a second call.start is refused while the first connects', async () => {
    playground = await startPlayground({ port: 0, env: {}, tokenDelayMs: 0, logLevel: 'silent' });
    page = await PageClient.connect(playground.url);

    page.send({ type: 'call.start' });
    page.send({ type: 'call.start' });
    const refused = await page.next((m) => m.type === 'error' && m.scope === 'call');
    expect(refused).toMatchObject({ message: expect.stringContaining('already connecting') });
    await page.next((m) => m.type === 'call.state' && m.state === 'live');

    page.send({ type: 'call.hangup' });
    await page.next((m) => m.type === 'call.ended');
    expect(page.messages.filter((m) => m.type === 'call.state' && m.state === 'live')).toHaveLength(1);
    expect(playground.emulator.calls.all).toHaveLength(1);
    expect(playground.emulator.calls.active).toHaveLength(0);
  });

  it('fails at start with an actionable message for bad options', async () => {
    await expect(startPlayground({ port: -1 })).rejects.toThrow(/port must be 0 \(any free port\) or more/);
    await expect(startPlayground({ env: { PORT: 'abc' } })).rejects.toThrow(/PORT must be a port number/);
    await expect(startPlayground({ env: { TWILIO_LOG_LEVEL: 'verbose' } })).rejects.toThrow(
      'TWILIO_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"',
    );
  });

  it('stops what it already started when start-up is aborted', async () => {
    const abort = new AbortController();
    let started: TwilioEmulator | undefined;
    const start = TwilioEmulator.start.bind(TwilioEmulator);
    vi.spyOn(TwilioEmulator, 'start').mockImplementationOnce(async (options) => {
      started = await start(options);
      vi.spyOn(started, 'stop');
      // Ctrl-C arrives while the emulator was starting.
      abort.abort();
      return started;
    });

    await expect(
      startPlayground({ port: 0, env: {}, logLevel: 'silent', signal: abort.signal }),
    ).rejects.toThrow(/aborted/);
    expect(started?.stop).toHaveBeenCalledTimes(1);
  });
});
