import {
  ChatChannel,
  type ChatChannelOptions,
  createSilentLogger,
  type ErrorContext,
  type MessagingChannelOptions,
  RCSChannel,
  SMSChannel,
  TAC,
  TACConfig,
  type TACOptions,
  TACServer,
  WhatsAppChannel,
} from '@tac/core';
import { type EmulatorOptions, signJsonWebhook, TwilioEmulator } from '@tac/testing';

/** Options of {@link startMessagingApp}. */
export interface MessagingAppOptions {
  sms?: MessagingChannelOptions;
  whatsapp?: MessagingChannelOptions;
  rcs?: MessagingChannelOptions;
  chat?: ChatChannelOptions;
  emulator?: EmulatorOptions;
  /** Extra env over the emulator's. */
  env?: Record<string, string>;
  options?: Partial<TACOptions>;
}

/**
 * A TAC app with the four messaging channels behind a real TACServer on
 * 127.0.0.1, wired to a fresh emulator. Collects `onError` reports.
 * `close()` stops both; call it in `afterEach`.
 */
export async function startMessagingApp(options: MessagingAppOptions = {}) {
  const emu = await TwilioEmulator.start({ logger: false, ...options.emulator });
  try {
    const tac = await TAC.create({
      config: TACConfig.fromEnv({ ...emu.env, ...options.env }),
      logger: createSilentLogger(),
      options: options.options,
    });
    const errors: { error: Error; context: ErrorContext }[] = [];
    tac.onError((error, context) => {
      errors.push({ error, context });
    });
    const channels = {
      sms: tac.registerChannel(new SMSChannel(tac, options.sms)),
      whatsapp: tac.registerChannel(new WhatsAppChannel(tac, options.whatsapp)),
      rcs: tac.registerChannel(new RCSChannel(tac, options.rcs)),
      chat: tac.registerChannel(new ChatChannel(tac, options.chat)),
    };
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    const url = await server.start();
    emu.setApp({ url });
    return {
      emu,
      tac,
      server,
      url,
      channels,
      errors,
      /** POST a JSON body to the app as Twilio would (signed unless `signed: false`). */
      async post(path: string, body: string, init: { signed?: boolean } = {}) {
        const target = `${url}${path}`;
        const signed = signJsonWebhook(emu.authToken, target, body);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (init.signed !== false) headers['x-twilio-signature'] = signed.signature;
        return fetch(signed.url, { method: 'POST', headers, body });
      },
      async close() {
        await server.stop();
        await emu.stop();
      },
    };
  } catch (error) {
    await emu.stop();
    throw error;
  }
}

/** What {@link startMessagingApp} resolves with. */
export type MessagingApp = Awaited<ReturnType<typeof startMessagingApp>>;

/** A promise plus its resolver, to hold a turn open. */
export function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
