import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/tac-emulator.js', import.meta.url));

it('the tac-emulator bin starts the emulator (from source when unbuilt), prints the env and stops on SIGINT (sent twice, as npm forwards Ctrl-C)', async () => {
  const child = spawn(process.execPath, [bin, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no env printed; output: ${out}`)), 15_000);
    child.stdout.on('data', () => {
      if (out.includes('TWILIO_API_BASE_URL=')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
  });
  expect(out).toMatch(/TWILIO_API_BASE_URL=http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/TWILIO_ACCOUNT_SID=AC[0-9a-f]{32}/);
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  child.kill('SIGINT');
  expect(await exit).toBe(0);
});
