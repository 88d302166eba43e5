import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { EventLoopLoad } from './event-loop-load.ts';

/** Keep the event loop busy (no idle time at all) for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe('EventLoopLoad', () => {
  it('reports overload after a stretch with no idle time, and not after an idle one', async () => {
    const load = new EventLoopLoad(0.5);
    spin(70);
    expect(load.overloaded()).toBe(true);
    await sleep(120);
    expect(load.overloaded()).toBe(false);
  });

  it('with a threshold of 1 never reports overload', () => {
    const load = new EventLoopLoad(1);
    spin(70);
    expect(load.overloaded()).toBe(false);
  });
});
