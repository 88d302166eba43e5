import { describe, expect, it } from 'vitest';
import { type TACEventMap, TACEvents } from './events.ts';

const delta = (text: string): TACEventMap['text-delta'] => ({
  conversationId: 'conv_1',
  channel: 'voice',
  turnId: 't1',
  text,
});

describe('TACEvents', () => {
  it('delivers payloads to listeners of that event only', () => {
    const events = new TACEvents();
    const deltas: string[] = [];
    const ends: unknown[] = [];
    events.on('text-delta', (p) => deltas.push(p.text));
    events.on('turn-end', (p) => ends.push(p));
    events.emit('text-delta', delta('a'));
    events.emit('text-delta', delta('b'));
    expect(deltas).toEqual(['a', 'b']);
    expect(ends).toEqual([]);
  });

  it('unsubscribes with the function `on` returns', () => {
    const events = new TACEvents();
    const seen: string[] = [];
    const off = events.on('text-delta', (p) => seen.push(p.text));
    expect(events.has('text-delta')).toBe(true);
    events.emit('text-delta', delta('before'));
    off();
    events.emit('text-delta', delta('after'));
    expect(seen).toEqual(['before']);
    expect(events.has('text-delta')).toBe(false);
  });

  it('reports whether anyone listens', () => {
    const events = new TACEvents();
    expect(events.has('turn-start')).toBe(false);
    events.on('turn-start', () => {});
    expect(events.has('turn-start')).toBe(true);
    expect(events.has('turn-end')).toBe(false);
  });

  it('never lets a throwing listener break emit or the listeners after it', () => {
    const events = new TACEvents();
    const seen: string[] = [];
    events.on('text-delta', () => {
      throw new Error('bad observer');
    });
    events.on('text-delta', (p) => seen.push(p.text));
    expect(() => events.emit('text-delta', delta('x'))).not.toThrow();
    expect(seen).toEqual(['x']);
  });

  it('delivers to many listeners (no max-listeners limit)', () => {
    const events = new TACEvents();
    let calls = 0;
    for (let i = 0; i < 50; i++) events.on('turn-start', () => calls++);
    events.emit('turn-start', { conversationId: 'c', channel: 'sms', turnId: 't', messages: [] });
    expect(calls).toBe(50);
  });
});
