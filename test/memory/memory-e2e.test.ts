/**
 * Memory end to end over the emulator: what the turn hands the app (and the
 * prompt built from it) for seeded customers, and that Memory can never hold
 * a customer's reply hostage (500s and hangs fall back, `once` fetches once).
 */
import { MemoryPromptBuilder, type TACMemoryResponse } from '@tac/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, startApp } from '../tools/app-harness.ts';
import { scriptedAgent } from '../tools/scripted-agent.ts';

const CUSTOMER = '+15557654321';
let app: App | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function seedAlyssa(target: App): string {
  return target.emu.memory.seedProfile({
    phone: CUSTOMER,
    traits: { Contact: { firstName: 'Alyssa', lastName: 'Mock', phone: CUSTOMER } },
    observations: ['Prefers text messages over calls', 'Owns a golden retriever named Rex'],
    summaries: ['Asked about a delayed refund for order A1234'],
  });
}

/** Record each turn's memory and composed prompt; reply with a marker. */
function recordTurns(target: App) {
  const turns: { message: string; memory?: TACMemoryResponse; prompt: string }[] = [];
  target.tac.onMessageReady(({ message, memory, session }) => {
    const prompt = MemoryPromptBuilder.compose('You are Acme support.', memory, session);
    turns.push({ message, memory, prompt });
    return `reply ${turns.length} (memory: ${memory?.hasMemoryFeatures ? 'Memory' : memory ? 'fallback' : 'none'})`;
  });
  return turns;
}

describe('memory in the turn (SMS)', () => {
  it('puts the seeded profile and observations into the prompt', async () => {
    app = await startApp({ smsMemoryMode: 'always' });
    seedAlyssa(app);
    const turns = recordTurns(app);
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('Any news on my refund?');
    expect((await alyssa.nextReply()).text).toBe('reply 1 (memory: Memory)');

    const [turn] = turns;
    expect(turn?.prompt).toContain('You are Acme support.\n\n# Customer Context\n');
    expect(turn?.prompt).toContain('## Customer Profile\nInformation about this customer:\n- Contact: {');
    const contact = /^- Contact: (.*)$/m.exec(turn?.prompt ?? '')?.[1];
    expect(JSON.parse(contact ?? 'null')).toEqual({ firstName: 'Alyssa', lastName: 'Mock', phone: CUSTOMER });
    expect(turn?.prompt).toContain(
      '## Key Observations\nImportant notes about the customer from previous interactions:\n',
    );
    expect(turn?.prompt).toContain('- Prefers text messages over calls');
    expect(turn?.prompt).toContain('- Owns a golden retriever named Rex');
    expect(turn?.prompt).toContain('- Asked about a delayed refund for order A1234');
    // `always` recalls with the customer's message as the query.
    expect(app.emu.memory.recalls.at(-1)?.query).toBe('Any news on my refund?');
  });

  it("composes an agent's instructions with the same memory prompt", async () => {
    app = await startApp({ smsMemoryMode: 'always' });
    seedAlyssa(app);
    const agent = scriptedAgent([], [{ calls: [], reply: () => 'ok' }]);
    app.tac.useAgent(agent);
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('Hi');
    expect((await alyssa.nextReply()).text).toBe('ok');
    const instructions = agent.inputs[0]?.instructions ?? '';
    expect(instructions.startsWith('You are a scripted test agent.\n\n# Customer Context\n')).toBe(true);
    expect(instructions).toContain(
      '## Key Observations\nImportant notes about the customer from previous interactions:\n',
    );
    expect(instructions).toContain('- Owns a golden retriever named Rex');
  });

  it('still replies, from Orchestrator history, when Memory answers 500', async () => {
    app = await startApp({ smsMemoryMode: 'always' });
    seedAlyssa(app);
    recordTurns(app);
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('Hello');
    expect((await alyssa.nextReply()).text).toBe('reply 1 (memory: Memory)');

    app.emu.faults.set('memory', { status: 500 });
    await alyssa.send('Are you still there?');
    expect((await alyssa.nextReply()).text).toBe('reply 2 (memory: fallback)');
  });

  it('still replies when Memory hangs, within the memory timeout', async () => {
    app = await startApp({ smsMemoryMode: 'always', options: { memoryTimeoutMs: 600 } });
    seedAlyssa(app);
    const turns = recordTurns(app);
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    await alyssa.send('Hello');
    await alyssa.nextReply();

    app.emu.faults.set('memory', { delayMs: 10_000 });
    await alyssa.send('Hello again');
    expect((await alyssa.nextReply({ timeoutMs: 8_000 })).text).toBe('reply 2 (memory: fallback)');
    // The fallback is the conversation's own history.
    expect(turns[1]?.memory?.communications.some((c) => c.content.text === 'Hello')).toBe(true);
  });

  it("with memoryMode 'once', recalls once per conversation and reuses it", async () => {
    app = await startApp({ smsMemoryMode: 'once' });
    const profileId = seedAlyssa(app);
    const turns = recordTurns(app);
    const alyssa = app.emu.customer({ channel: 'sms', address: CUSTOMER });
    for (const text of ['one', 'two', 'three']) {
      await alyssa.send(text);
      await alyssa.nextReply();
    }
    const recalls = app.emu.memory.recalls.filter((r) => r.profileId === profileId);
    expect(recalls).toHaveLength(1);
    expect(recalls[0]?.query).toBeUndefined();
    expect(turns.map((t) => t.memory?.observations.length)).toEqual([2, 2, 2]);

    // Another conversation (another customer) gets its own recall.
    const bob = app.emu.customer({ channel: 'sms', address: '+15550009999' });
    app.emu.memory.seedProfile({ phone: '+15550009999', observations: ['Bob note'] });
    await bob.send('hi');
    await bob.nextReply();
    expect(app.emu.memory.recalls).toHaveLength(2);
  });
});

describe('memory in the turn (voice)', () => {
  it("gives the caller's memory to the voice turn", async () => {
    app = await startApp({ voiceMemoryMode: 'once' });
    seedAlyssa(app);
    const turns = recordTurns(app);
    const call = await app.emu.call({ from: CUSTOMER });
    await call.say('Hi, it is Alyssa');
    expect((await call.nextReply()).text).toBe('reply 1 (memory: Memory)');
    expect(turns[0]?.prompt).toContain('- Owns a golden retriever named Rex');
    await call.hangup();
  });
});
