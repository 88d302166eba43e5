import { BenchChild, LOAD_CPU } from '../lib/child.ts';
import { sleep } from '../lib/clock.ts';
import { atMost, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';
import type { WebhookLoadResult } from '../load/webhook-load.ts';
import { bareFastifyChild, CONVERSATIONS, PREPARED_REQUESTS, type TacCounters } from './messaging.ts';
import { profiled, tacServerChild } from './servers.ts';

const SUITE = 'messaging-load';

/** One open-loop phase against our server. */
export interface LoadStep {
  rate: number;
  load: WebhookLoadResult;
  /** 2xx acknowledgements in the window. */
  acked: number;
  /** Turns completed per second during the phase. */
  turnsPerSec: number;
  /** Messages acknowledged but not yet answered nor dropped when the window closed. */
  backlogAtEnd: number;
  /** Messages due by the window's end but not yet acknowledged then. */
  acksBehind: number;
  /** Time after the window until the backlog was gone (capped). */
  drainMs: number;
  dropped: number;
  keepsUp: boolean;
}

function acked(load: WebhookLoadResult): number {
  return Object.entries(load.statusCounts)
    .filter(([s]) => s.startsWith('2'))
    .reduce((a, [, n]) => a + n, 0);
}

/**
 * Issue 7 §7: open-loop webhook load on our server at rising rates. Shows the
 * ack latency while turns keep up, the saturation point of turn work, and
 * that past it acks stay prompt while turns queue (bounded) instead of every
 * ack waiting behind model work. Then ack latency at a sustainable rate
 * against bare fastify at the same rate.
 */
export const messagingLoadSuite: Suite = {
  id: SUITE,
  title: 'Messaging under load',
  async run(ctx: SuiteContext) {
    const rates = ctx.quick ? [250, 1000, 4000] : [250, 500, 1000, 2000, 4000, 8000];
    const warmupMs = 300;
    const durationMs = ctx.quick ? 1000 : 1500;
    const loader = await BenchChild.start({
      name: 'webhook-load',
      script: 'bench/load/webhook-load.ts',
      cpu: LOAD_CPU,
    });
    const sink = await BenchChild.start({
      name: 'twilio-sink',
      script: 'bench/load/twilio-sink.ts',
      cpu: LOAD_CPU,
    });
    const api = `http://127.0.0.1:${sink.port}`;
    const steps: LoadStep[] = [];
    const paired: Record<'ours' | 'floor', WebhookLoadResult[]> = { ours: [], floor: [] };
    let sustainable = rates[0] as number;
    const started = performance.now();
    try {
      await loader.call('prepare', { count: PREPARED_REQUESTS, conversations: CONVERSATIONS });
      const server = await tacServerChild({ sms: true, model: 'stub', api, countAcks: true });
      try {
        // Every conversation gets its first message (participant reconciliation, session) before the sweep.
        await loader.call('open', {
          port: server.port,
          rate: 500,
          warmupMs: 0,
          durationMs: (CONVERSATIONS / 500) * 1500,
        });
        await sleep(300);
        for (const rate of rates) {
          const before = await server.call<TacCounters>('counters');
          const phase = () =>
            loader.call<WebhookLoadResult>('open', {
              port: server.port,
              rate,
              warmupMs,
              durationMs,
              serverPid: server.process.pid,
            });
          // Read the server's counters as the window opens and closes, while the generator runs.
          const snapshots = (async () => {
            await sleep(warmupMs);
            const open = await server.call<TacCounters>('counters');
            await sleep(durationMs);
            const close = await server.call<TacCounters>('counters');
            return { open, close };
          })();
          // Profile the top rate (overload), where the interesting contention is.
          const load =
            rate === rates.at(-1) ? await profiled(ctx, server, 'messaging-overload', phase) : await phase();
          const { open, close } = await snapshots;
          const handled = (c: TacCounters) => c.messagesInTurns + c.dropped;
          const acksBehind = Math.max(
            0,
            Math.round((rate * (warmupMs + durationMs)) / 1000) - (close.acks - before.acks),
          );
          const backlogAtEnd = Math.max(0, close.acks - before.acks - (handled(close) - handled(before)));
          let after = close;
          const drainStart = performance.now();
          while (
            handled(after) - handled(before) < after.acks - before.acks &&
            performance.now() - drainStart < 5_000
          ) {
            await sleep(50);
            after = await server.call<TacCounters>('counters');
          }
          const step: LoadStep = {
            rate,
            load,
            acked: acked(load),
            turnsPerSec: ((close.turnsEnded - open.turnsEnded) / durationMs) * 1000,
            backlogAtEnd,
            acksBehind,
            drainMs: performance.now() - drainStart,
            dropped: after.dropped - before.dropped,
            // Keeping up: at most 100 ms of arrivals unacknowledged, or acknowledged but unanswered, at the end.
            keepsUp:
              backlogAtEnd <= rate * 0.1 && acksBehind <= rate * 0.1 && after.dropped === before.dropped,
          };
          steps.push(step);
          // "A load the turns keep up with": the highest rate of the unbroken run of steps that kept up
          // from the bottom, with headroom (server under 75% busy), not the knife's edge.
          if (step.keepsUp && steps.every((x) => x.keepsUp) && load.serverCpuPct < 75) sustainable = rate;
          ctx.log(
            `  ${String(rate).padStart(5)}/s: acks ${load.okPerSec.toFixed(0)}/s p50 ${load.latency.p50.toFixed(2)} ms p99 ${load.latency.p99.toFixed(2)} ms (${acksBehind} behind at the end); turns ${step.turnsPerSec.toFixed(0)}/s, backlog ${backlogAtEnd} drained in ${step.drainMs.toFixed(0)} ms, dropped ${step.dropped}; server ${load.serverCpuPct.toFixed(0)}%${step.keepsUp ? '' : ' (falling behind)'}`,
          );
          // Let the queue empty before the next step, so steps don't carry each other's backlog.
          await sleep(200);
        }
      } finally {
        await server.stop();
      }
      ctx.log(`  sustainable rate: ${sustainable}/s; comparing ack latency with bare fastify at it`);
      for (let rep = 0; rep < ctx.reps; rep++) {
        const order: ('ours' | 'floor')[] = rep % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor'];
        for (const side of order) {
          const s =
            side === 'ours'
              ? await tacServerChild({ sms: true, model: 'stub', api })
              : await bareFastifyChild();
          try {
            // Same warm-up as the sweep: every conversation seen once, for both sides.
            await loader.call('open', {
              port: s.port,
              rate: 500,
              warmupMs: 0,
              durationMs: (CONVERSATIONS / 500) * 1500,
            });
            await sleep(300);
            const load = await loader.call<WebhookLoadResult>('open', {
              port: s.port,
              rate: sustainable,
              warmupMs: 500,
              durationMs: ctx.quick ? 1000 : 2000,
              serverPid: s.process.pid,
            });
            paired[side].push(load);
            ctx.log(
              `  rep ${rep + 1} ${side.padEnd(5)} at ${sustainable}/s: ack p50 ${load.latency.p50.toFixed(2)} ms p99 ${load.latency.p99.toFixed(2)} ms`,
            );
          } finally {
            await s.stop();
          }
        }
      }
    } finally {
      await loader.stop();
      await sink.stop();
    }
    const rows: MetricRow[] = [];
    for (const p of ['p50', 'p99'] as const) {
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `ack latency ${p} at ${sustainable}/s (turns keep up)`,
          unit: 'ms',
          better: 'lower',
          ours: paired.ours.map((l) => l.latency[p]),
          floor: paired.floor.map((l) => l.latency[p]),
          floorName: 'bare fastify + validateRequestWithBody',
          target: p === 'p99' ? atMost(1.5) : undefined,
        }),
      );
    }
    const maxTurns = Math.max(...steps.map((s) => s.turnsPerSec));
    rows.push(
      compareRow({
        suite: SUITE,
        metric: 'saturation: most turns completed per second in any step',
        unit: 'turns/s',
        better: 'higher',
        ours: [maxTurns],
      }),
    );
    const overloaded = steps.filter((s) => !s.keepsUp);
    if (overloaded.length) {
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `ack latency p99 while overloaded (worst step past saturation)`,
          unit: 'ms',
          better: 'lower',
          ours: [Math.max(...overloaded.map((s) => s.load.latency.p99))],
        }),
      );
    }
    const notes = [
      `Sweep (ours): ${steps
        .map(
          (s) =>
            `${s.rate}/s → acks ${s.load.okPerSec.toFixed(0)}/s, ack p99 ${s.load.latency.p99.toFixed(1)} ms (${s.acksBehind} behind), turns ${s.turnsPerSec.toFixed(0)}/s, backlog ${s.backlogAtEnd}, dropped ${s.dropped}${s.keepsUp ? '' : ' (falling behind)'}`,
        )
        .join('; ')}.`,
      `Highest rate at which turns kept up: ${sustainable}/s. Past it, compare ack p99 with the turn backlog: prompt acks with a growing (bounded) backlog is the intended behaviour; acks slowing with the turns is not.`,
    ];
    return {
      id: SUITE,
      title: this.title,
      method: `Open loop: the generator sends signed webhooks at a fixed rate (latency counted from each request's scheduled time, so queueing in the server shows), over ${CONVERSATIONS.toLocaleString('en-US')} conversations. One TAC server takes the whole sweep (${rates.join(', ')}/s, ${durationMs} ms each after ${warmupMs} ms warm-up); turn progress comes from its \`turn-start\`/\`turn-end\` events and \`onError\` drops. A step "keeps up" when, at the end of its window, at most 100 ms worth of arrivals are unacknowledged and at most 100 ms worth are acknowledged but unanswered, and nothing was dropped. Then ours and bare fastify (each warmed the same way) alternate ${ctx.reps}× at the highest rate that kept up with the server under 75% busy.`,
      rows,
      notes,
      details: { steps, paired, sustainable },
      durationMs: performance.now() - started,
    };
  },
};
