import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { VoiceChannel, VoiceOrigins } from '../channels/voice/index.ts';
import { TACError, TACErrorCode } from '../errors/index.ts';
import { isOrchestratorEvent } from '../orchestrator/webhook-event.ts';
import type { TAC } from '../tac.ts';
import { ServerLifecycle } from './server-lifecycle.ts';
import {
  candidateUrls,
  formParams,
  type PublicUrlOptions,
  requestOrigin,
  type SignedRequestLike,
  validateFormSignature,
  validateJsonSignature,
  validateWebSocketSignature,
} from './signature.ts';

const routePath = z.string().regex(/^\/[\w\-./]*$/, 'must start with "/"');

/** Route paths; `null` leaves a route out. Voice paths default to the TAC configuration (they also go into TwiML). */
export const TACServerPathsSchema = z.object({
  /** Conversation Orchestrator webhooks (JSON). @defaultValue `'/webhook'` */
  webhook: routePath.nullable().optional(),
  /** Incoming-call TwiML (form). @defaultValue `'/twiml'` */
  twiml: routePath.nullable().optional(),
  /** ConversationRelay WebSocket. @defaultValue `TWILIO_VOICE_WEBSOCKET_PATH` (`'/ws'`) */
  websocket: routePath.nullable().optional(),
  /** `<Connect action>` callback (form). @defaultValue `TWILIO_VOICE_ACTION_PATH` (`'/conversation-relay-callback'`) */
  relayCallback: routePath.nullable().optional(),
  /** Call events base; `/status`, `/amd` and `/recording` are appended. @defaultValue `TWILIO_VOICE_CALL_EVENT_PATH` (`'/twilio/call-events'`) */
  callEvents: routePath.nullable().optional(),
  /** Conversation Intelligence webhook (JSON). @defaultValue `'/ci-webhook'` */
  cintelWebhook: routePath.nullable().optional(),
});

/** Route paths of {@link tacPlugin} and {@link TACServer}. */
export type TACServerPaths = z.input<typeof TACServerPathsSchema>;

/** zod schema of {@link TACPluginOptions} (without `tac`). */
export const TACPluginSettingsSchema = z.object({
  paths: TACServerPathsSchema.default({}),
  /** Largest accepted body (webhooks) and WebSocket message, in bytes. @defaultValue 1_048_576 */
  bodyLimit: z.number().int().positive().default(1_048_576),
  /** Rebuild signed URLs from `X-Forwarded-Proto`/`X-Forwarded-Host` (ngrok, load balancers). @defaultValue true */
  trustProxy: z.boolean().default(true),
  /**
   * Check `X-Twilio-Signature` on every POST and on the WebSocket upgrade with
   * `TWILIO_AUTH_TOKEN`. Turn off only for local experiments. @defaultValue true
   */
  validateSignatures: z.boolean().default(true),
  /** How long a graceful shutdown waits for open calls and turns. @defaultValue 30_000 */
  drainTimeoutMs: z.number().int().min(0).default(30_000),
});

/** Options of {@link tacPlugin}. */
export type TACPluginOptions = z.input<typeof TACPluginSettingsSchema> & {
  tac: TAC;
  /** @internal Shared with {@link TACServer} so `stop()` drains once. */
  lifecycle?: ServerLifecycle;
};

