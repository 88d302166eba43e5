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

  it('reports a missing file with its resolved path', async () => {
    await expect(loadAgentModule('./missing.ts', dir)).rejects.toThrow(
      /Agent module not found: .*missing\.ts/,
    );
  });
});
