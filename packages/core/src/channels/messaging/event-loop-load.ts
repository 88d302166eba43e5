import { performance } from 'node:perf_hooks';

/** Tells a scheduler whether the process is too busy to start more work now. */
export interface LoadSignal {
  overloaded(): boolean;
}

/** How often the utilization figure is refreshed; it covers the time since the previous refresh. */
const WINDOW_MS = 50;

/**
 * Event-loop utilization (the share of time the loop spent running callbacks
 * rather than waiting for I/O, `performance.eventLoopUtilization`) over the
 * last ~50 ms, compared with `maxUtilization`. When the loop has had no idle
 * time lately, incoming requests are already waiting behind whatever runs:
 * that is the moment to stop starting optional work. Reading it costs a clock
 * read; the figure is refreshed at most every 50 ms.
 */
export class EventLoopLoad implements LoadSignal {
  private readonly maxUtilization: number;
  private last = performance.eventLoopUtilization();
  private lastAt = performance.now();
  private utilization = 0;

  /** @param maxUtilization above this share (0–1] the loop counts as overloaded; 1 never does. */
  constructor(maxUtilization: number) {
    this.maxUtilization = maxUtilization;
  }

  /** True when the loop was busy more than `maxUtilization` of the recent window. */
  overloaded(): boolean {
    if (this.maxUtilization >= 1) return false;
    const now = performance.now();
    if (now - this.lastAt >= WINDOW_MS) {
      const current = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(current, this.last).utilization;
      this.last = current;
      this.lastAt = now;
    }
    return this.utilization > this.maxUtilization;
  }
}
