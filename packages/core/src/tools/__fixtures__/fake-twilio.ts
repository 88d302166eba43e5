import { createSilentLogger } from '../../logging/index.ts';
import { type ConversationSession, createSession } from '../../session/index.ts';
import { TAC, type TACCreateOptions } from '../../tac.ts';
import type { ToolContext } from '../types.ts';

/** One request the code under test sent. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  json?: unknown;
  form?: Record<string, string>;
  authorization?: string;
}

/** A canned answer; `hang` never answers (until the request is aborted). */
export type FakeAnswer = { status?: number; body?: unknown; hang?: boolean };
export type FakeRoute = FakeAnswer | ((req: RecordedRequest) => FakeAnswer);

export const CONFIGURATION_ID = `conv_configuration_${'0'.repeat(26)}`;
export const STORE_ID = `mem_store_${'1'.repeat(26)}`;
export const FLOW_SID = `FW${'c'.repeat(32)}`;
export const BASE_URL = 'http://twilio.test';

/**
 * A fetch that answers from `routes` (keys `"METHOD /path"`), records every
 * request, and answers 404 for anything else. Hanging routes reject when the
 * request's signal aborts, as real fetch does.
 */
export function fakeTwilio(routes: Record<string, FakeRoute>) {
  const requests: RecordedRequest[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const type = headers.get('content-type') ?? '';
    const raw = typeof init.body === 'string' ? init.body : undefined;
    const req: RecordedRequest = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      json: raw && type.includes('json') ? JSON.parse(raw) : undefined,
      form: raw && type.includes('urlencoded') ? Object.fromEntries(new URLSearchParams(raw)) : undefined,
      authorization: headers.get('authorization') ?? undefined,
    };
    requests.push(req);
    const route = routes[`${req.method} ${req.path}`];
    const answer: FakeAnswer =
      route === undefined
        ? { status: 404, body: { message: 'not found' } }
        : typeof route === 'function'
          ? route(req)
          : route;
    if (answer.hang) {
      return new Promise<Response>((_, reject) => {
        const signal = init.signal;
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    requests,
    find: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  };
}

/** Options of {@link createTestTAC}. */
export interface TestTACOptions {
  routes?: Record<string, FakeRoute>;
  /** Orchestrated mode with a configuration. @defaultValue true */
  orchestrated?: boolean;
  /** Memory store id of the configuration; `null` for none. @defaultValue STORE_ID */
  storeId?: string | null;
  config?: Record<string, unknown>;
  options?: TACCreateOptions['options'];
}

/** A TAC over a fake Twilio: silent logger, no retries. */
export async function createTestTAC(opts: TestTACOptions = {}) {
  const orchestrated = opts.orchestrated ?? true;
  const storeId = opts.storeId === undefined ? STORE_ID : opts.storeId;
  const fake = fakeTwilio({
    [`GET /v2/ControlPlane/Configurations/${CONFIGURATION_ID}`]: {
      body: { id: CONFIGURATION_ID, ...(storeId ? { memoryStoreId: storeId } : {}) },
    },
    ...opts.routes,
  });
  const tac = await TAC.create({
    config: {
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'token',
      apiKey: `SK${'b'.repeat(32)}`,
      apiSecret: 'secret',
      phoneNumber: '+15550001111',
      apiBaseUrl: BASE_URL,
      ...(orchestrated ? { conversationConfigurationId: CONFIGURATION_ID } : {}),
      ...opts.config,
    },
    logger: createSilentLogger(),
    http: { fetch: fake.fetch, retries: 0 },
    options: opts.options,
  });
  fake.requests.length = 0; // forget the configuration fetch
  return { tac, ...fake };
}

/** A stored SMS session for a customer. */
export async function storedSession(
  tac: TAC,
  init: Partial<ConversationSession> = {},
): Promise<ConversationSession> {
  const session = createSession({
    conversationId: 'conv_conversation_1',
    channel: 'sms',
    authorInfo: { address: '+15557654321', participantId: 'conv_participant_customer' },
    ...init,
  });
  await tac.sessions.set(session);
  return session;
}

/** A tool context for a session. */
export function toolContext(
  tac: TAC,
  session: ConversationSession,
  signal = new AbortController().signal,
): ToolContext {
  return { tac, session, channel: session.channel, signal };
}
