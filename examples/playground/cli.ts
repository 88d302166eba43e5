import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TACError, TACErrorCode } from '@tac/core';
import { type Playground, startPlayground } from './playground.ts';

/** Printed by `--help`. */
export const USAGE = `TAC playground: talk to an agent over voice, SMS and WhatsApp, locally, with no Twilio account.

Usage:
  npm start                              the demo agent (offline demo model, or OpenAI with OPENAI_API_KEY)
  npm start -- dev ./my-agent.ts         serve your own agent (same as: tac dev ./my-agent.ts)
  npm start -- --agent ./my-agent.ts     the same

Options:
  --agent <path>   module exporting a TACAgent (default export or \`agent\`, or a function returning one)
  --port <n>       port of the page (default: $PORT, else 3000; 0 = any free port)
  --host <addr>    interface to listen on (default 127.0.0.1)
  -h, --help       this text

Environment:
  OPENAI_API_KEY   use OpenAI instead of the offline demo model (demo agent only)
  OPENAI_MODEL     OpenAI model id (default gpt-4o-mini)
  TWILIO_LOG_LEVEL TAC's log level (default warn)`;

/** What the command line asked for. */
export interface CliArgs {
  help: boolean;
  agent?: string;
  port?: number;
  host?: string;
}

const ARG_CONFIG = {
  options: {
    agent: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
} as const;

/**
 * Parse `[dev] [agent-path] [--agent path] [--port n] [--host addr] [--help]`.
 * @throws TACError with an actionable message on bad arguments.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<typeof ARG_CONFIG>>;
  try {
    parsed = parseArgs({ ...ARG_CONFIG, args: [...argv] });
  } catch (error) {
    throw new TACError(TACErrorCode.INVALID_ARGUMENT, `${(error as Error).message}\n\n${USAGE}`);
  }
  const positionals = [...parsed.positionals];
  if (positionals[0] === 'dev') positionals.shift();
  if (positionals.length > 1) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `Unexpected arguments: ${positionals.slice(1).join(' ')}\n\n${USAGE}`,
    );
  }
  const agent = parsed.values.agent ?? positionals[0];
  if (parsed.values.agent && positionals[0]) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      'Give the agent module once: either as an argument or with --agent.',
    );
  }
  let port: number | undefined;
  if (parsed.values.port !== undefined) {
    port = Number(parsed.values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new TACError(
        TACErrorCode.INVALID_ARGUMENT,
        `--port must be a port number (0-65535); got "${parsed.values.port}"`,
      );
    }
  }
  return {
    help: parsed.values.help === true,
    ...(agent ? { agent } : {}),
    ...(port === undefined ? {} : { port }),
    ...(parsed.values.host ? { host: parsed.values.host } : {}),
  };
}

/** The start-up banner: the URLs and the mode. The line starting with "Playground" is the ready line. */
export function formatBanner(playground: Playground): string {
  const tools = playground.agent.tools.map((t) => t.name).join(', ') || 'none';
  return [
    '',
    'TAC playground is running (no Twilio account needed: Twilio is emulated locally)',
    '',
    `  Playground   ${playground.url}    <- open this in your browser${playground.busyPort === undefined ? '' : ` (port ${playground.busyPort} was in use)`}`,
    `  Mode         ${playground.mode.label}: ${playground.mode.description}`,
    `  Agent        ${playground.agent.name} (tools: ${tools})`,
    `  TAC server   ${playground.tacUrl}  (POST /twiml, WS /ws, POST /webhook)`,
    `  Emulator     ${playground.emulatorUrl}  (Twilio APIs: Orchestrator, Memory, Knowledge, Studio, Calls)`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** Where SIGINT/SIGTERM arrive: `process`, or a stand-in (an `EventEmitter`) in tests. */
export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Run the playground from the command line (what `npm start` and `tac dev`
 * do): start it, print the banner, and stop everything on SIGINT/SIGTERM, also
 * while it is still starting (an agent module can take long to load). A second
 * signal exits at once with 130, whatever is under way.
 * Resolves with the exit code once stopped (or at once for `--help`/errors).
 * @param signals where the signals come from. @defaultValue process
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  signals: SignalSource = process,
): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  // Listen before anything starts: a Ctrl-C during start-up (or right after the banner) still stops cleanly.
  const latch = new SignalLatch(signals);
  try {
    // A second Ctrl-C means "now": skip the graceful stop, during start-up as well as after it.
    const forced = latch.second.then((again) => {
      console.error(`\nReceived ${again} again; exiting without waiting.`);
      return 130;
    });
    return await Promise.race([serve(args, env, latch), forced]);
  } finally {
    latch.dispose();
  }
}

/** Start the playground, then stop it on the first signal; returns the exit code. */
async function serve(args: CliArgs, env: NodeJS.ProcessEnv, latch: SignalLatch): Promise<number> {
  const abort = new AbortController();
  const starting = startPlayground({
    env,
    // npm runs scripts from the repository root; a relative path means the caller's directory.
    ...(args.agent ? { agent: resolve(env.INIT_CWD ?? process.cwd(), args.agent) } : {}),
    ...(args.port === undefined ? {} : { port: args.port }),
    ...(args.host ? { host: args.host } : {}),
    signal: abort.signal,
  });
  const first = await Promise.race([
    starting.then(
      (playground) => ({ playground }),
      (error: unknown) => ({ error }),
    ),
    latch.first.then((signal) => ({ signal })),
  ]);

  if ('signal' in first) {
    console.log(`\nStopping (${first.signal}) before the playground finished starting…`);
    abort.abort();
    // startPlayground undoes what it started before it rejects; one that won the race by a hair still runs.
    const started = await starting.catch(() => undefined);
    return stopPlayground(started);
  }
  if ('error' in first) {
    console.error(`Could not start the playground: ${(first.error as Error).message}`);
    return 1;
  }

  console.log(formatBanner(first.playground));
  const signal = await latch.first;
  console.log(`\nStopping (${signal}): hanging up calls, draining turns, stopping the emulator…`);
  return stopPlayground(first.playground);
}

async function stopPlayground(playground: Playground | undefined): Promise<number> {
  try {
    await playground?.stop();
  } catch (error) {
    console.error(`Shutdown failed: ${(error as Error).message}`);
    return 1;
  }
  console.log('Stopped.');
  return 0;
}

/** SIGINT/SIGTERM as promises: the first asks for a graceful stop, the second for an immediate one. */
class SignalLatch {
  readonly first: Promise<NodeJS.Signals>;
  readonly second: Promise<NodeJS.Signals>;
  private readonly source: SignalSource;
  private readonly listener: (signal: NodeJS.Signals) => void;

  constructor(source: SignalSource) {
    this.source = source;
    let resolveFirst!: (s: NodeJS.Signals) => void;
    let resolveSecond!: (s: NodeJS.Signals) => void;
    this.first = new Promise((r) => {
      resolveFirst = r;
    });
    this.second = new Promise((r) => {
      resolveSecond = r;
    });
    let count = 0;
    this.listener = (signal) => {
      count += 1;
      if (count === 1) resolveFirst(signal);
      else resolveSecond(signal);
    };
    source.on('SIGINT', this.listener);
    source.on('SIGTERM', this.listener);
  }

  dispose(): void {
    this.source.off('SIGINT', this.listener);
    this.source.off('SIGTERM', this.listener);
  }
}
