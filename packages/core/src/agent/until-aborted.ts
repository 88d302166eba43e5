import { ABORTED, AbortableIterator } from '../async/abortable.ts';

/**
 * Iterate `source` until it ends or `signal` fires, whichever comes first. Each
 * `next()` is raced against the signal (one listener for the whole stream), so a
 * framework stream that ignores its signal can't keep an aborted turn alive; on
 * abort the source is told to stop (`return()`) without waiting for it.
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const it = source[Symbol.asyncIterator]();
  const abortable = new AbortableIterator(it, signal);
  let finished = false;
  try {
    while (true) {
      const r = await abortable.next();
      if (r === ABORTED) return;
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    abortable.dispose();
    if (!finished) Promise.resolve(it.return?.()).catch(() => {});
  }
}
