import type { TAC } from '../tac.ts';

/**
 * Graceful shutdown shared by {@link TACServer} and {@link tacPlugin}: drain
 * every channel (open calls, in-flight turns) once, and wait for webhook
 * dispatches that were accepted before the server stopped.
 *
 * @internal
 */
export class ServerLifecycle {
  private readonly tac: TAC;
  private readonly drainTimeoutMs: number;
  private readonly dispatches = new Set<Promise<unknown>>();
  private draining: Promise<void> | undefined;

  constructor(tac: TAC, drainTimeoutMs: number) {
    this.tac = tac;
    this.drainTimeoutMs = drainTimeoutMs;
  }

  /** True once draining started. */
  get isDraining(): boolean {
    return this.draining !== undefined;
  }

  /** Remember a webhook dispatch running after its 200 was sent. */
  track(promise: Promise<unknown>): void {
    this.dispatches.add(promise);
    const forget = () => this.dispatches.delete(promise);
    promise.then(forget, forget);
  }

  /** Drain once: accepted webhooks first (they may start turns), then every channel. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      await Promise.allSettled([...this.dispatches]);
      await Promise.allSettled(this.tac.channels.map((c) => c.drain?.(this.drainTimeoutMs)));
    })();
    return this.draining;
  }
}
