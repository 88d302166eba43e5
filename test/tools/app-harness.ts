import {
  createSilentLogger,
  type MemoryMode,
  SMSChannel,
  TAC,
  TACConfig,
  type TACOptions,
  TACServer,
  VoiceChannel,
} from '@tac/core';
import { TwilioEmulator } from '@tac/testing';

/** Options of {@link startApp}. */
export interface AppOptions {
  smsMemoryMode?: MemoryMode;
  voiceMemoryMode?: MemoryMode;
  options?: Partial<TACOptions>;
  /** Extra env over the emulator's (e.g. to unset the Studio flow). */
  env?: Record<string, string | undefined>;
}

/**
 * A TAC app (SMS + voice channels behind a real TACServer on 127.0.0.1) wired
 * to a fresh emulator. `close()` stops both; call it in `afterEach`.
 */
export async function startApp(options: AppOptions = {}) {
  const emu = await TwilioEmulator.start({ logger: false });
  try {
    const tac = await TAC.create({
      config: TACConfig.fromEnv({ ...emu.env, ...options.env }),
      logger: createSilentLogger(),
      options: options.options,
    });
    tac.registerChannel(new SMSChannel(tac, { memoryMode: options.smsMemoryMode ?? 'never' }));
    tac.registerChannel(new VoiceChannel(tac, { memoryMode: options.voiceMemoryMode ?? 'never' }));
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    const url = await server.start();
    emu.setApp({ url });
    return {
      emu,
      tac,
      server,
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

/** What {@link startApp} resolves with. */
export type App = Awaited<ReturnType<typeof startApp>>;
