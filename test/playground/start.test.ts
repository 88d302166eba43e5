/**
 * The README's first command, `npm start`, as a newcomer runs it: the start
 * script from package.json in a child process, wait for the ready line,
 * request the page, then Ctrl-C (SIGINT) and expect a clean exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm start`'s command with `node` replaced by this Node (npm puts the same Node 24 first on PATH). */
async function startCommand(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } };
  const [bin, ...args] = pkg.scripts.start.split(/\s+/);
  expect(bin).toBe('node');
  return args;
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function start(extraArgs: string[] = []): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  // The offline demo model, whatever the developer's shell has.
  delete env.OPENAI_API_KEY;
  const child = spawn(process.execPath, [...(await startCommand()), ...extraArgs], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /Playground\s+(http:\/\/\S+)/.exec(output);
      if (match && /Press Ctrl-C/.test(output)) resolve(match[1]!);
    };
    child.stdout?.on('data', onData);
    void exit.then(({ code, signal }) =>
      reject(new Error(`npm start exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });
  return { child, url, output: () => output, exit };
}

describe('npm start', () => {
  let running: Started | undefined;

  afterEach(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exit;
    }
    running = undefined;
  });

  it('brings up the playground, serves the page, and stops cleanly on Ctrl-C', async () => {
    running = await start();
    expect(running.output()).toContain('Offline demo model');
    expect(running.output()).toMatch(/Emulator\s+http:\/\/127\.0\.0\.1:\d+/);

    const page = await fetch(running.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>TAC Playground</title>');
    const script = await fetch(`${running.url}/app.js`);
    expect(script.status).toBe(200);
    const info = (await (await fetch(`${running.url}/api/info`)).json()) as { mode: { kind: string } };
    expect(info.mode.kind).toBe('offline');

    running.child.kill('SIGINT');
    const { code, signal } = await running.exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(running.output()).toContain('Stopped.');
  });

  it('stops cleanly on SIGTERM too', async () => {
    running = await start();
    running.child.kill('SIGTERM');
    expect((await running.exit).code).toBe(0);
  });

  it('fails fast with a clear message for a missing agent module', async () => {
    const error = await start(['dev', './no-such-agent.ts']).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/Agent module not found: .*no-such-agent\.ts/);
  });
});
