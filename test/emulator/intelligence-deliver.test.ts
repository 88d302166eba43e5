/**
 * `emu.intelligence.deliver()` against a real TAC app: the signed webhook
 * passes TAC's signature check on `/ci-webhook`, the summary operator's result
 * becomes a Memory conversation summary, and the app's answer comes back.
 */
import { createSilentLogger, SMSChannel, TAC, TACConfig, TACServer } from '@tac/core';
import { TwilioEmulator } from '@tac/testing';
import { afterEach, expect, it } from 'vitest';

const CUSTOMER = '+15557654321';

let emu: TwilioEmulator | undefined;
let server: TACServer | undefined;

afterEach(async () => {
  await server?.stop();
  await emu?.stop();
  server = undefined;
  emu = undefined;
});

/** A TAC SMS app on a fresh emulator; `env` adds variables over `emu.env`. */
async function startApp(
  env: (e: TwilioEmulator) => Record<string, string> = () => ({}),
): Promise<TwilioEmulator> {
  const e = await TwilioEmulator.start();
  emu = e;
  const tac = await TAC.create({
    config: TACConfig.fromEnv({ ...e.env, ...env(e) }),
    logger: createSilentLogger(),
  });
  tac.registerChannel(new SMSChannel(tac, { memoryMode: 'never' }));
  tac.onMessageReady(() => 'Noted.');
  server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
  e.setApp({ url: await server.start() });
  return e;
}

it('delivers operator results that TAC stores as a conversation summary', async () => {
  // The CI ids are not in emu.env (they turn /ci-webhook on): the app takes them from emu.intelligence.env.
  const e = await startApp((emulator) => emulator.intelligence.env);

  const profileId = e.memory.seedProfile({ phone: CUSTOMER });
  const alice = e.customer({ channel: 'sms', address: CUSTOMER });
  await alice.send('I need a refund for order A1234');
  await alice.nextReply();
  await e.orchestrator.closeConversation(alice.conversationId as string);

  const res = await e.intelligence.deliver([{ summary: 'Customer asked for a refund of order A1234.' }], {
    dateCreated: '2025-01-15T10:30:45Z',
  });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ success: true, eventType: 'summary', skipped: false, createdCount: 1 });
  expect(e.memory.profile(profileId).summaries).toEqual([
    expect.objectContaining({
      content: 'Customer asked for a refund of order A1234.',
      conversationId: alice.conversationId,
      source: 'conversation-intelligence',
      occurredAt: '2025-01-15T10:30:45Z',
    }),
  ]);
});

it("returns TAC's refusal when Conversation Intelligence is not configured", async () => {
  const e = await startApp();
  const alice = e.customer({ channel: 'sms', address: CUSTOMER });
  await alice.send('Hello');
  await alice.nextReply();
  const disabled = await e.intelligence.deliver([{ summary: 'x' }]);
  expect(disabled.status).toBe(400);
  expect(disabled.body).toMatchObject({ error: 'Conversation Intelligence is not enabled' });
});

it('returns the 400 TAC answers to a malformed payload sent verbatim', async () => {
  const e = await startApp((emulator) => emulator.intelligence.env);
  const res = await e.intelligence.deliver({ conversationId: 'conv_1' });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).toContain('intelligenceConfiguration');
});
