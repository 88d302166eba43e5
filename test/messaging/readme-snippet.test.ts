/**
 * The README's SMS quickstart (fixtures/sms-bot.ts) runs as written: started
 * as its own Node process with the emulator's environment, it answers a
 * customer's SMS, with Memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TwilioEmulator } from '@tac/testing';
import { afterEach, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/sms-bot.ts', import.meta.url));
const tryScript = fileURLToPath(new URL('./fixtures/try-sms.ts', import.meta.url));
let child: ChildProcess | undefined;
let emu: TwilioEmulator | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await emu?.stop();
  emu = undefined;
});

/** Resolves with the first stdout line matching `pattern`, or rejects when the process exits first. */
function waitForLine(proc: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(pattern);
      if (match) resolve(match);
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.once('exit', (code) =>
      reject(new Error(`sms-bot exited (${code}) before listening:\n${out}\n${err}`)),
    );
  });
}

it('README SMS quickstart answers an SMS against the emulator', async () => {
  emu = await TwilioEmulator.start();
  emu.memory.seedProfile({ phone: '+15557654321', observations: ['Ordered a blue kettle last week'] });
  child = spawn(process.execPath, ['--conditions=@tac/source', script], {
    env: { PATH: process.env.PATH, ...emu.env, PORT: '0', TWILIO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [, port] = await waitForLine(child, /SMS agent listening on https?:\/\/[^\s:]+:(\d+)/);
  emu.setApp({ url: `http://127.0.0.1:${port}` });

  const newcomer = emu.customer({ channel: 'sms' });
  await newcomer.send('Hi there');
  expect((await newcomer.nextReply({ timeoutMs: 10_000 })).text).toBe('You said: "Hi there".');

  const regular = emu.customer({ channel: 'sms', address: '+15557654321' });
  await regular.send('Where is my kettle?');
  expect((await regular.nextReply({ timeoutMs: 10_000 })).text).toBe(
    'You said: "Where is my kettle?". Good to hear from you again!',
  );
});

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

it('README "try it offline" script prints the bot\'s reply and exits', async () => {
  const port = await freePort();
  child = spawn(process.execPath, ['--conditions=@tac/source', tryScript], {
    env: { PATH: process.env.PATH, PORT: String(port), TWILIO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const [line] = await waitForLine(child, /Reply: .*/);
  expect(line).toBe('Reply: You said: "Hi there".');
  const [code] = await exited;
  expect(code).toBe(0);
});
