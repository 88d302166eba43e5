import {
  createSilentLogger,
  TAC,
  type TACConfigData,
  type TACCreateOptions,
  TACServer,
  type TACServerOptions,
  VoiceChannel,
  type VoiceChannelOptions,
} from '@tac/core';
import { RelayClient } from './relay-client.ts';
import { postSignedForm } from './signed-fetch.ts';

export const AUTH_TOKEN = 'test-auth-token-0123456789';
export const ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const PHONE = '+15550001111';
export const CALLER = '+15557654321';

/** A relay-only configuration; REST calls point at a loopback port nothing listens on. */
export function testConfig(overrides: Partial<TACConfigData> = {}): TACConfigData {
  return {
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiKey: `SK${'1'.repeat(32)}`,
    apiSecret: 'api-secret',
    phoneNumber: PHONE,
    apiBaseUrl: 'http://127.0.0.1:9',
    logLevel: 'silent',
    ...overrides,
  };
}

/** A TAC + VoiceChannel + TACServer listening on 127.0.0.1 (random port). Call `close()` after. */
export async function startVoiceApp(
  options: {
    config?: Partial<TACConfigData>;
    voice?: VoiceChannelOptions;
    server?: TACServerOptions;
    tac?: Omit<TACCreateOptions, 'config'>;
  } = {},
) {
  const tac = await TAC.create({
    logger: createSilentLogger(),
    ...options.tac,
    config: testConfig(options.config),
  });
  const voice = tac.registerChannel(new VoiceChannel(tac, options.voice));
  const server = new TACServer(tac, { host: '127.0.0.1', port: 0, drainTimeoutMs: 2_000, ...options.server });
  await server.start();
  const baseUrl = server.url as string;
  const wsUrl = `${baseUrl.replace('http', 'ws')}/ws`;
  const clients: RelayClient[] = [];
  return {
    tac,
    voice,
    server,
    baseUrl,
    wsUrl,
    /** Open a signed ConversationRelay socket (not yet set up). */
    async connect(connectOptions: Parameters<typeof RelayClient.connect>[1] = {}) {
      const client = await RelayClient.connect(wsUrl, { authToken: AUTH_TOKEN, ...connectOptions });
      clients.push(client);
      return client;
    },
    /** Open a socket and send `setup`. */
    async call(setup: Record<string, unknown> = {}) {
      const client = await this.connect();
      client.setup(setup);
      return client;
    },
    postForm(
      path: string,
      form: Record<string, string>,
      opts: { signature?: string | null; signedUrl?: string } = {},
    ) {
      return postSignedForm(`${baseUrl}${path}`, form, { authToken: AUTH_TOKEN, ...opts });
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      await server.stop();
    },
  };
}

export type VoiceApp = Awaited<ReturnType<typeof startVoiceApp>>;

/** Poll until `check` is true (no timing assertion: only a bound for a hung test). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A token stream the test drives: `push` tokens, `end()` it; records whether the consumer aborted. */
export function controlledStream() {
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  async function* stream(): AsyncGenerator<string> {
    while (true) {
      if (queue.length > 0) {
        yield queue.shift() as string;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
  return {
    stream,
    push(...tokens: string[]) {
      queue.push(...tokens);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
  };
}