/** Parse plugin settings or throw `TAC_ERR_INVALID_ARGUMENT` naming every bad field. */
export function parseTACPluginSettings(options: unknown): z.output<typeof TACPluginSettingsSchema> {
  const result = TACPluginSettingsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new TACError(
    TACErrorCode.INVALID_ARGUMENT,
    `Invalid TAC server options:\n${z.prettifyError(result.error)}`,
    {
      context: { fields: result.error.issues.map((i) => i.path.join('.')) },
    },
  );
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_UTF8 = 'application/json; charset=utf-8';
/** The webhook acknowledgement, serialized once (a string body with a JSON type is sent as it is). */
const WEBHOOK_ACK = JSON.stringify({ status: 'ok' });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request as signature validation sees it: the raw URL (with query) and TLS state. */
function signedRequest(request: FastifyRequest): SignedRequestLike {
  return {
    url: request.raw.url ?? request.url,
    headers: request.headers,
    encrypted: (request.raw.socket as { encrypted?: boolean } | undefined)?.encrypted === true,
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The TAC routes as a fastify plugin, for your own server:
 * `POST /twiml`, `WS /ws`, `POST /conversation-relay-callback`,
 * `POST {voiceCallEventPath}/status|amd|recording`, `POST /webhook` and
 * `POST /ci-webhook`, with Twilio signature validation on all of them.
 * Body parsers live inside the plugin's scope, so your routes keep theirs.
 * Register `@fastify/websocket` before it if your app uses WebSockets too.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(tacPlugin, { tac });
 * await app.listen({ port: 8000 });
 * ```
 */
export async function tacPlugin(fastify: FastifyInstance, options: TACPluginOptions): Promise<void> {
  const { tac } = options;
  if (!tac) throw new TACError(TACErrorCode.INVALID_ARGUMENT, 'tacPlugin needs { tac }');
  const settings = parseTACPluginSettings({ ...options, tac: undefined, lifecycle: undefined });
  const lifecycle = options.lifecycle ?? new ServerLifecycle(tac, settings.drainTimeoutMs);
  const config = tac.config;
  const authToken = config.authToken;
  const urlOptions: PublicUrlOptions = {
    trustProxy: settings.trustProxy,
    publicDomain: config.values.voicePublicDomain,
  };
  const p = settings.paths;
  const paths = {
    webhook: p.webhook === undefined ? '/webhook' : p.webhook,
    twiml: p.twiml === undefined ? '/twiml' : p.twiml,
    websocket: p.websocket === undefined ? config.values.voiceWebsocketPath : p.websocket,
    relayCallback: p.relayCallback === undefined ? config.values.voiceActionPath : p.relayCallback,
    callEvents: p.callEvents === undefined ? config.values.voiceCallEventPath : p.callEvents,
    cintelWebhook: p.cintelWebhook === undefined ? '/ci-webhook' : p.cintelWebhook,
  };
  const log = tac.logger.child({ component: 'server' });
  if (!settings.validateSignatures)
    log.warn('Twilio signature validation is OFF: anyone can call these routes');

  // Twilio posts JSON and forms only: anything else is a clear 415 (in this plugin's scope only).
  if (fastify.hasContentTypeParser('text/plain')) fastify.removeContentTypeParser('text/plain');
  // JSON stays a raw string until the signature (bodySHA256) is checked; parsing happens in the route.
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: settings.bodyLimit },
    (_request, body, done) => done(null, body),
  );
  if (!fastify.hasContentTypeParser(FORM))
    await fastify.register(formbody, { bodyLimit: settings.bodyLimit });
  fastify.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const tacError = TACError.isInstance(error) ? error : undefined;
    const status =
      tacError?.code === TACErrorCode.WEBHOOK_INVALID || tacError?.code === TACErrorCode.INVALID_ARGUMENT
        ? 400
        : typeof error.statusCode === 'number' && error.statusCode >= 400
          ? error.statusCode
          : 500;
    if (status >= 500) tac.reportError(error, { stage: 'server', path: request.routeOptions.url });
    else
      log.warn({ path: request.routeOptions.url, status, code: tacError?.code ?? error.code }, error.message);
    void reply.code(status).send({ error: status >= 500 ? 'Internal Server Error' : error.message });
  });

  // Graceful shutdown when the host app closes fastify (TACServer.stop() has drained already: a no-op then).
  fastify.addHook('preClose', async () => {
    await lifecycle.drain();
  });

  const refuse = (request: FastifyRequest, reply: FastifyReply, why: string) => {
    log.warn({ path: request.routeOptions.url, why }, 'request refused: Twilio signature');
    return reply.code(403).type('text/plain').send('Forbidden: invalid Twilio signature');
  };

  const verifyForm = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!settings.validateSignatures) return;
    const signature = header(request, 'x-twilio-signature');
    if (!signature) return refuse(request, reply, 'missing X-Twilio-Signature');
    const urls = candidateUrls(signedRequest(request), urlOptions);
    if (!validateFormSignature(authToken, signature, urls, formParams(request.body))) {
      return refuse(request, reply, 'signature mismatch');
    }
  };

  const verifyJson = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!settings.validateSignatures) return;
    const signature = header(request, 'x-twilio-signature');
    if (!signature) return refuse(request, reply, 'missing X-Twilio-Signature');
    const urls = candidateUrls(signedRequest(request), urlOptions);
    const raw = typeof request.body === 'string' ? request.body : undefined;
    if (!validateJsonSignature(authToken, signature, urls, raw)) {
      return refuse(
        request,
        reply,
        raw === undefined ? 'not a JSON body' : 'signature or bodySHA256 mismatch',
      );
    }
  };

  const origins = (request: FastifyRequest): VoiceOrigins | undefined => {
    const origin = requestOrigin(signedRequest(request), urlOptions);
    if (!origin) return undefined;
    return {
      http: `${origin.scheme}://${origin.host}`,
      ws: `${origin.scheme === 'https' ? 'wss' : 'ws'}://${origin.host}`,
    };
  };

  const voiceChannel = () => tac.getChannel<VoiceChannel>('voice');
  const noVoice = (reply: FastifyReply) =>
    reply
      .code(503)
      .type('text/plain')
      .send('No voice channel registered: call tac.registerChannel(new VoiceChannel(tac))');
  const formBody = (request: FastifyRequest) => {
    if (request.body !== undefined && !isObject(request.body)) {
      throw new TACError(TACErrorCode.WEBHOOK_INVALID, `Expected a form body (${FORM})`);
    }
    return (request.body ?? {}) as Record<string, string | string[]>;
  };

  const parseJson = (request: FastifyRequest, reply: FastifyReply): Record<string, unknown> | undefined => {
    if (typeof request.body !== 'string') {
      void reply.code(415).send({ error: 'Expected an application/json body' });
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      void reply.code(400).send({ error: 'Invalid JSON body' });
      return undefined;
    }
    if (!isObject(body)) {
      void reply.code(400).send({ error: 'Webhook body must be a JSON object' });
      return undefined;
    }
    return body;
  };

  if (paths.twiml) {
    fastify.post(paths.twiml, { preValidation: verifyForm }, async (request, reply) => {
      const voice = voiceChannel();
      if (!voice) return noVoice(reply);
      if (voice.isDraining || lifecycle.isDraining) {
        // Twilio then uses the number's fallback URL.
        return reply.code(503).header('retry-after', '5').type('text/plain').send('Shutting down');
      }
      const xml = await voice.handleIncomingCall(formBody(request), origins(request));
      return reply.type('application/xml').send(xml);
    });
  }

  if (paths.websocket) {
    const websocketPath = paths.websocket;
    // @fastify/websocket hooks every request and wraps every route handler of the scope it is
    // registered in: a scope of its own keeps that off the webhook routes (the hot path of messaging).
    const wsServerOptions = {
      maxPayload: settings.bodyLimit,
      // A caller whose network vanished never answers our close frame; ws would wait 30 s for it
      // (holding `stop()`), 2 s is plenty for a live peer. (ws has the option; @types/ws not yet.)
      closeTimeout: 2_000,
    };
    await fastify.register(async (scope) => {
      if (!scope.hasDecorator('websocketServer')) {
        await scope.register(websocket, {
          options: wsServerOptions,
          preClose(done) {
            // Calls were drained already (the parent scope's preClose runs first); anything left is closed as "going away".
            for (const client of this.websocketServer.clients) client.close(1001, 'Server shutting down');
            this.websocketServer.close();
            done();
          },
        });
      }
      scope.get(websocketPath, { websocket: true }, (socket, request) => {
        if (settings.validateSignatures) {
          const signature = header(request, 'x-twilio-signature');
          const urls = candidateUrls(signedRequest(request), urlOptions, true);
          if (urls.length === 0) {
            socket.close(1008, 'Invalid request');
            return;
          }
          if (!signature || !validateWebSocketSignature(authToken, signature, urls)) {
            log.warn({ path: request.routeOptions.url }, 'WebSocket refused: Twilio signature');
            socket.close(1008, 'Invalid signature');
            return;
          }
        }
        const voice = voiceChannel();
        if (!voice) {
          socket.close(1011, 'No voice channel registered');
          return;
        }
        void voice.handleWebSocket(socket, { remoteAddress: request.ip });
      });
    });
  }

  if (paths.relayCallback) {
    fastify.post(paths.relayCallback, { preValidation: verifyForm }, async (request, reply) => {
      const voice = voiceChannel();
      if (!voice) return noVoice(reply);
      const result = await voice.handleActionCallback(formBody(request));
      return reply.code(result.status).type(result.contentType).send(result.body);
    });
  }

  if (paths.callEvents) {
    const routes = {
      status: (v: VoiceChannel, form: Record<string, string | string[]>) => v.handleCallStatusEvent(form),
      amd: (v: VoiceChannel, form: Record<string, string | string[]>) => v.handleAmdEvent(form),
      recording: (v: VoiceChannel, form: Record<string, string | string[]>) => v.handleRecordingEvent(form),
    };
    for (const [kind, handle] of Object.entries(routes)) {
      fastify.post(`${paths.callEvents}/${kind}`, { preValidation: verifyForm }, async (request, reply) => {
        const voice = voiceChannel();
        if (!voice) return noVoice(reply);
        await handle(voice, formBody(request));
        return reply.code(200).type('text/plain').send('');
      });
    }
  }

  if (paths.webhook) {
    // The hot path under a message flood: check, parse, acknowledge, and only then (next
    // iteration of the event loop) dispatch; channels queue the turn (admission control).
    const webhookOptions = {
      preValidation: verifyJson,
      // No per-request child logger (a pino child per webhook); this route logs through `log`.
      childLoggerFactory: (logger: FastifyBaseLogger) => logger,
    };
    fastify.post(paths.webhook, webhookOptions, async (request, reply) => {
      const body = parseJson(request, reply);
      if (!body) return reply;
      if (!isOrchestratorEvent(body)) {
        return reply.code(400).send({
          error:
            'Expected a Conversation Orchestrator webhook: {"eventType": string, "data": object, "timestamp"?: string}',
        });
      }
      const event = body;
      if (lifecycle.isDraining && event.eventType === 'COMMUNICATION_CREATED') {
        // No new turns while shutting down: a 2xx would lose the message, a 503 makes Twilio retry
        // (another instance, or this one once restarted). Lifecycle events are still handled.
        return reply.code(503).header('retry-after', '5').send({ error: 'Shutting down' });
      }
      const idempotencyToken = header(request, 'i-twilio-idempotency-token');
      reply.code(200).type(JSON_UTF8).send(WEBHOOK_ACK);
      // Twilio times out webhooks after a few seconds: answer first, then run the turn.
      const dispatch = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => tac.handleOrchestratorEvent(event, { idempotencyToken }))
        .catch((error) => tac.reportError(error, { stage: 'webhook' }));
      lifecycle.track(dispatch);
      return reply;
    });
  }

  if (paths.cintelWebhook) {
    fastify.post(paths.cintelWebhook, { preValidation: verifyJson }, async (request, reply) => {
      if (!config.isCintelEnabled()) {
        return reply.code(400).send({
          error: 'Conversation Intelligence is not enabled',
          hint: 'Set TWILIO_TAC_CI_CONFIGURATION_ID (and TWILIO_TAC_CI_SUMMARY_OPERATOR_SID) to process these events',
        });
      }
      const body = parseJson(request, reply);
      if (!body) return reply;
      const result = await tac.processCintelEvent(body);
      return reply.code(200).send(result);
    });
  }
}
