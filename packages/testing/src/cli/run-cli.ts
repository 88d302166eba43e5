import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type EmulatorOptions, parseOptions } from '../emulator/options.ts';
import { TwilioEmulator } from '../emulator/twilio-emulator.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';

/** Usage text of `tac-emulator`. */
export const USAGE = `Usage: tac-emulator [options]

Runs the local Twilio emulator and prints the environment an app needs.

Options:
  -p, --port <n>          port to listen on (default: a random free port)
      --host <host>       interface (default: 127.0.0.1)
      --app-url <url>     where the app listens, e.g. http://127.0.0.1:8000
                          (Orchestrator webhooks and calls go there)
      --relay-only        no Conversation Configuration (ConversationRelay-only voice)
      --v1-bridge         create inbound messaging participants as UNKNOWN
      --seed <file.json>  seed data: { "profiles": [...], "knowledge": [...] }
      --account-sid, --auth-token, --api-key, --api-secret, --phone-number <value>
                          fixed credentials instead of random ones
      --export            print "export KEY=value" lines (for eval in a shell)
      --log               log every request
  -h, --help              show this help
`;

const SeedSchema = z.object({
  profiles: z
    .array(
      z.object({
        phone: z.string().optional(),
        email: z.string().optional(),
        traits: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
        observations: z.array(z.string()).optional(),
        summaries: z.array(z.string()).optional(),
      }),
    )
    .default([]),
  knowledge: z
    .array(z.object({ content: z.string().min(1), knowledgeId: z.string().optional() }))
    .default([]),
});

/** Where the CLI writes. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A started CLI run. */
export interface CliRun {
  emulator: TwilioEmulator;
  stop(): Promise<void>;
}

/** Where {@link stopOnSignals} listens: `process`, or a stand-in in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * On SIGINT or SIGTERM, stop the run (once it started) and then `exit(0)`.
 * The listeners stay installed while stopping: Ctrl-C in a terminal reaches
 * both npm and the CLI and npm forwards it, so a second signal follows at once,
 * and with no listener left it would kill the process (exit 130) before the
 * emulator stopped. Further signals are ignored. Returns the function that
 * removes the listeners (for runs that end without a signal, e.g. `--help`).
 */
export function stopOnSignals(
  source: SignalSource,
  run: () => Promise<CliRun | undefined> | undefined,
  exit: (code: number) => void,
): () => void {
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void Promise.resolve(run())
      .then((started) => started?.stop())
      .catch(() => undefined)
      .finally(() => exit(0));
  };
  source.on('SIGINT', shutdown);
  source.on('SIGTERM', shutdown);
  return () => {
    source.off('SIGINT', shutdown);
    source.off('SIGTERM', shutdown);
  };
}

/** Render an env object as `KEY=value` lines (or `export KEY='value'`). */
export function formatEnv(env: Record<string, string>, exportStyle = false): string {
  return Object.entries(env)
    .map(([k, v]) => (exportStyle ? `export ${k}='${v.replaceAll("'", "'\\''")}'` : `${k}=${v}`))
    .join('\n');
}

/**
 * Parse `argv`, start the emulator, seed it and print the env block to
 * stdout (diagnostics go to stderr, so `tac-emulator > .env` works). Returns
 * undefined for `--help`.
 */
export async function runCli(argv: string[], io: CliIO): Promise<CliRun | undefined> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new EmulatorError(EmulatorErrorCode.INVALID_OPTIONS, `${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    io.stdout(USAGE);
    return undefined;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EmulatorError(
      EmulatorErrorCode.INVALID_OPTIONS,
      `--port must be a port number, got "${values.port}"`,
    );
  }
  const options: EmulatorOptions = {
    port,
    orchestrated: !values['relay-only'],
    v1Bridge: values['v1-bridge'] ?? false,
    logger: values.log ?? false,
  };
  if (values.host) options.host = values.host;
  if (values['account-sid']) options.accountSid = values['account-sid'];
  if (values['auth-token']) options.authToken = values['auth-token'];
  if (values['api-key']) options.apiKey = values['api-key'];
  if (values['api-secret']) options.apiSecret = values['api-secret'];
  if (values['phone-number']) options.phoneNumber = values['phone-number'];
  if (values['app-url']) options.app = { url: values['app-url'] };
  const seed = values.seed ? readSeed(values.seed) : undefined;
  const emulator = await TwilioEmulator.start(options);
  for (const profile of seed?.profiles ?? []) emulator.memory.seedProfile(profile);
  if (seed?.knowledge.length) emulator.knowledge.seed(seed.knowledge);
  io.stderr(`Twilio emulator listening on ${emulator.baseUrl} (Ctrl-C to stop)\n`);
  if (!values['app-url']) io.stderr('No --app-url: webhooks and calls wait for one (see README).\n');
  io.stdout(`${formatEnv(emulator.env, values.export ?? false)}\n`);
  return { emulator, stop: () => emulator.stop() };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'app-url': { type: 'string' },
      'relay-only': { type: 'boolean' },
      'v1-bridge': { type: 'boolean' },
      seed: { type: 'string' },
      'account-sid': { type: 'string' },
      'auth-token': { type: 'string' },
      'api-key': { type: 'string' },
      'api-secret': { type: 'string' },
      'phone-number': { type: 'string' },
      export: { type: 'boolean' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function readSeed(file: string): z.output<typeof SeedSchema> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EmulatorError(EmulatorErrorCode.INVALID_OPTIONS, `--seed ${file}: ${(error as Error).message}`);
  }
  return parseOptions(SeedSchema, json, `seed file ${file}`);
}
