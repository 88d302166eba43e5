import { afterEach, describe, expect, it, vi } from 'vitest';
import { Listeners } from './listeners.ts';

describe('Listeners', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('calls listeners in order, each registration once, until removed', () => {
    const listeners = new Listeners<number>();
    const seen: string[] = [];
    const a = (n: number) => seen.push(`a${n}`);
    const removeA1 = listeners.add(a);
    listeners.add(a);
    listeners.add((n) => seen.push(`b${n}`));
    listeners.emit(1);
    removeA1();
    listeners.emit(2);
    expect(seen).toEqual(['a1', 'a1', 'b1', 'a2', 'b2']);
    expect(listeners.size).toBe(2);
  });

  it('does not call a listener removed by an earlier one during the same emit', () => {
    const listeners = new Listeners<void>();
    const seen: string[] = [];
    let removeSecond = () => {};
    listeners.add(() => {
      seen.push('first');
      removeSecond();
    });
    removeSecond = listeners.add(() => seen.push('second'));
    listeners.emit();
    expect(seen).toEqual(['first']);
  });

  it('keeps calling the others when one throws, and rethrows its error on a fresh task', () => {
    const deferred: (() => void)[] = [];
    vi.spyOn(globalThis, 'setImmediate').mockImplementation(((fn: () => void) => {
      deferred.push(fn);
      return undefined as unknown as NodeJS.Immediate;
    }) as typeof setImmediate);
    const listeners = new Listeners<string>();
    const seen: string[] = [];
    listeners.add(() => {
      throw new Error('listener bug');
    });
    listeners.add((v) => seen.push(v));
    expect(() => listeners.emit('frame')).not.toThrow();
    expect(seen).toEqual(['frame']);
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]?.()).toThrow('listener bug');
  });
});
