import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { z } from 'zod';
import type { VoiceChannel } from '../channels/voice/index.ts';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TAC } from '../tac.ts';
import { ServerLifecycle } from './server-lifecycle.ts';
import { TACPluginSettingsSchema, tacPlugin } from './tac-plugin.ts';

/** zod schema of {@link TACServerOptions}. */
export const TACServerOptionsSchema = TACPluginSettingsSchema.extend({
  /** @defaultValue `'0.0.0.0'` */
  host: z.string().min(1).default('0.0.0.0'),
  /** `0` picks a free port. @defaultValue 8000 */
  port: z.number().int().min(0).max(65_535).default(8000),
  /**
   * Your own fastify instance: TAC's routes are registered on it, and `start()`/`stop()` listen and
   * close it. Create it with `forceCloseConnections: true` (as TACServer's own is) so that a client
   * that never finishes a request cannot hold `stop()` open.
   */
  fastify: z
    .custom<FastifyInstance>(
      (v) =>
        typeof v === 'object' && v !== null && typeof (v as { register?: unknown }).register === 'function',
      'must be a fastify instance',
    )
    .optional(),
});

/** Options of {@link TACServer}. */
export type TACServerOptions = z.input<typeof TACServerOptionsSchema>;

/**
 * The batteries-included HTTP + WebSocket server (fastify 5): `POST /twiml`,
 * `WS /ws`, `POST /conversation-relay-callback`, call events, `POST /webhook`
 * and `POST /ci-webhook`, every one signature-checked. Add your own routes on
 * {@link TACServer.fastify}; or mount {@link tacPlugin} in an existing app.
 *
 * @example
 * ```ts
 * const server = new TACServer(tac, { host: '0.0.0.0', port: 8000 });
 * await server.start();
 * process.on('SIGTERM', () => server.stop());
 * ```
 */
export class TACServer {
  readonly tac: TAC;
  /** The fastify instance (for custom routes, hooks, `inject()` in tests). */
  readonly fastify: FastifyInstance;
  readonly options: z.output<typeof TACServerOptionsSchema>;
  private readonly lifecycle: ServerLifecycle;
  private stopping: Promise<void> | undefined;

  constructor(tac: TAC, options: TACServerOptions = {}) {
    this.tac = tac;
    const result = TACServerOptionsSchema.safeParse(options);
    if (!result.success) {
      throw new TACError(
        TACErrorCode.INVALID_ARGUMENT,
        `Invalid TACServer options:\n${z.prettifyError(result.error)}`,
        {
          context: { fields: result.error.issues.map((i) => i.path.join('.')) },
        },
      );
    }
    this.options = result.data;
    this.lifecycle = new ServerLifecycle(tac, this.options.drainTimeoutMs);
    this.fastify =
      this.options.fastify ??
      Fastify({
        // Request lines at info would be noise; warnings and errors come through, PII-masked.
        // (Never louder than TAC's own level: a silent or error-only logger stays so.)
        loggerInstance: tac.logger.child(
          { component: 'http' },
          {
            level: tac.logger.levelVal > (tac.logger.levels.values['warn'] ?? 40) ? tac.logger.level : 'warn',
          },
        ) as FastifyBaseLogger,
        bodyLimit: this.options.bodyLimit,
        trustProxy: this.options.trustProxy,
        // By the time fastify closes, stop() has drained calls and turns: what is still connected
        // (a client that never finished its request, an idle socket) must not hold shutdown open.
        forceCloseConnections: true,
      });
    if (!this.options.fastify) this.fastify.setNotFoundHandler(notFound);
    const { fastify: _own, host: _host, port: _port, ...settings } = this.options;
    this.fastify.register(tacPlugin, { ...settings, tac, lifecycle: this.lifecycle });
  }

  /**
   * Listen. Resolves with the address (e.g. `http://127.0.0.1:8000`). Without
   * `TWILIO_VOICE_PUBLIC_DOMAIN`, TwiML URLs come from each request's Host
   * (and outbound calls use this address).
   */
  async start(): Promise<string> {
    const address = await this.fastify.listen({ host: this.options.host, port: this.options.port });
    const port = this.port;
    const voice = this.tac.getChannel<VoiceChannel>('voice');
    if (voice && port !== undefined) {
      const host = ['0.0.0.0', '::', '[::]'].includes(this.options.host) ? '127.0.0.1' : this.options.host;
      voice.setLocalOrigins?.({ http: `http://${host}:${port}`, ws: `ws://${host}:${port}` });
    }
    if (voice && !this.tac.config.values.voicePublicDomain) {
      this.tac.logger.info(
        'TWILIO_VOICE_PUBLIC_DOMAIN is unset: voice URLs follow each request’s Host header',
      );
    }
    return address;
  }

  /** The listening port, once started. */
  get port(): number | undefined {
    const address = this.fastify.server.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** `http://host:port` of the listening server, once started. */
  get url(): string | undefined {
    const port = this.port;
    if (port === undefined) return undefined;
    const host = ['0.0.0.0', '::'].includes(this.options.host) ? '127.0.0.1' : this.options.host;
    return `http://${host}:${port}`;
  }

  /**
   * Graceful stop: new calls get 503 (Twilio falls back), open calls and
   * in-flight turns drain (up to `drainTimeoutMs`, then close with 1001), and
   * the server closes. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.lifecycle.drain();
      await this.fastify.close();
    })();
    return this.stopping;
  }
}

/**
 * fastify's 404, plus: a WebSocket upgrade to a path other than the voice socket is closed once
 * answered. Node hands an upgrade request's socket over whole (no HTTP parser left to close it), so
 * a stray upgrade (a scanner, a wrong URL in the TwiML) would otherwise stay open and hold
 * `stop()` forever, since closing the server waits for every socket.
 */
function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.headers.upgrade) {
    const socket = request.raw.socket;
    reply.header('connection', 'close');
    reply.raw.once('finish', () => socket.destroySoon());
  }
  return reply.code(404).send({
    message: `Route ${request.method}:${request.url} not found`,
    error: 'Not Found',
    statusCode: 404,
  });
}
