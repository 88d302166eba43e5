import { describe, expect, it } from 'vitest';
import { BoundedSet } from './bounded-set.ts';

describe('BoundedSet', () => {
  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedSet(0)).toThrow(RangeError);
    expect(() => new BoundedSet(1.5)).toThrow(RangeError);
  });

  it('keeps working with a capacity of one', () => {
    const set = new BoundedSet(1);
    expect(set.add('a')).toBe(true);
    expect(set.add('a')).toBe(false);
    expect(set.add('b')).toBe(true);
    expect(set.has('a')).toBe(false);
    expect(set.add('a')).toBe(true);
    expect(set.size).toBe(1);
  });

  it('at capacity 10,000: remembers exactly the last 10,000 keys, forgetting the oldest first', () => {
    const capacity = 10_000;
    const set = new BoundedSet(capacity);
    for (let i = 0; i < capacity; i++) expect(set.add(`k${i}`)).toBe(true);
    expect(set.size).toBe(capacity);
    // Two more laps: each new key evicts the oldest one, the size never grows.
    for (let i = capacity; i < 3 * capacity; i++) {
      expect(set.add(`k${i}`)).toBe(true);
      expect(set.has(`k${i - capacity}`)).toBe(false);
      expect(set.has(`k${i - capacity + 1}`)).toBe(true);
    }
    expect(set.size).toBe(capacity);
    // Every remembered key is reported as a duplicate; forgotten ones are new again.
    expect(set.add(`k${3 * capacity - 1}`)).toBe(false);
    expect(set.add(`k${2 * capacity}`)).toBe(false);
    expect(set.add(`k${2 * capacity - 1}`)).toBe(true);
  });

  it('moves a key seen again to the newest position, so it outlives keys added after it', () => {
    const set = new BoundedSet(3);
    set.add('a');
    set.add('b');
    set.add('c');
    expect(set.add('a')).toBe(false); // a is now the newest
    expect(set.add('d')).toBe(true); // the ring wrapped: b, the oldest, goes
    expect(set.has('b')).toBe(false);
    expect(set.has('a')).toBe(true);
    expect(set.has('c')).toBe(true);
    expect(set.has('d')).toBe(true);
    expect(set.add('e')).toBe(true);
    expect(set.has('c')).toBe(false);
    expect(set.has('a')).toBe(true);
    expect(set.size).toBeLessThanOrEqual(3);
  });

  it('never holds more than capacity keys under a mix of repeats and new keys', () => {
    const set = new BoundedSet(100);
    for (let i = 0; i < 5_000; i++) {
      set.add(`k${i % 7 === 0 ? i % 50 : i}`);
      expect(set.size).toBeLessThanOrEqual(100);
    }
    // The most recent key is always remembered.
    expect(set.has('k4999')).toBe(true);
  });
});
