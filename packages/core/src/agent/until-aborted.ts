/**
 * Iterate `source` until it ends or `signal` fires, whichever comes first. Each
 * `next()` is raced against the signal, so a framework stream that ignores its
 * signal can't keep an aborted turn alive; on abort the source is told to stop
 * (`return()`) without waiting for it.
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const it = source[Symbol.asyncIterator]();
  const aborted = Symbol('aborted');
  let onAbort: (() => void) | undefined;
  const abortPromise = new Promise<typeof aborted>((resolve) => {
    onAbort = () => resolve(aborted);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let finished = false;
  try {
    while (true) {
      const r = await Promise.race([it.next(), abortPromise]);
      if (r === aborted) return;
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    if (!finished) Promise.resolve(it.return?.()).catch(() => {});
  }
}
