import { BenchChild, LOAD_CPU } from '../lib/child.ts';
import { sleep } from '../lib/clock.ts';
import type { ProcessUsage } from '../lib/rpc-protocol.ts';
import { atMost, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';
import { minimalCrChild, tacServerChild } from './servers.ts';

const SUITE = 'memory';

interface Point {
  calls: number;
  rssPerCallKiB: number;
  heapPerCallKiB: number;
  opened: number;
  failed: number;
}

async function settledUsage(server: BenchChild): Promise<ProcessUsage> {
  // Let set-up frames and timers settle, then collect twice so only live memory counts.
  await sleep(300);
  await server.call('gc');
  return server.usage();
}

/**
 * Issue 7 §4: resident memory per idle voice call (socket open, `setup`
 * handled, no turn) at 1,000 and 10,000 open calls, against the minimal
 * server holding the same calls.
 */
export const memorySuite: Suite = {
  id: SUITE,
  title: 'Memory per idle voice call',
  async run(ctx: SuiteContext) {
    const limit = ctx.machine.openFilesLimit ?? 1024;
    // Each call is one descriptor in the server and one in the generator; keep headroom.
    const levels = [1000, 10_000].map((n) => Math.min(n, Math.max(100, Math.floor(limit - 200))));
    const notes: string[] = [];
    if (levels[1] !== 10_000) {
      notes.push(
        `Open-files limit ${limit}: measured ${levels[1]} calls instead of 10,000 (raise \`ulimit -n\`).`,
      );
    }
    const loader = await BenchChild.start({
      name: 'voice-load',
      script: 'bench/load/voice-load.ts',
      cpu: LOAD_CPU,
    });
    const runs: Record<'ours' | 'floor', Point[][]> = { ours: [], floor: [] };
    const started = performance.now();
    try {
      for (let rep = 0; rep < ctx.reps; rep++) {
        const order: ('ours' | 'floor')[] = rep % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor'];
        for (const side of order) {
          const server =
            side === 'ours'
              ? await tacServerChild({ voice: true, model: 'stub', exposeGc: true })
              : await minimalCrChild('stub', true);
          const url = `ws://127.0.0.1:${server.port}/ws`;
          const points: Point[] = [];
          try {
            // One call first, so lazily loaded code and pools are in the baseline, not in the per-call figure.
            await loader.call('openIdle', { url, count: 1 });
            await loader.call('closeAll');
            const base = await settledUsage(server);
            let open = 0;
            for (const calls of levels) {
              const r = await loader.call<{ opened: number; failed: number; firstError?: string }>(
                'openIdle',
                {
                  url,
                  count: calls - open,
                },
              );
              open += r.opened;
              if (r.failed) notes.push(`${side}: ${r.failed} calls failed to open (${r.firstError}).`);
              const u = await settledUsage(server);
              points.push({
                calls: open,
                rssPerCallKiB: (u.rss - base.rss) / 1024 / open,
                heapPerCallKiB: (u.heapUsed + u.external - base.heapUsed - base.external) / 1024 / open,
                opened: open,
                failed: r.failed,
              });
              ctx.log(
                `  rep ${rep + 1} ${side.padEnd(5)} ${String(open).padStart(5)} calls: ${points.at(-1)?.rssPerCallKiB.toFixed(1)} KiB RSS/call, ${points.at(-1)?.heapPerCallKiB.toFixed(1)} KiB heap/call`,
              );
            }
          } finally {
            await loader.call('closeAll');
            await server.stop();
          }
          runs[side].push(points);
        }
      }
    } finally {
      await loader.stop();
    }
    const rows: MetricRow[] = [];
    levels.forEach((calls, i) => {
      const label = `${calls.toLocaleString('en-US')} idle calls`;
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `RSS per call, ${label}`,
          unit: 'KiB',
          better: 'lower',
          ours: runs.ours.map((p) => p[i]?.rssPerCallKiB ?? Number.NaN),
          floor: runs.floor.map((p) => p[i]?.rssPerCallKiB ?? Number.NaN),
          floorName: 'minimal ws server',
          target: atMost(2),
        }),
      );
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `JS heap + external per call, ${label}`,
          unit: 'KiB',
          better: 'lower',
          ours: runs.ours.map((p) => p[i]?.heapPerCallKiB ?? Number.NaN),
          floor: runs.floor.map((p) => p[i]?.heapPerCallKiB ?? Number.NaN),
          floorName: 'minimal ws server',
        }),
      );
    });
    return {
      id: SUITE,
      title: this.title,
      method:
        'A fresh server per repetition; one call opened and closed to warm up, then a baseline (after two forced GCs); then calls are opened (signed upgrade + `setup`, no turn) up to 1,000 and on to 10,000, measuring again after 300 ms and two GCs. Per-call figure = growth over the baseline ÷ open calls. RSS includes socket buffers and allocator slack; heap + external is the JS-visible part.',
      rows,
      notes,
      details: runs,
      durationMs: performance.now() - started,
    };
  },
};
