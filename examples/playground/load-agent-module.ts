import { access } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTACAgent, type TACAgent, TACError, TACErrorCode } from '@tac/core';

const EXAMPLE = `
  // my-agent.ts
  import { createAiSdkAgent } from '@tac/ai-sdk';
  export default createAiSdkAgent({ model, instructions: 'You are helpful.', tools: [] });`;

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const v = value as Record<string, unknown>;
  const missing = [
    typeof v.name === 'string' ? undefined : '`name: string`',
    Array.isArray(v.tools) ? undefined : '`tools: TACTool[]`',
    typeof v.stream === 'function' ? undefined : '`stream(input)`',
  ].filter(Boolean);
  return `an object without ${missing.join(', ')}`;
}

/**
 * Import the developer's agent module for `tac dev` / `npm start -- --agent`.
 * The module exports a {@link TACAgent} as its default export or as `agent`,
 * or a function (sync or async) returning one. TypeScript modules load
 * through Node's type stripping, so no build step is needed.
 *
 * @throws TACError `TAC_ERR_INVALID_ARGUMENT` when the file is missing, fails
 * to load, its factory throws, or it exports no agent; the message names the
 * module and says what was found and what is expected.
 */
export async function loadAgentModule(modulePath: string, cwd = process.cwd()): Promise<TACAgent> {
  const file = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  try {
    await access(file);
  } catch {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `Agent module not found: ${file} (from "${modulePath}").`,
      {
        context: { modulePath },
      },
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `Could not load agent module ${file}: ${(error as Error).message}`,
      { cause: error, context: { modulePath } },
    );
  }
  const exported = mod.default ?? mod.agent;
  if (exported === undefined) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `${file} has no default export and no \`agent\` export. Export the agent, for example:${EXAMPLE}`,
      { context: { modulePath, exports: Object.keys(mod) } },
    );
  }
  // A factory lets the module build its agent lazily (after env is read).
  const isFactory = typeof exported === 'function' && !isTACAgent(exported);
  let candidate: unknown = exported;
  if (isFactory) {
    try {
      candidate = await exported();
    } catch (error) {
      // Without this the developer's own error reads as if the playground had failed.
      throw new TACError(
        TACErrorCode.INVALID_ARGUMENT,
        `The agent factory exported by ${file} threw: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, context: { modulePath } },
      );
    }
  }
  if (!isTACAgent(candidate)) {
    const found = isFactory
      ? `exports a function that returned ${describe(candidate)}`
      : `exports ${describe(candidate)}`;
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `${file} ${found}, not an agent. Export what createAiSdkAgent, wrapOpenAIAgent or createRunnableAgent return, for example:${EXAMPLE}`,
      { context: { modulePath } },
    );
  }
  return candidate;
}
