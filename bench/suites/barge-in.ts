import { BenchChild, LOAD_CPU } from '../lib/child.ts';
import { SampleBuffer, type SampleSummary } from '../lib/stats.ts';
import { below, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';
import type { BargeInResult } from '../load/voice-load.ts';
import { minimalCrChild, profiled, tacServerChild } from './servers.ts';

const SUITE = 'barge-in';

/**
 * Join the caller's interrupts with the model's abort times (both on the
 * shared monotonic clock): for each interrupt, the first abort of that call at
 * or after it, before the call's next interrupt.
 */
export function abortLatencies(
  interrupts: readonly { callSid: string; at: number }[],
  aborts: Record<string, number[]>,
): { latencies: number[]; missing: number } {
  const byCall = new Map<string, number[]>();
  for (const i of interrupts) {
    const list = byCall.get(i.callSid);
    if (list) list.push(i.at);
    else byCall.set(i.callSid, [i.at]);
  }
  const latencies: number[] = [];
  let missing = 0;
  for (const [callSid, times] of byCall) {
    const abortTimes = [...(aborts[callSid] ?? [])].sort((a, b) => a - b);
    times.sort((a, b) => a - b);
    times.forEach((t, k) => {
      const next = times[k + 1] ?? Number.POSITIVE_INFINITY;
      const hit = abortTimes.find((a) => a >= t && a < next);
      if (hit === undefined) missing++;
      else latencies.push(hit - t);
    });
  }
  return { latencies, missing };
}

interface Rep {
  result: BargeInResult;
  abort: SampleSummary;
  missingAborts: number;
}

/**
 * Issue 7 §2: the caller speaks over the agent. From the `interrupt` frame
 * leaving the caller to (a) the model's AbortSignal firing in the server and
 * (b) the server closing the talk cycle, with no frames after it.
 */
export const bargeInSuite: Suite = {
  id: SUITE,
  title: 'Barge-in',
  async run(ctx: SuiteContext) {
    const calls = 10;
    const cyclesPerCall = ctx.quick ? 15 : 30;
    const loader = await BenchChild.start({
      name: 'voice-load',
      script: 'bench/load/voice-load.ts',
      cpu: LOAD_CPU,
    });
    const runs: Record<'ours' | 'floor', Rep[]> = { ours: [], floor: [] };
    const started = performance.now();
    try {
      for (let rep = 0; rep < ctx.reps; rep++) {
        const order: ('ours' | 'floor')[] = rep % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor'];
        for (const side of order) {
          const server =
            side === 'ours'
              ? await tacServerChild({ voice: true, model: 'endless' })
              : await minimalCrChild('endless');
          try {
            const phase = () =>
              loader.call<BargeInResult>('bargeIn', {
                url: `ws://127.0.0.1:${server.port}/ws`,
                calls,
                cyclesPerCall,
              });
            const result =
              side === 'ours' && rep === 0 ? await profiled(ctx, server, 'barge-in', phase) : await phase();
            const aborts = await server.call<Record<string, number[]>>('aborts');
            const joined = abortLatencies(result.interrupts, aborts);
            const buf = new SampleBuffer();
            for (const l of joined.latencies) buf.push(l);
            const abort = buf.summary();
            runs[side].push({ result: { ...result, interrupts: [] }, abort, missingAborts: joined.missing });
            ctx.log(
              `  rep ${rep + 1} ${side.padEnd(5)}: abort p50 ${abort.p50.toFixed(2)} ms p99 ${abort.p99.toFixed(2)} ms, closing frame p99 ${result.closeMarkerMs.p99.toFixed(2)} ms, ${result.framesAfterClose} frames after close, ${joined.missing} aborts not seen`,
            );
          } finally {
            await server.stop();
          }
        }
      }
    } finally {
      await loader.stop();
    }
    const rows: MetricRow[] = [];
    const v = (side: 'ours' | 'floor', f: (r: Rep) => number) => runs[side].map(f);
    for (const p of ['p50', 'p99'] as const) {
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `interrupt → model signal aborted, ${p}`,
          unit: 'ms',
          better: 'lower',
          ours: v('ours', (r) => r.abort[p]),
          floor: v('floor', (r) => r.abort[p]),
          floorName: 'minimal ws server',
          target: p === 'p99' ? below(5, 'ms') : undefined,
        }),
      );
    }
    for (const p of ['p50', 'p99'] as const) {
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `interrupt → closing \`last: true\` frame received, ${p}`,
          unit: 'ms',
          better: 'lower',
          ours: v('ours', (r) => r.result.closeMarkerMs[p]),
          floor: v('floor', (r) => r.result.closeMarkerMs[p]),
          floorName: 'minimal ws server',
          target: p === 'p99' ? below(5, 'ms') : undefined,
        }),
      );
    }
    rows.push(
      compareRow({
        suite: SUITE,
        metric: 'interrupt → last frame of any kind received, p99',
        unit: 'ms',
        better: 'lower',
        ours: v('ours', (r) => r.result.quietMs.p99),
        floor: v('floor', (r) => r.result.quietMs.p99),
        floorName: 'minimal ws server',
      }),
    );
    rows.push(
      compareRow({
        suite: SUITE,
        metric: 'frames after the closing frame (all cycles)',
        unit: 'frames',
        better: 'lower',
        ours: v('ours', (r) => r.result.framesAfterClose),
        floor: v('floor', (r) => r.result.framesAfterClose),
        floorName: 'minimal ws server',
        target: below(0, 'frames'),
      }),
    );
    const notes: string[] = [];
    for (const side of ['ours', 'floor'] as const) {
      for (const r of runs[side]) {
        if (r.missingAborts)
          notes.push(`${side}: ${r.missingAborts} interrupts whose model abort was never observed.`);
        if (r.result.missingCloseMarker) {
          notes.push(
            `${side}: ${r.result.missingCloseMarker} cycles without a closing \`last: true\` frame.`,
          );
        }
      }
    }
    return {
      id: SUITE,
      title: this.title,
      method: `${calls} concurrent calls, ${cyclesPerCall} cycles each: \`prompt(last: true)\` to a model that streams a token every millisecond until aborted; after the 3rd text frame the caller sends \`interrupt\` and listens 30 ms more. The model records when its AbortSignal fires; the caller when it sent \`interrupt\` and when frames arrived; both read the same system-wide monotonic clock, so the two processes' times compare directly.`,
      rows,
      notes,
      details: runs,
      durationMs: performance.now() - started,
    };
  },
};
