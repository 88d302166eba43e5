import type { AddressInfo } from 'node:net';
import {
  createLogger,
  isTACAgent,
  SMSChannel,
  TAC,
  type TACAgent,
  TACConfig,
  TACError,
  TACErrorCode,
  TACServer,
  VoiceChannel,
  WhatsAppChannel,
} from '@tac/core';
import { TwilioEmulator } from '@tac/testing';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  chooseDemoModel,
  DEMO_CUSTOMER_PHONE,
  DEMO_KNOWLEDGE_BASE,
  DEMO_SUGGESTIONS,
  type PlaygroundMode,
  seedDemo,
} from './demo/index.ts';
import { loadAgentModule } from './load-agent-module.ts';
import { type CustomerCard, createPlaygroundApp, LiveHub, type ServerMessage } from './server/index.ts';

/** The port used when neither `port` nor `PORT` is given. */
export const DEFAULT_PLAYGROUND_PORT = 3000;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

const PlaygroundOptionsSchema = z.object({
  /** Port of the page. `0` picks a free one. @defaultValue `PORT`, else 3000 (a free port if that is taken) */
  port: z.number().int().min(0, 'port must be 0 (any free port) or more').max(65_535).optional(),
  /** Interface of the page and the TAC server. Loopback by default: the playground has no authentication. @defaultValue '127.0.0.1' */
  host: z.string().min(1).default('127.0.0.1'),
  /** Your agent, or the path of a module exporting one (what `tac dev ./my-agent.ts` passes). @defaultValue the demo agent */
  agent: z
    .union([
      z.string().min(1, 'agent path must not be empty'),
      z.custom<TACAgent>(
        isTACAgent,
        'agent must be a TACAgent (from createAiSdkAgent, wrapOpenAIAgent or createRunnableAgent) or a module path',
      ),
    ])
    .optional(),
  /** Where `PORT`, `OPENAI_API_KEY`, `OPENAI_MODEL` and `TWILIO_LOG_LEVEL` are read. @defaultValue process.env */
  env: z
    .custom<Record<string, string | undefined>>(
      (v) => typeof v === 'object' && v !== null,
      'env must be an object of strings, like process.env',
    )
    .optional(),
  /** Pause between the offline demo model's words. @defaultValue 35 */
  tokenDelayMs: z.number().int().min(0).optional(),
  /** Log level of TAC, the emulator and the page server. @defaultValue `TWILIO_LOG_LEVEL`, else 'warn' */
  logLevel: z.enum(LOG_LEVELS).optional(),
  /**
   * Abandons the start-up (Ctrl-C while an agent module loads): the returned
   * promise rejects with the signal's reason once what already started is stopped.
   * @defaultValue none
   */
  signal: z.instanceof(AbortSignal, { message: 'signal must be an AbortSignal' }).optional(),
});

/** Options of {@link startPlayground}; all optional. */
export type PlaygroundOptions = z.input<typeof PlaygroundOptionsSchema>;

/** A running playground: the page, the TAC server with its agent, and the emulator behind both. */
export interface Playground {
  /** The page, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The port that was asked for but taken (the page moved to a free one). */
  readonly busyPort?: number;
  /** The TAC server Twilio (here: the emulator) calls. */
  readonly tacUrl: string;
  /** The emulator (every Twilio API on one origin). */
  readonly emulatorUrl: string;
  readonly mode: PlaygroundMode;
  readonly agent: TACAgent;
  /** The seeded customer the page calls and texts as. */
  readonly customer: CustomerCard;
  readonly emulator: TwilioEmulator;
  readonly tac: TAC;
  readonly server: TACServer;
  /** The page's fastify app. */
  readonly app: FastifyInstance;
  /** Hang up calls, close the page server, drain and stop TAC, stop the emulator. Safe to call twice. */
  stop(): Promise<void>;
}

function parseOptions(options: PlaygroundOptions): z.output<typeof PlaygroundOptionsSchema> {
  const result = PlaygroundOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  throw new TACError(
    TACErrorCode.INVALID_ARGUMENT,
    `Invalid playground options:\n${z.prettifyError(result.error)}`,
  );
}

function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TACError(TACErrorCode.INVALID_ARGUMENT, `PORT must be a port number (0-65535); got "${value}"`);
  }
  return port;
}

/** `TWILIO_LOG_LEVEL`, checked here: pino's own error for a bad level does not name the variable. */
function logLevelFromEnv(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const level = value.trim().toLowerCase();
  if (!isLogLevel(level)) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `TWILIO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${value}"`,
    );
  }
  return level;
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts. The
 * agent module's import and factory cannot be cancelled, so an abort leaves
 * them running; their outcome no longer matters, and a late failure must not
 * surface as an unhandled rejection.
 */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Listen on `port`, or on a free port when it is taken and `fallback` allows; says which happened. */
async function listen(app: FastifyInstance, host: string, port: number, fallback: boolean) {
  let busy = false;
  try {
    await app.listen({ host, port });
  } catch (error) {
    if (!fallback || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    busy = true;
    await app.listen({ host, port: 0 });
  }
  const address = app.server.address() as AddressInfo;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, busy };
}

