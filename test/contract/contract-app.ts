import {
  createSilentLogger,
  type SessionStore,
  SMSChannel,
  TAC,
  type TACAgent,
  TACConfig,
  TACServer,
  type UseAgentOptions,
  VoiceChannel,
} from '@tac/core';
import { type EmulatedCall, TwilioEmulator } from '@tac/testing';

/** One side of a conversation the suite drives the same way on every channel. */
export interface Conversation {
  channel: 'sms' | 'voice';
  /** Say or text something; resolves with the full reply. */
  send(text: string): Promise<string>;
  /** The conversation id TAC's session uses. */
  readonly id: string | undefined;
}

/** How the app around the agent is built (beyond the agent's own options). */
export interface ContractAppOptions {
  /** Where sessions and history live. @defaultValue TAC's in-memory store */
  sessionStore?: SessionStore;
}

/**
 * A TAC app with SMS and voice behind a real TACServer on 127.0.0.1, wired to
 * a fresh emulator, serving `agent`. `close()` stops both; call it in `afterEach`.
 */
export async function startContractApp(
  agent: TACAgent,
  options: Partial<UseAgentOptions> = {},
  app: ContractAppOptions = {},
) {
  const emu = await TwilioEmulator.start({ logger: false });
  try {
    const tac = await TAC.create({
      config: TACConfig.fromEnv(emu.env),
      logger: createSilentLogger(),
      sessionStore: app.sessionStore,
    });
    tac.registerChannel(new SMSChannel(tac, { memoryMode: 'never' }));
    tac.registerChannel(new VoiceChannel(tac, { memoryMode: 'never' }));
    tac.useAgent(agent, options);
    const server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
    const url = await server.start();
    emu.setApp({ url });
    const calls: EmulatedCall[] = [];

    /** An SMS customer. */
    const sms = (): Conversation => {
      const customer = emu.customer({ channel: 'sms' });
      return {
        channel: 'sms',
        async send(text) {
          await customer.send(text);
          return (await customer.nextReply()).text;
        },
        get id() {
          return customer.conversationId;
        },
      };
    };

    /** A phone call (the emulator is the caller). */
    const call = async (): Promise<EmulatedCall> => {
      const c = await emu.call();
      calls.push(c);
      return c;
    };

    const voice = async (): Promise<Conversation> => {
      const c = await call();
      return {
        channel: 'voice',
        async send(text) {
          await c.say(text);
          return (await c.nextReply()).text;
        },
        get id() {
          return c.conversationId ?? c.callSid;
        },
      };
    };

    return {
      emu,
      tac,
      sms,
      call,
      voice,
      /** A conversation on either channel. */
      open: (channel: 'sms' | 'voice') => (channel === 'sms' ? Promise.resolve(sms()) : voice()),
      async close() {
        await Promise.allSettled(calls.filter((c) => c.connected).map((c) => c.hangup()));
        await server.stop();
        await emu.stop();
      },
    };
  } catch (error) {
    await emu.stop();
    throw error;
  }
}

/** What {@link startContractApp} resolves with. */
export type ContractApp = Awaited<ReturnType<typeof startContractApp>>;
