import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../__fixtures__/fake-app.ts';
import { type CliRun, formatEnv, runCli, stopOnSignals } from './run-cli.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('tac-emulator CLI', () => {
  it('starts, seeds, and prints an env block an app can load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tac-emu-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({ profiles: [{ phone: '+15550001111' }], knowledge: [{ content: 'Open 9 to 5' }] }),
    );
    const { io, out, err } = capture();
    const run = await runCli(
      ['--app-url', 'http://127.0.0.1:8000', '--auth-token', 'tok', '--seed', seed],
      io,
    );
    try {
      const env = Object.fromEntries(
        out
          .join('')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(env['TWILIO_AUTH_TOKEN']).toBe('tok');
      expect(env['TWILIO_API_BASE_URL']).toBe(run?.emulator.baseUrl);
      expect(env['TWILIO_VOICE_PUBLIC_DOMAIN']).toBe('127.0.0.1:8000');
      expect(env['TWILIO_CONVERSATION_CONFIGURATION_ID']).toMatch(/^conv_configuration_/);
      expect(err.join('')).toContain('listening on');
      const emu = run?.emulator;
      if (!emu) throw new Error('no emulator');
      const lookup = await api(emu, 'POST', `/v1/Stores/${emu.memoryStoreId}/Profiles/Lookup`, {
        json: { idType: 'phone', value: '+15550001111' },
      });
      expect(lookup.body.profiles).toHaveLength(1);
      expect(emu.knowledge.chunks).toHaveLength(1);
    } finally {
      await run?.stop();
    }
  });

  it('prints usage for --help and fails clearly on bad arguments', async () => {
    const { io, out } = capture();
    expect(await runCli(['--help'], io)).toBeUndefined();
    expect(out.join('')).toContain('Usage: tac-emulator');
    await expect(runCli(['--nope'], io)).rejects.toThrow(/Unknown option/);
    await expect(runCli(['--port', 'abc'], io)).rejects.toThrow(/--port/);
    await expect(runCli(['--seed', '/nonexistent/seed.json'], io)).rejects.toThrow(/--seed/);
  });

  it('stops once on SIGINT/SIGTERM, ignores signals that follow while stopping, then exits 0', async () => {
    const signals = new EventEmitter();
    let finishStop: () => void = () => {};
    let stops = 0;
    const run = {
      stop: () => {
        stops += 1;
        return new Promise<void>((resolve) => {
          finishStop = resolve;
        });
      },
    } as CliRun;
    const exits: number[] = [];
    const exited = new Promise<void>((resolve) => {
      stopOnSignals(
        signals,
        () => Promise.resolve(run),
        (code) => {
          exits.push(code);
          resolve();
        },
      );
    });
    signals.emit('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));
    expect(stops).toBe(1);
    // The second Ctrl-C (npm forwards the terminal's) must find a listener, or Node's default kills the process.
    expect(signals.listenerCount('SIGINT')).toBe(1);
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    expect(stops).toBe(1);
    expect(exits).toEqual([]);
    finishStop();
    await exited;
    expect(exits).toEqual([0]);
  });

  it('removes its signal listeners when asked (a run that ends by itself)', () => {
    const signals = new EventEmitter();
    const remove = stopOnSignals(
      signals,
      () => undefined,
      () => {},
    );
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(2);
    remove();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('formats export lines safely', () => {
    expect(formatEnv({ A: "it's" }, true)).toBe("export A='it'\\''s'");
    expect(formatEnv({ A: '1', B: '2' })).toBe('A=1\nB=2');
  });
});
