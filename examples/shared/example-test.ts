/** The test every adapter example runs: a clear message without settings, a clean start and stop with them. */
import { spawn } from 'node:child_process';
import { TwilioEmulator } from '@tac/testing';
import { afterEach, describe, expect, it } from 'vitest';

/** Run an example's main.ts; resolve with its exit code and output. `onOutput` may stop it. */
function runExample(
  main: string,
  env: Record<string, string>,
  onOutput?: (out: string, stop: () => void) => void,
) {
  const child = spawn(process.execPath, ['--conditions=@tac/source', main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
  };
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    onOutput?.(out, stop);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Describe the example at `main` (an absolute path to its main.ts). */
export function describeExample(name: string, main: string): void {
  // Each case boots a Node process that loads the framework: give a busy CI machine room.
  describe(name, { timeout: 60_000 }, () => {
    let emu: TwilioEmulator | undefined;
    afterEach(async () => {
      await emu?.stop();
    });

    it('says what it needs when OPENAI_API_KEY and the Twilio settings are missing', async () => {
      const { code, out } = await runExample(main, {});
      expect(code).toBe(1);
      expect(out).toContain('OPENAI_API_KEY');
      expect(out).toContain('TWILIO_ACCOUNT_SID');
      expect(out).toContain('npx tac-emulator');
    });

    it('starts voice and SMS against the emulator and stops on SIGTERM', async () => {
      emu = await TwilioEmulator.start({ logger: false });
      const env = {
        ...emu.env,
        OPENAI_API_KEY: 'sk-offline-test',
        PORT: '0',
        HOST: '127.0.0.1',
        TWILIO_LOG_LEVEL: 'error',
      };
      const { code, out } = await runExample(main, env, (text, stop) => {
        if (text.includes('listening on')) stop();
      });
      expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toContain('lookup_order');
      expect(code).toBe(0);
    });
  });
}
