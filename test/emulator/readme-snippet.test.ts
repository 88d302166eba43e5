/**
 * The READMEs' "test your agent against the emulator" snippets run as written:
 * the "Test your agent" block of packages/testing/README.md (a vitest file in
 * itself) and the "Test your own agent against the emulator" block of the root
 * README (a script that prints the replies). Both are copied below verbatim;
 * the last test checks that every line of each README block still appears
 * here, in order, so the copies cannot drift from the docs.
 */
import { readFileSync } from 'node:fs';
import { SMSChannel, TAC, TACConfig, TACServer, VoiceChannel } from '@tac/core';
import { TwilioEmulator } from '@tac/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

describe('packages/testing/README.md: Test your agent', () => {
  // --- verbatim from packages/testing/README.md (imports above) ---
  let emu: TwilioEmulator;
  let server: TACServer;

  beforeEach(async () => {
    emu = await TwilioEmulator.start(); // random port, fresh credentials
    const tac = await TAC.create({ config: TACConfig.fromEnv(emu.env) }); // TWILIO_API_BASE_URL points at it
    tac.registerChannel(new SMSChannel(tac));
    tac.registerChannel(new VoiceChannel(tac));
    tac.onMessageReady(async ({ message }) => `You said: ${message}`); // or tac.useAgent(yourAgent)
    server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    emu.setApp({ url: await server.start() }); // webhooks and calls go here
  });

  afterEach(async () => {
    await server.stop();
    await emu.stop();
  });

  it('answers an SMS', async () => {
    const alice = emu.customer({ channel: 'sms' });
    await alice.send('Hello');
    expect((await alice.nextReply()).text).toBe('You said: Hello');
  });

  it('answers a phone call', async () => {
    const call = await emu.call();
    await call.say('What are your hours?');
    expect((await call.nextReply()).text).toBe('You said: What are your hours?');
    expect((await call.hangup()).sessionStatus).toBe('completed');
  });
  // --- end of the snippet ---
});

describe('README.md: Test your own agent against the emulator', () => {
  // The snippet stops what it starts; these catch a failure halfway (stop() is safe twice).
  const started: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const s of started.splice(0).reverse()) await s.stop();
  });

  it('runs as written and prints both replies', async () => {
    const startEmulator = TwilioEmulator.start.bind(TwilioEmulator);
    vi.spyOn(TwilioEmulator, 'start').mockImplementation(async (options) => {
      const e = await startEmulator(options);
      started.push(e);
      return e;
    });
    const startServer = TACServer.prototype.start;
    vi.spyOn(TACServer.prototype, 'start').mockImplementation(function (this: TACServer) {
      started.push(this);
      return startServer.call(this);
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});

    // --- verbatim from README.md (imports above) ---
    const emu = await TwilioEmulator.start(); // Orchestrator, Memory, Knowledge, Studio, Calls on 127.0.0.1
    const tac = await TAC.create({ config: TACConfig.fromEnv(emu.env) }); // TWILIO_API_BASE_URL points at it
    tac.registerChannel(new SMSChannel(tac));
    tac.registerChannel(new VoiceChannel(tac));
    tac.onMessageReady(async ({ message }) => `You said: ${message}`); // or tac.useAgent(yourAgent)
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    emu.setApp({ url: await server.start() });

    const alice = emu.customer({ channel: 'sms' });
    await alice.send('Hello');
    console.log((await alice.nextReply()).text); // You said: Hello

    const call = await emu.call();
    await call.say('What are your hours?');
    console.log((await call.nextReply()).text); // streamed tokens, joined
    await call.hangup();
    await server.stop();
    await emu.stop();
    // --- end of the snippet ---

    expect(log.mock.calls).toEqual([['You said: Hello'], ['You said: What are your hours?']]);
    expect(emu.calls.get(call.callSid)?.status).toBe('completed');
    expect(started).toHaveLength(2);
  });
});

describe('the copies above are the READMEs’ snippets', () => {
  /** The first ```ts block after `heading` in a markdown file. */
  function snippet(readme: URL, heading: string): string[] {
    const text = readFileSync(readme, 'utf8');
    const at = text.indexOf(`\n${heading}\n`);
    expect(at, `heading "${heading}" in ${readme.pathname}`).toBeGreaterThanOrEqual(0);
    const open = text.indexOf('```ts\n', at);
    const close = text.indexOf('\n```', open + 6);
    return text.slice(open + 6, close).split('\n');
  }

  const self = readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim());

  /** Every non-blank line (imports aside: merged at the top) is in this file, in order. */
  function missingLines(lines: string[]): string[] {
    const missing: string[] = [];
    let from = 0;
    for (const line of lines.map((l) => l.trim())) {
      if (!line || line.startsWith('import ')) continue;
      const i = self.indexOf(line, from);
      if (i < 0) missing.push(line);
      else from = i + 1;
    }
    return missing;
  }

  /** Names the snippet imports that this file does not import from the same module (order aside: Biome sorts ours). */
  function missingImports(lines: string[]): string[] {
    const imported = (line: string) => {
      const m = /^import \{ (.+) \} from '(.+)';$/.exec(line);
      return (m?.[1] ?? '').split(', ').map((name) => `${m?.[2]}: ${name}`);
    };
    const ours = new Set(self.filter((l) => l.startsWith('import {')).flatMap(imported));
    return lines
      .filter((l) => l.startsWith('import '))
      .flatMap(imported)
      .filter((n) => !ours.has(n));
  }

  it('packages/testing/README.md "Test your agent"', () => {
    const lines = snippet(new URL('../../packages/testing/README.md', import.meta.url), '## Test your agent');
    expect(lines.length).toBeGreaterThan(20);
    expect(missingLines(lines)).toEqual([]);
    expect(missingImports(lines)).toEqual([]);
  });

  it('README.md "Test your own agent against the emulator"', () => {
    const lines = snippet(
      new URL('../../README.md', import.meta.url),
      '## Test your own agent against the emulator',
    );
    expect(lines.length).toBeGreaterThan(15);
    expect(missingLines(lines)).toEqual([]);
    expect(missingImports(lines)).toEqual([]);
  });
});
