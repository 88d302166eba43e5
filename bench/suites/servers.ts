import { join } from 'node:path';
import { BenchChild, SERVER_CPU } from '../lib/child.ts';
import type { SuiteContext } from '../lib/suite.ts';
import type { StubModelName } from '../servers/tac-app.ts';

/** Start our TACServer (see `servers/tac-server.ts`) pinned to the server core. */
export function tacServerChild(opts: {
  voice?: boolean;
  sms?: boolean;
  model: StubModelName;
  api?: string;
  exposeGc?: boolean;
  /** Count 2xx webhook acks in the server (an `onResponse` hook). */
  countAcks?: boolean;
}): Promise<BenchChild> {
  const nodeArgs: string[] = [];
  if (opts.exposeGc) nodeArgs.push('--expose-gc');
  const args = [`--model=${opts.model}`];
  if (opts.voice) args.push('--voice');
  if (opts.sms) args.push('--sms');
  if (opts.api) args.push(`--api=${opts.api}`);
  if (opts.countAcks) args.push('--count-acks');
  return BenchChild.start({
    name: 'tac-server',
    script: join('bench', 'servers', 'tac-server.ts'),
    args,
    cpu: SERVER_CPU,
    nodeArgs,
    discardStdout: true,
  });
}

/**
 * Run `phase` with a CPU profile of `server` when the run was started with
 * `--profile` (written to bench/results/profiles/<name>.cpuprofile); just run
 * it otherwise.
 */
export async function profiled<T>(
  ctx: SuiteContext,
  server: BenchChild,
  name: string,
  phase: () => Promise<T>,
): Promise<T> {
  if (!ctx.profile) return phase();
  await server.call('profileStart');
  try {
    return await phase();
  } finally {
    await server.call('profileStop', { file: join(ctx.profileDir, `${name}.cpuprofile`) });
  }
}

/** Start the hand-written minimal ConversationRelay server (the voice floor). */
export function minimalCrChild(model: 'stub' | 'endless', exposeGc = false): Promise<BenchChild> {
  return BenchChild.start({
    name: 'minimal-cr',
    script: join('bench', 'baselines', 'minimal-cr-server.ts'),
    args: [`--model=${model}`],
    cpu: SERVER_CPU,
    nodeArgs: exposeGc ? ['--expose-gc'] : [],
  });
}
