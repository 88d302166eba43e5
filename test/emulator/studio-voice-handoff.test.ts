/**
 * A Studio voice handoff end to end on the emulator's own origin: with
 * TWILIO_API_BASE_URL set, TAC writes the `<Connect action>` for Studio as
 * `{emulator}/v1/Accounts/{AC}/Flows/{FW}?Trigger=incomingCall`, and the
 * emulator treats it as Studio's webhook: the agent's handoff tool ends the
 * call with an `end` frame and the execution shows up in `emu.studio`.
 */
import {
  createSilentLogger,
  createStudioHandoffTool,
  TAC,
  type TACAgent,
  TACConfig,
  TACServer,
  VoiceChannel,
} from '@tac/core';
import { type AppFrame, TwilioEmulator } from '@tac/testing';
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

/** A model stand-in: hands off with the caller's words as the reason, then says goodbye. */
function handoffAgent(): TACAgent {
  const handoff = createStudioHandoffTool({ attributes: { department: 'billing' } });
  return {
    name: 'handoff-agent',
    tools: [handoff],
    instructions: 'Hand every caller to a human.',
    async *stream(input) {
      const tool = input.tools.find((t) => t.name === handoff.name);
      if (!tool) throw new Error('the handoff tool is not bound');
      const result = await tool.execute({ reason: input.message }, { toolCallId: 'call_1', round: 1 });
      yield result.ok ? 'Transferring you to a colleague now.' : `Sorry: ${result.error}`;
    },
  };
}

it('records the Studio execution with HandoffData when the action is on the emulator origin', async () => {
  emu = await TwilioEmulator.start();
  const tac = await TAC.create({ config: TACConfig.fromEnv(emu.env), logger: createSilentLogger() });
  tac.registerChannel(new VoiceChannel(tac, { memoryMode: 'never' }));
  tac.useAgent(handoffAgent());
  const ended: string[] = [];
  tac.onConversationEnded(({ reason }) => {
    ended.push(reason);
  });
  server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
  emu.setApp({ url: await server.start() });
  const profileId = emu.memory.seedProfile({ phone: CUSTOMER });

  const frames: AppFrame[] = [];
  const call = await emu.call({ from: CUSTOMER, onFrame: (f) => frames.push(f) });
  // The action TAC wrote is Studio's webhook path on the emulator's origin, not webhooks.twilio.com.
  expect(call.conversationRelay.action).toBe(
    `${emu.baseUrl}/v1/Accounts/${emu.accountSid}/Flows/${emu.studioFlowSid}?Trigger=incomingCall`,
  );

  await call.say('I want to dispute a charge');
  expect((await call.nextReply()).text).toBe('Transferring you to a colleague now.');
  const end = await call.ended;

  // The end frame, after the reply's last token, carries HandoffData as a JSON string.
  const endFrame = frames.find((f) => f.type === 'end');
  expect(frames.map((f) => f.type).at(-1)).toBe('end');
  expect(typeof endFrame?.handoffData).toBe('string');
  const handoffData = JSON.parse(endFrame?.handoffData as string) as unknown;
  expect(handoffData).toEqual({
    conversationId: call.conversationId,
    storeId: emu.memoryStoreId,
    profileId,
    attributes: { department: 'billing', reason: 'I want to dispute a charge' },
  });
  expect(end).toMatchObject({ sessionStatus: 'ended', handoffData: endFrame?.handoffData });

  // Studio took over the live call: one voice execution, nothing posted anywhere.
  expect(emu.studio.executions).toEqual([
    expect.objectContaining({
      flowSid: emu.studioFlowSid,
      trigger: 'voice',
      callSid: call.callSid,
      to: CUSTOMER,
      from: emu.phoneNumber,
      parameters: { HandoffData: handoffData },
    }),
  ]);
  expect(end.studioExecution).toBe(emu.studio.executions[0]);
  expect(emu.webhooks.filter((d) => d.kind === 'connect-action')).toEqual([]);
  expect(emu.calls.get(call.callSid)?.status).toBe('in-progress');

  // The handoff cleared the conversation's status callbacks, so no CLOSED will come: TAC let go of
  // the session itself when the socket closed.
  await emu.waitFor(async () => (await tac.sessions.size()) === 0);
  expect(ended).toEqual(['handoff']);
});

it('a message sent mid-turn after the handoff tool does not send the end frame before the final reply', async () => {
  emu = await TwilioEmulator.start();
  const tac = await TAC.create({ config: TACConfig.fromEnv(emu.env), logger: createSilentLogger() });
  const voice = tac.registerChannel(new VoiceChannel(tac, { memoryMode: 'never' }));
  const handoff = createStudioHandoffTool();
  tac.useAgent({
    name: 'handoff-then-talk',
    tools: [handoff],
    instructions: '',
    async *stream(input) {
      const tool = input.tools.find((t) => t.name === handoff.name);
      await tool?.execute({ reason: 'human please' }, { toolCallId: 'call_1', round: 1 });
      // What a send_message tool does in the same turn.
      await voice.sendResponse(input.session.conversationId, 'One moment.');
      yield 'Connecting you now.';
    },
  });
  server = new TACServer(tac, { host: '127.0.0.1', port: 0 });
  emu.setApp({ url: await server.start() });

  const frames: AppFrame[] = [];
  const call = await emu.call({ from: CUSTOMER, onFrame: (f) => frames.push(f) });
  await call.say('get me a person');
  await call.ended;
  const spoken = frames
    .filter((f) => f.type === 'text')
    .map((f) => f.token)
    .join('');
  expect(spoken).toBe('One moment.Connecting you now.');
  expect(frames.at(-1)?.type).toBe('end');
  expect(frames.filter((f) => f.type === 'end')).toHaveLength(1);
});