async function resolveAgent(
  agentOption: string | TACAgent | undefined,
  env: Record<string, string | undefined>,
  tokenDelayMs: number | undefined,
): Promise<{ agent: TACAgent; mode: PlaygroundMode; demo: boolean }> {
  if (agentOption === undefined) {
    const { model, mode } = await chooseDemoModel(env, tokenDelayMs === undefined ? {} : { tokenDelayMs });
    // Loaded only for the demo: `tac dev` with your agent needs no agent framework of ours.
    const { createDemoAgent } = await import('./demo/demo-agent.ts');
    return { agent: createDemoAgent(model), mode, demo: true };
  }
  const agent = typeof agentOption === 'string' ? await loadAgentModule(agentOption) : agentOption;
  return {
    agent,
    demo: false,
    mode: {
      kind: 'custom',
      label: `Your agent · ${agent.name}`,
      description:
        typeof agentOption === 'string'
          ? `Serving the agent exported by ${agentOption}. Restart to pick up changes.`
          : 'Serving the agent passed to startPlayground().',
    },
  };
}

/**
 * Start the local playground in this process: the Twilio emulator (seeded
 * with a demo customer and knowledge base), a TAC runtime with voice, SMS and
 * WhatsApp behind a {@link TACServer}, and the web page that plays the
 * customer. Nothing in `@tac/core` knows about the playground: calls and texts
 * go through the emulator and TAC's real routes.
 *
 * @example
 * ```ts
 * const playground = await startPlayground({ port: 0 });
 * console.log(playground.url);
 * await playground.stop();
 * ```
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const opts = parseOptions(options);
  const env = opts.env ?? process.env;
  const level = opts.logLevel ?? logLevelFromEnv(env.TWILIO_LOG_LEVEL) ?? 'warn';
  const logger = createLogger({ level });
  const envPort = portFromEnv(env.PORT);
  const port = opts.port ?? envPort ?? DEFAULT_PLAYGROUND_PORT;
  // An explicit `port` option must be honored; PORT and the default may move to a free port.
  const fallback = opts.port === undefined;

  const { signal } = opts;
  signal?.throwIfAborted();

  // Load the agent first: a broken agent module should fail before anything listens.
  const { agent, mode, demo } = await unlessAborted(resolveAgent(opts.agent, env, opts.tokenDelayMs), signal);

  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        logger.warn({ err: error }, 'playground shutdown step failed');
      }
    }
  };

  try {
    const emulator = await TwilioEmulator.start({ knowledgeBase: { ...DEMO_KNOWLEDGE_BASE } });
    cleanup.push(() => emulator.stop());
    // Every step is short, so an abort is noticed between steps; the catch below undoes the ones done.
    signal?.throwIfAborted();
    const customer = seedDemo(emulator);

    const tac = await TAC.create({
      config: TACConfig.fromEnv({ ...emulator.env, TWILIO_LOG_LEVEL: level }),
      logger,
    });
    cleanup.push(() => tac.shutdown(5_000));
    signal?.throwIfAborted();
    const voice = tac.registerChannel(
      new VoiceChannel(tac, {
        memoryMode: 'once',
        twiml: { dtmfDetection: true },
        ...(demo ? { welcomeGreeting: 'Thanks for calling Cedar and Co. How can I help you today?' } : {}),
      }),
    );
    tac.registerChannel(new SMSChannel(tac, { memoryMode: 'always' }));
    tac.registerChannel(new WhatsAppChannel(tac, { memoryMode: 'always' }));
    tac.useAgent(agent);
    if (demo) {
      // App code, as any TAC app would write it: keypresses arrive here, and the demo reads them back.
      voice.onDtmf(async ({ conversationId, digit }) => {
        if (conversationId)
          await voice.sendResponse(
            conversationId,
            `You pressed ${digit === '*' ? 'star' : digit === '#' ? 'pound' : digit}.`,
          );
      });
    }

    const server = new TACServer(tac, { host: opts.host, port: 0 });
    const tacUrl = await server.start();
    cleanup.push(() => server.stop());
    signal?.throwIfAborted();
    emulator.setApp({ url: server.url ?? tacUrl });

    const info = {
      mode,
      agent: { name: agent.name, tools: agent.tools.map((t) => t.name) },
      customer,
      suggestions: DEMO_SUGGESTIONS,
      urls: { playground: '', tac: server.url ?? tacUrl, emulator: emulator.baseUrl },
    };
    const hub = new LiveHub({
      tac,
      emulator,
      customerPhone: DEMO_CUSTOMER_PHONE,
      hello: (): ServerMessage => ({ type: 'hello', ...info }),
    });
    const app = await createPlaygroundApp({
      hub,
      info: () => info,
      logger: logger.child({ component: 'playground' }) as FastifyBaseLogger,
    });
    cleanup.push(async () => {
      await hub.close();
      await app.close();
    });
    const { url, busy } = await listen(app, opts.host, port, fallback);
    signal?.throwIfAborted();
    info.urls.playground = url;

    let stopping: Promise<void> | undefined;
    return {
      url,
      ...(busy ? { busyPort: port } : {}),
      tacUrl: info.urls.tac,
      emulatorUrl: emulator.baseUrl,
      mode,
      agent,
      customer,
      emulator,
      tac,
      server,
      app,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
