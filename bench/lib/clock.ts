/**
 * Milliseconds on the system-wide monotonic clock (CLOCK_MONOTONIC through
 * `process.hrtime`). Unlike `performance.now()`, which counts from each
 * process's own start, these readings are comparable across processes on the
 * same machine, so a load generator and a server can time one event between
 * them (barge-in: interrupt sent by the caller → model signal aborted in the
 * server) without clock synchronisation.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
