import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTACAgent, TACError } from '@tac/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentModule } from './load-agent-module.ts';

const AGENT = `{ name: 'echo', tools: [], async *stream(input) { yield input.message; } }`;

describe('loadAgentModule', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tac-agent-module-'));
    await writeFile(join(dir, 'default.mjs'), `export default ${AGENT};`);
    await writeFile(join(dir, 'named.mjs'), `export const agent = ${AGENT};`);
    await writeFile(join(dir, 'factory.mjs'), `export default async () => (${AGENT});`);
    await writeFile(join(dir, 'nothing.mjs'), 'export const x = 1;');
    await writeFile(join(dir, 'wrong.mjs'), `export default { name: 'half' };`);
    await writeFile(
      join(dir, 'factory-throws.mjs'),
      `export default async () => { throw new Error('no API key'); };`,
    );
    await writeFile(join(dir, 'factory-undefined.mjs'), 'export default () => undefined;');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['default.mjs', 'named.mjs', 'factory.mjs'])('loads the agent from %s', async (file) => {
    const agent = await loadAgentModule(file, dir);
    expect(isTACAgent(agent)).toBe(true);
    expect(agent.name).toBe('echo');
  });

  it('names the missing export', async () => {
    const error = await loadAgentModule('nothing.mjs', dir).catch((e) => e);
    expect(TACError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/no default export and no `agent` export/);
  });

  it('says which agent members are missing', async () => {
    await expect(loadAgentModule('wrong.mjs', dir)).rejects.toThrow(
      /without `tools: TACTool\[\]`, `stream\(input\)`/,
    );
  });

  it('blames the module when its factory throws', async () => {
    const error = await loadAgentModule('factory-throws.mjs', dir).catch((e) => e);
    expect(TACError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^The agent factory exported by .*factory-throws\.mjs threw: no API key$/);
    expect(error.cause).toMatchObject({ message: 'no API key' });
  });

  it('says what a factory returned instead of an agent', async () => {
    await expect(loadAgentModule('factory-undefined.mjs', dir)).rejects.toThrow(
      /factory-undefined\.mjs exports a function that returned undefined, not an agent/,
    );
  });

  it('reports a missing file with its resolved path', async () => {
    await expect(loadAgentModule('./missing.ts', dir)).rejects.toThrow(
      /Agent module not found: .*missing\.ts/,
    );
  });
});
