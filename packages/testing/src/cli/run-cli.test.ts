import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../__fixtures__/fake-app.ts';
import { formatEnv, runCli } from './run-cli.ts';

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

  it('formats export lines safely', () => {
    expect(formatEnv({ A: "it's" }, true)).toBe("export A='it'\\''s'");
    expect(formatEnv({ A: '1', B: '2' })).toBe('A=1\nB=2');
  });
});
