import { BenchChild, LOAD_CPU } from '../lib/child.ts';
import { atLeast, atMost, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';
import type { TurnsResult } from '../load/voice-load.ts';
import { minimalCrChild, profiled, tacServerChild } from './servers.ts';

const SUITE = 'voice-turn';

/**
 * Issue 7 §1: prompt(last) → first text frame, at 1, 100 and 1,000
 * concurrent calls, TACServer + VoiceChannel vs the hand-written minimal
 * ConversationRelay server, both streaming the same 20-token stub.
 */
export const voiceTurnSuite: Suite = {
  id: SUITE,
  title: 'Voice turn overhead',
  async run(ctx: SuiteContext) {
    const levels = [1, 100, 1000];
    const warmupMs = ctx.quick ? 300 : 500;
    const durationMs = ctx.quick ? 1000 : 2000;
    const loader = await BenchChild.start({
      name: 'voice-load',
      script: 'bench/load/voice-load.ts',
      cpu: LOAD_CPU,
    });
    const runs: Record<'ours' | 'floor', Record<number, TurnsResult[]>> = { ours: {}, floor: {} };
    const started = performance.now();
    try {
      for (let rep = 0; rep < ctx.reps; rep++) {
        // Alternate who goes first, so slow drift of the machine hits both sides alike.
        const order: ('ours' | 'floor')[] = rep % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor'];
        for (const side of order) {
          const server =
            side === 'ours'
              ? await tacServerChild({ voice: true, model: 'stub' })
              : await minimalCrChild('stub');
          try {
            const url = `ws://127.0.0.1:${server.port}/ws`;
            for (const calls of levels) {
              const run = () =>
                loader.call<TurnsResult>('turns', {
                  url,
                  calls,
                  warmupMs,
                  durationMs,
                  serverPid: server.process.pid,
                });
              const r =
                side === 'ours' && rep === 0
                  ? await profiled(ctx, server, `voice-turn-${calls}-calls`, run)
                  : await run();
              const list = runs[side][calls] ?? [];
              list.push(r);
              runs[side][calls] = list;
              ctx.log(
                `  rep ${rep + 1} ${side.padEnd(5)} ${String(calls).padStart(4)} calls: first frame p50 ${r.firstFrame.p50.toFixed(2)} ms p99 ${r.firstFrame.p99.toFixed(2)} ms, ${r.turnsPerSec.toFixed(0)} turns/s, server ${r.serverCpuPct.toFixed(0)}% cpu ${r.serverCpuUsPerTurn.toFixed(0)} µs/turn, loader ${r.loaderCpuPct.toFixed(0)}%`,
              );
            }
          } finally {
            await server.stop();
          }
        }
      }
    } finally {
      await loader.stop();
    }
    const rows: MetricRow[] = [];
    const notes: string[] = [];
    const pick = (side: 'ours' | 'floor', calls: number, f: (r: TurnsResult) => number) =>
      (runs[side][calls] ?? []).map(f);
    for (const calls of levels) {
      const label = `${calls.toLocaleString('en-US')} call${calls === 1 ? '' : 's'}`;
      for (const p of ['p50', 'p99'] as const) {
        rows.push(
          compareRow({
            suite: SUITE,
            metric: `first text frame ${p}, ${label}`,
            unit: 'ms',
            better: 'lower',
            ours: pick('ours', calls, (r) => r.firstFrame[p]),
            floor: pick('floor', calls, (r) => r.firstFrame[p]),
            floorName: 'minimal ws server',
            target: atMost(1.2),
          }),
        );
      }
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `turns/s, ${label}`,
          unit: 'turns/s',
          better: 'higher',
          ours: pick('ours', calls, (r) => r.turnsPerSec),
          floor: pick('floor', calls, (r) => r.turnsPerSec),
          floorName: 'minimal ws server',
          target: calls > 1 ? atLeast(0.7) : undefined,
        }),
      );
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `server CPU per turn, ${label}`,
          unit: 'µs',
          better: 'lower',
          ours: pick('ours', calls, (r) => r.serverCpuUsPerTurn),
          floor: pick('floor', calls, (r) => r.serverCpuUsPerTurn),
          floorName: 'minimal ws server',
        }),
      );
      for (const side of ['ours', 'floor'] as const) {
        for (const r of runs[side][calls] ?? []) {
          if (r.failedCalls || r.unfinishedTurns) {
            notes.push(
              `${side} at ${label}: ${r.failedCalls} calls failed to open, ${r.unfinishedTurns} turns unfinished${r.firstError ? ` (${r.firstError})` : ''}.`,
            );
          }
          if (r.loaderCpuPct > 90) {
            notes.push(
              `${side} at ${label}: the load generator used ${r.loaderCpuPct.toFixed(0)}% of its core; the figure may be the generator's limit.`,
            );
          }
        }
      }
    }
    return {
      id: SUITE,
      title: this.title,
      method:
        'Every call is a closed loop: signed upgrade, `setup`, then `prompt(last: true)`; the next prompt goes as soon as the `last: true` frame arrives, so at 100 and 1,000 calls the server is saturated and first-frame latency includes queueing behind other calls. ' +
        `Warm-up ${warmupMs} ms, then a ${durationMs} ms window per level; a fresh server process per repetition, floor and ours alternating order. Server CPU is read from /proc over the window.`,
      rows,
      notes,
      details: runs,
      durationMs: performance.now() - started,
    };
  },
};
