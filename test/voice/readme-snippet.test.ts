import { createSilentLogger, TAC, TACConfig, TACServer, VoiceChannel } from '@tac/core';
import { afterEach, expect, it } from 'vitest';
import { RelayClient } from './helpers/relay-client.ts';
import { AUTH_TOKEN } from './helpers/voice-app.ts';

// The voice snippet of the README, with the environment a real app would have.
const env = {
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_API_KEY: `SK${'1'.repeat(32)}`,
  TWILIO_API_SECRET: 'api-secret',
  TWILIO_PHONE_NUMBER: '+15550001111',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
};

let server: TACServer | undefined;
afterEach(async () => {
  await server?.stop();
});

it('README: a plain onMessageReady async generator streams over voice', async () => {
  const tac = await TAC.create({ config: TACConfig.fromEnv(env), logger: createSilentLogger() });
  tac.registerChannel(new VoiceChannel(tac, { memoryMode: 'once' }));
  const heard: string[] = [];
  tac.onMessageReady(async function* ({ message, signal }) {
    yield 'You said: ';
    yield message; // stops at once on barge-in: `signal` fires and nothing more is spoken
    expect(signal.aborted).toBe(false);
  });
  tac.onInterrupt(({ utteranceUntilInterrupt }) => {
    heard.push(utteranceUntilInterrupt);
  });
  server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
  await server.start();

  const caller = await RelayClient.connect(`${server.url?.replace('http', 'ws')}/ws`, {
    authToken: AUTH_TOKEN,
  });
  caller.setup();
  caller.prompt('hello there');
  const reply = await caller.reply();
  expect(reply.tokens).toEqual(['You said: ', 'hello there']);
  expect(reply.frames.at(-1)).toEqual({ type: 'text', token: '', last: true });
  expect(heard).toEqual([]);
  await caller.hangup();
});
