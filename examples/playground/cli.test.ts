import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCliArgs, runCli } from './cli.ts';

describe('parseCliArgs', () => {
  it('reads `dev <path>`, a bare path and --agent the same way', () => {
    expect(parseCliArgs(['dev', './my-agent.ts'])).toEqual({ help: false, agent: './my-agent.ts' });
    expect(parseCliArgs(['./my-agent.ts'])).toEqual({ help: false, agent: './my-agent.ts' });
    expect(parseCliArgs(['--agent', './my-agent.ts', '--port', '0'])).toEqual({
      help: false,
      agent: './my-agent.ts',
      port: 0,
    });
    expect(parseCliArgs([])).toEqual({ help: false });
  });

  it('explains bad arguments', () => {
    expect(() => parseCliArgs(['--port', '99999'])).toThrow(/--port must be a port number/);
    expect(() => parseCliArgs(['dev', 'a.ts', 'b.ts'])).toThrow(/Unexpected arguments: b\.ts/);
    expect(() => parseCliArgs(['a.ts', '--agent', 'b.ts'])).toThrow(/either as an argument or with --agent/);
    expect(() => parseCliArgs(['--nope'])).toThrow(/Unknown option '--nope'[\s\S]*Usage:/);
  });
});

describe('runCli', () => {
  let dir: string;
  let output: string[];
  let waiters: { pattern: RegExp; resolve: () => void }[];
  /** Resolves once the CLI has printed a line matching `pattern`. */
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      if (output.some((line) => pattern.test(line))) resolve();
      else waiters.push({ pattern, resolve });
    });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tac-cli-'));
    output = [];
    waiters = [];
    const record = (...parts: unknown[]) => {
      const line = parts.join(' ');
      output.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) w.resolve();
    };
    vi.spyOn(console, 'log').mockImplementation(record);
    vi.spyOn(console, 'error').mockImplementation(record);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops on Ctrl-C while the agent module is still loading', async () => {
    // The factory never settles, like one stuck on a slow network call; it says when it has been reached.
    const file = join(dir, 'stuck.mjs');
    await writeFile(
      file,
      'export default () => { globalThis.__tacCliFactoryCalled?.(); return new Promise(() => {}); };',
    );
    const reached = new Promise<void>((resolve) => {
      (globalThis as { __tacCliFactoryCalled?: () => void }).__tacCliFactoryCalled = resolve;
    });
    const signals = new EventEmitter();

    const exit = runCli(['dev', file, '--port', '0'], {}, signals);
    await reached;
    signals.emit('SIGINT', 'SIGINT');

    expect(await exit).toBe(0);
    expect(output.join('\n')).toMatch(
      /Stopping \(SIGINT\) before the playground finished starting[\s\S]*Stopped\./,
    );
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('exits at once with 130 on a second Ctrl-C', async () => {
    const signals = new EventEmitter();
    const exit = runCli(['--port', '0'], { TWILIO_LOG_LEVEL: 'silent' }, signals);
    await printed(/Press Ctrl-C to stop/);

    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGINT', 'SIGINT');

    expect(await exit).toBe(130);
    expect(output.join('\n')).toContain('Received SIGINT again; exiting without waiting.');
    // The graceful stop goes on behind the forced exit; let it finish so nothing outlives the test.
    await printed(/^Stopped\.$/);
  });
});
