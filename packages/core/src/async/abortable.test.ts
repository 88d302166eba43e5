import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ABORTED, AbortableIterator } from './abortable.ts';

async function* three(): AsyncGenerator<number> {
  yield 1;
  yield 2;
  yield 3;
}

/** Yields `first`, then never settles (ignores every signal). */
async function* stuckAfter(first: number): AsyncGenerator<number> {
  yield first;
  await new Promise(() => {});
}

describe('AbortableIterator', () => {
  it('accepts an iterator whose next() returns a plain result, as `for await` does', async () => {
    let n = 0;
    const plain = {
      next: () => (n < 2 ? { done: false, value: ++n } : { done: true, value: undefined }),
    } as unknown as AsyncIterator<number>;
    const it = new AbortableIterator(plain, new AbortController().signal);
    expect([await it.next(), await it.next(), await it.next()]).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: true, value: undefined },
    ]);
    it.dispose();
  });

  it('passes values through with one abort listener for all of them, none after dispose', async () => {
    const controller = new AbortController();
    const it = new AbortableIterator(three(), controller.signal);
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      seen.push(await it.next());
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    }
    expect(seen).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
      { done: true, value: undefined },
    ]);
    it.dispose();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('settles a pending next() with ABORTED when the signal fires, even if the producer never answers', async () => {
    const controller = new AbortController();
    const it = new AbortableIterator(stuckAfter(1), controller.signal);
    expect(await it.next()).toEqual({ done: false, value: 1 });
    const pending = it.next();
    controller.abort();
    expect(await pending).toBe(ABORTED);
    expect(await it.next()).toBe(ABORTED);
  });

  it('answers ABORTED at once on an aborted signal, without adding a listener', async () => {
    const signal = AbortSignal.abort();
    const it = new AbortableIterator(three(), signal);
    expect(await it.next()).toBe(ABORTED);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it("rejects with the producer's error", async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('boom');
    }
    const it = new AbortableIterator(failing(), new AbortController().signal);
    await it.next();
    await expect(it.next()).rejects.toThrow('boom');
  });
});
