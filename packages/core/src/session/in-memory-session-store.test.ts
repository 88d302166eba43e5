import { describe, expect, it } from 'vitest';
import type { HistoryItem } from '../turn/history.ts';
import { createSession } from './conversation-session.ts';
import { InMemorySessionStore } from './in-memory-session-store.ts';

const user = (content: string): HistoryItem => ({ role: 'user', content });

describe('InMemorySessionStore', () => {
  it('stores, counts and deletes sessions', async () => {
    const store = new InMemorySessionStore();
    const a = createSession({ conversationId: 'a', channel: 'sms' });
    await store.set(a);
    await store.set(createSession({ conversationId: 'b', channel: 'voice' }));
    expect(await store.get('a')).toBe(a);
    expect(await store.size()).toBe(2);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.size()).toBe(1);
  });

  it('keeps only the newest maxItems history items', async () => {
    const store = new InMemorySessionStore();
    await store.appendHistory('a', [user('1'), user('2'), user('3')], 4);
    await store.appendHistory('a', [user('4'), user('5')], 4);
    expect(await store.getHistory('a')).toEqual([user('2'), user('3'), user('4'), user('5')]);
  });

  it('bounds history at 200 items by default', async () => {
    const store = new InMemorySessionStore();
    const items = Array.from({ length: 205 }, (_, i) => user(String(i)));
    await store.appendHistory('a', items);
    const history = await store.getHistory('a');
    expect(history).toHaveLength(200);
    expect(history[0]).toEqual(user('5'));
    expect(history.at(-1)).toEqual(user('204'));
  });

  it('returns copies: callers cannot change stored history by mutating results or inputs', async () => {
    const store = new InMemorySessionStore();
    const input = [user('hi')];
    await store.setHistory('a', input);
    input.push(user('sneaky'));
    const read = await store.getHistory('a');
    read.push(user('also sneaky'));
    expect(await store.getHistory('a')).toEqual([user('hi')]);
  });

  it('replaces history with setHistory', async () => {
    const store = new InMemorySessionStore();
    await store.appendHistory('a', [user('1'), { role: 'assistant', content: 'long answer' }]);
    await store.setHistory('a', [user('1'), { role: 'assistant', content: 'long', interrupted: true }]);
    expect(await store.getHistory('a')).toEqual([
      user('1'),
      { role: 'assistant', content: 'long', interrupted: true },
    ]);
  });

  it('removes the history with the session and keeps other conversations', async () => {
    const store = new InMemorySessionStore();
    await store.set(createSession({ conversationId: 'a', channel: 'sms' }));
    await store.appendHistory('a', [user('a1')]);
    await store.appendHistory('b', [user('b1')]);
    await store.delete('a');
    expect(await store.getHistory('a')).toEqual([]);
    expect(await store.getHistory('b')).toEqual([user('b1')]);
  });
});
