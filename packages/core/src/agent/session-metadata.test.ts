import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Channel } from '../channels/channel.ts';
import { TACConfig } from '../config/index.ts';
import { createSilentLogger } from '../logging/index.ts';
import {
  type ConversationSession,
  createSession,
  InMemorySessionStore,
  type SessionStore,
} from '../session/index.ts';
import { TAC } from '../tac.ts';
import { defineTool } from '../tools/define-tool.ts';
import type { HistoryItem } from '../turn/history.ts';
import { runTurn } from '../turn/run-turn.ts';
import { persistMetadataChanges, snapshotMetadata } from './session-metadata.ts';
import type { AgentTurnInput, TACAgent } from './types.ts';

const env = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_API_KEY: `SK${'b'.repeat(32)}`,
  TWILIO_API_SECRET: 'secret',
  TWILIO_PHONE_NUMBER: '+15550001111',
};

const sms: Channel = { type: 'sms', memoryMode: 'never', sendResponse: async () => '' };

/** Hands out and keeps copies, like a Redis-backed store: an unsaved change to a session is lost. */
class CopyingSessionStore implements SessionStore {
  private readonly inner = new InMemorySessionStore();
  writes = 0;
  /** Keeps history as JSON text, as Redis does (throws on a bigint or a cycle). */
  json = false;
  /** The next history write fails (the store is down). */
  failAppend = false;
  async get(id: string) {
    const s = await this.inner.get(id);
    return s && structuredClone(s);
  }
  async set(session: ConversationSession) {
    this.writes++;
    await this.inner.set(structuredClone(session));
  }
  delete(id: string) {
    return this.inner.delete(id);
  }
  size() {
    return this.inner.size();
  }
  getHistory(id: string) {
    return this.inner.getHistory(id);
  }
  async appendHistory(id: string, items: readonly HistoryItem[], max?: number) {
    if (this.failAppend) throw new Error('store unavailable');
    const copy = this.json ? (JSON.parse(JSON.stringify(items)) as HistoryItem[]) : structuredClone(items);
    return this.inner.appendHistory(id, copy, max);
  }
}

let store: CopyingSessionStore;
let tac: TAC;
const ID = 'CH1';

beforeEach(async () => {
  store = new CopyingSessionStore();
  tac = await TAC.create({
    config: TACConfig.fromEnv(env),
    logger: createSilentLogger(),
    sessionStore: store,
  });
  await store.set(
    createSession({ conversationId: ID, channel: 'sms', metadata: { channelId: 'X1', stale: 1 } }),
  );
});

afterEach(async () => {
  await tac.shutdown(100);
});

/** An agent whose turns run `step(input, call)` and answer "ok"; records every input's metadata. */
function agentWith(step: (input: AgentTurnInput, call: number) => Promise<void> | void) {
  const seen: Record<string, unknown>[] = [];
  const agent: TACAgent = {
    name: 'metadata',
    tools: [],
    async *stream(input) {
      seen.push({ ...input.session.metadata });
      await step(input, seen.length);
      yield 'ok';
    },
  };
  return { agent, seen };
}

/** One SMS turn with the session as the channel would load it (a copy from the store). */
async function turn(message: string, session?: ConversationSession): Promise<string> {
  const s = session ?? (await store.get(ID)) ?? createSession({ conversationId: ID, channel: 'sms' });
  const out = await runTurn(tac, {
    channel: sms,
    session: s,
    messages: [message],
    author: 'c',
    signal: new AbortController().signal,
  });
  if (out.kind !== 'stream') return out.kind === 'text' ? out.text : '';
  let text = '';
  for await (const d of out.stream) text += d;
  return text;
}

