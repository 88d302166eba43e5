/**
 * Builds the TAC app the benchmarks measure: the real `TAC`, `TACServer` and
 * channels from `@tac/core`, configured as a user would (default options and
 * default log level), with one difference only: the model is the same stub
 * the floors use.
 */
import {
  type MessageReadyHandler,
  SMSChannel,
  TAC,
  type TACConfigData,
  TACServer,
  VoiceChannel,
} from '@tac/core';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';
import { endlessModel, stubModel } from '../stubs/stub-model.ts';
import { applyExperiments, type Experiment, httpOptionsFor, tacOptionsFor } from './experiments.ts';

/** What to build. */
export interface TacAppOptions {
  /** Register a VoiceChannel (ConversationRelay on `/ws`). */
  voice: boolean;
  /** Register an SMSChannel (orchestrated mode: needs `apiBaseUrl`, a Twilio sink). */
  sms: boolean;
  /**
   * `stub`: 20 tokens at once; `endless`: a token a millisecond until aborted
   * (barge-in); `none`: the handler returns nothing, so no reply is sent (prices
   * the webhook path without turn work).
   */
  model: StubModelName;
  /** Origin of the Twilio sink (`TWILIO_API_BASE_URL`); required with `sms`. */
  apiBaseUrl?: string;
  /** Candidate fixes to try (see experiments.ts). @defaultValue [] */
  experiments?: readonly Experiment[];
  /** Called after each 2xx `/webhook` response (an `onResponse` hook; the messaging-load suite counts acks). */
  onWebhookAck?: () => void;
}

/** Which stub the handler runs. */
export type StubModelName = 'stub' | 'endless' | 'none';

/** The bench's stub handler: what `onMessageReady` returns. */
export function stubHandler(model: StubModelName): MessageReadyHandler {
  if (model === 'none') return () => undefined;
  return model === 'endless'
    ? ({ conversationId, signal }) => endlessModel(conversationId, signal)
    : ({ signal }) => stubModel(signal);
}

/** Build and start the TAC server on 127.0.0.1 (random port). */
export async function startTacApp(
  options: TacAppOptions,
): Promise<{ tac: TAC; server: TACServer; port: number }> {
  const config: TACConfigData = {
    accountSid: BENCH_ACCOUNT.accountSid,
    authToken: BENCH_ACCOUNT.authToken,
    apiKey: BENCH_ACCOUNT.apiKey,
    apiSecret: BENCH_ACCOUNT.apiSecret,
    phoneNumber: BENCH_ACCOUNT.phoneNumber,
    ...(options.sms
      ? {
          conversationConfigurationId: BENCH_ACCOUNT.conversationConfigurationId,
          apiBaseUrl: options.apiBaseUrl,
        }
      : {}),
  };
  const experiments = options.experiments ?? [];
  const tac = await TAC.create({
    config,
    options: tacOptionsFor(experiments),
    http: httpOptionsFor(experiments),
  });
  if (options.voice) applyExperiments(tac.registerChannel(new VoiceChannel(tac)), experiments);
  if (options.sms) tac.registerChannel(new SMSChannel(tac));
  tac.onMessageReady(stubHandler(options.model));
  // A short drain: the load generator hangs up every call before asking the server to stop.
  const server = new TACServer(tac, { host: '127.0.0.1', port: 0, drainTimeoutMs: 1_000 });
  const onAck = options.onWebhookAck;
  if (onAck) {
    server.fastify.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode < 300 && request.url.startsWith('/webhook')) onAck();
      done();
    });
  }
  await server.start();
  return { tac, server, port: server.port as number };
}