describe('session metadata written back by the agent runner', () => {
  it('persists what a turn changed through a store that hands out copies, and the next turn sees it', async () => {
    const { agent, seen } = agentWith((input, call) => {
      input.session.metadata['adapter.activeAgent'] = `agent-${call}`;
      delete input.session.metadata['stale'];
    });
    tac.useAgent(agent);
    // Loaded before turn 1 wrote anything: a channel that read the session early.
    const early = await store.get(ID);
    expect(await turn('one')).toBe('ok');
    expect(await turn('two', early)).toBe('ok');
    expect(seen[1]).toEqual({ channelId: 'X1', 'adapter.activeAgent': 'agent-1' });
    await turn('three');
    expect((await store.get(ID))?.metadata).toEqual({ channelId: 'X1', 'adapter.activeAgent': 'agent-2' });
  });

  it('keeps what others wrote during the turn and does not write when nothing changed', async () => {
    const { agent } = agentWith(async (input, call) => {
      if (call === 1) {
        // The channel (or a tool) saves its own field meanwhile.
        const stored = await store.get(ID);
        if (stored) await store.set({ ...stored, metadata: { ...stored.metadata, handoffInitiatedAt: 'T' } });
        input.session.metadata['adapter.state'] = { step: 1 };
      }
    });
    tac.useAgent(agent);
    await turn('one');
    await turn('two');
    const writes = store.writes;
    await turn('three');
    expect(store.writes).toBe(writes);
    expect((await store.get(ID))?.metadata).toEqual({
      channelId: 'X1',
      stale: 1,
      handoffInitiatedAt: 'T',
      'adapter.state': { step: 1 },
    });
  });

  it('does not bring back a session whose conversation ended during the turn', async () => {
    const { agent, seen } = agentWith(async (input, call) => {
      if (call === 1) {
        await tac.sessions.delete(ID);
        input.session.metadata['adapter.state'] = 'late';
      }
    });
    tac.useAgent(agent);
    const session = await store.get(ID);
    await turn('one', session);
    // The next turn of the conversation starts once the first one finished its bookkeeping.
    await turn('two', session);
    expect(seen).toHaveLength(2);
    expect(await store.get(ID)).toBeUndefined();
    expect(await store.size()).toBe(0);
  });

  it('applies changed and deleted keys, including in-place edits of nested values', async () => {
    const session = (await store.get(ID)) as ConversationSession;
    session.metadata['nested'] = { a: 1 };
    await store.set(session);
    const before = snapshotMetadata(session);
    (session.metadata['nested'] as { a: number }).a = 2;
    delete session.metadata['stale'];
    expect(await persistMetadataChanges(tac, session, before)).toBe(true);
    expect((await store.get(ID))?.metadata).toEqual({ channelId: 'X1', nested: { a: 2 } });
    expect(await persistMetadataChanges(tac, session, snapshotMetadata(session))).toBe(false);
  });

  it('a tool output a JSON store cannot hold (bigint, cycle) does not cost the turn its history or metadata', async () => {
    store.json = true;
    const account: Record<string, unknown> = { cents: 1234n };
    account['self'] = account;
    const balance = defineTool({
      name: 'balance',
      description: 'Account balance',
      parameters: z.object({}),
      execute: async () => account,
    });
    let calls = 0;
    const agent: TACAgent = {
      name: 'json',
      tools: [balance],
      async *stream(input) {
        if (++calls > 1) {
          yield 'ok';
          return;
        }
        await input.tools[0]?.execute({}, { toolCallId: 'b1' });
        input.session.metadata['adapter.state'] = 'after-balance';
        yield 'Your balance is 12.34';
      },
    };
    const errors: Error[] = [];
    tac.onError((e) => {
      errors.push(e);
    });
    tac.useAgent(agent);
    expect(await turn('balance?')).toBe('Your balance is 12.34');
    await turn('thanks'); // starts once the first turn's bookkeeping is done
    const history = await store.getHistory(ID);
    expect(history.slice(0, 3)).toEqual([
      { role: 'user', content: 'balance?' },
      {
        role: 'tool',
        toolCallId: 'b1',
        toolName: 'balance',
        input: {},
        status: 'completed',
        output: { cents: '1234', self: '[Circular]' },
      },
      { role: 'assistant', content: 'Your balance is 12.34' },
    ]);
    expect((await store.get(ID))?.metadata['adapter.state']).toBe('after-balance');
    expect(errors).toEqual([]);
  });

  it('a failed history write is reported and the metadata the turn changed is still written', async () => {
    const { agent } = agentWith((input, call) => {
      if (call === 1) input.session.metadata['adapter.state'] = 'kept';
    });
    const errors: { message: string; stage: unknown }[] = [];
    tac.onError((e, context) => {
      errors.push({ message: e.message, stage: context.stage });
    });
    tac.useAgent(agent);
    store.failAppend = true;
    await turn('one');
    store.failAppend = false;
    await turn('two');
    expect((await store.get(ID))?.metadata['adapter.state']).toBe('kept');
    expect(errors).toEqual([{ message: 'store unavailable', stage: 'agent-history' }]);
  });
});
