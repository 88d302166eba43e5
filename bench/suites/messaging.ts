import { BenchChild, LOAD_CPU, SERVER_CPU } from '../lib/child.ts';
import { sleep } from '../lib/clock.ts';
import { atLeast, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';
import type { WebhookLoadResult } from '../load/webhook-load.ts';
import { profiled, tacServerChild } from './servers.ts';

const SUITE = 'messaging';

/** Counters our server reports (see servers/tac-server.ts). */
export interface TacCounters {
  /** 2xx webhook acks (only with `countAcks`). */
  acks: number;
  turnsStarted: number;
  turnsEnded: number;
  messagesInTurns: number;
  errors: number;
  dropped: number;
  firstError?: string;
}

/** Start the bare fastify webhook floor on the server core. */
export function bareFastifyChild(): Promise<BenchChild> {
  return BenchChild.start({
    name: 'bare-fastify',
    script: 'bench/baselines/bare-fastify-webhook.ts',
    cpu: SERVER_CPU,
  });
}

/** Distinct requests the webhook generator precomputes (enough for the longest phase at the floor's rate). */
export const PREPARED_REQUESTS = 100_000;
/** Conversations the requests are spread over. */
export const CONVERSATIONS = 200;

/** Ours with the stub model's reply, ours whose handler sends nothing (the webhook path alone), the floor. */
type Side = 'ours' | 'ours-no-reply' | 'floor';

interface Rep {
  load: WebhookLoadResult;
  counters?: TacCounters;
}

/**
 * Issue 7 §3: signed Conversation Orchestrator webhooks (JSON + bodySHA256)
 * acknowledged per second and their latency, TACServer + SMSChannel (with the
 * turns they start: stub model, reply through the Actions API to a loopback
 * Twilio sink) against bare fastify doing the same signature check.
 */
export const messagingSuite: Suite = {
  id: SUITE,
  title: 'Messaging webhooks: acknowledgements',
  async run(ctx: SuiteContext) {
    // Long enough that every conversation has had its first message (participants reconciled) before the window.
    const warmupMs = 700;
    const durationMs = ctx.quick ? 1000 : 2000;
    const connections = 32;
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
    const runs: Record<Side, Rep[]> = { ours: [], 'ours-no-reply': [], floor: [] };
    const started = performance.now();
    try {
      const prep = await loader.call<{ ms: number }>('prepare', {
        count: PREPARED_REQUESTS,
        conversations: CONVERSATIONS,
      });
      ctx.log(
        `  prepared ${PREPARED_REQUESTS.toLocaleString('en-US')} signed requests in ${prep.ms.toFixed(0)} ms`,
      );
      for (let rep = 0; rep < ctx.reps; rep++) {
        const order: Side[] =
          rep % 2 === 0 ? ['floor', 'ours', 'ours-no-reply'] : ['ours-no-reply', 'ours', 'floor'];
        for (const side of order) {
          const server =
            side === 'floor'
              ? await bareFastifyChild()
              : await tacServerChild({ sms: true, model: side === 'ours' ? 'stub' : 'none', api });
          try {
            const phase = () =>
              loader.call<WebhookLoadResult>('closed', {
                port: server.port,
                connections,
                warmupMs,
                durationMs,
                serverPid: server.process.pid,
              });
            const load =
              side === 'ours' && rep === 0 ? await profiled(ctx, server, 'messaging', phase) : await phase();
            let counters: TacCounters | undefined;
            if (side !== 'floor') {
              await sleep(200);
              counters = await server.call<TacCounters>('counters');
            }
            runs[side].push({ load, counters });
            ctx.log(
              `  rep ${rep + 1} ${side.padEnd(13)}: ${load.acksPerSec.toFixed(0)} acks/s (${JSON.stringify(load.statusCounts)}), p50 ${load.latency.p50.toFixed(2)} ms p99 ${load.latency.p99.toFixed(2)} ms, server ${load.serverCpuPct.toFixed(0)}% ${load.serverCpuUsPerAck.toFixed(0)} µs/ack, loader ${load.loaderCpuPct.toFixed(0)}%${counters ? `, turns ${counters.turnsEnded}, dropped ${counters.dropped}, errors ${counters.errors}` : ''}`,
            );
          } finally {
            await server.stop();
          }
        }
      }
    } finally {
      await loader.stop();
      await sink.stop();
    }
    const v = (side: Side, f: (r: Rep) => number) => runs[side].map(f);
    const rows: MetricRow[] = [
      compareRow({
        suite: SUITE,
        metric: `2xx acknowledgements/s, ${connections} connections, turn work queued`,
        unit: 'acks/s',
        better: 'higher',
        ours: v('ours', (r) => r.load.okPerSec),
        floor: v('floor', (r) => r.load.okPerSec),
        floorName: 'bare fastify + validateRequestWithBody',
        target: atLeast(0.8),
      }),
      compareRow({
        suite: SUITE,
        metric: `2xx acknowledgements/s, ${connections} connections, handler sends nothing (webhook path only)`,
        unit: 'acks/s',
        better: 'higher',
        ours: v('ours-no-reply', (r) => r.load.okPerSec),
        floor: v('floor', (r) => r.load.okPerSec),
        floorName: 'bare fastify + validateRequestWithBody',
      }),
      compareRow({
        suite: SUITE,
        metric: 'server CPU per webhook, handler sends nothing (webhook path only)',
        unit: 'µs',
        better: 'lower',
        ours: v('ours-no-reply', (r) => r.load.serverCpuUsPerAck),
        floor: v('floor', (r) => r.load.serverCpuUsPerAck),
        floorName: 'bare fastify + validateRequestWithBody',
      }),
      compareRow({
        suite: SUITE,
        metric: `ack latency p50, ${connections} connections (saturated)`,
        unit: 'ms',
        better: 'lower',
        ours: v('ours', (r) => r.load.latency.p50),
        floor: v('floor', (r) => r.load.latency.p50),
        floorName: 'bare fastify + validateRequestWithBody',
      }),
      compareRow({
        suite: SUITE,
        metric: `ack latency p99, ${connections} connections (saturated)`,
        unit: 'ms',
        better: 'lower',
        ours: v('ours', (r) => r.load.latency.p99),
        floor: v('floor', (r) => r.load.latency.p99),
        floorName: 'bare fastify + validateRequestWithBody',
      }),
      compareRow({
        suite: SUITE,
        metric: 'server CPU per acknowledged webhook',
        unit: 'µs',
        better: 'lower',
        ours: v('ours', (r) => r.load.serverCpuUsPerAck),
        floor: v('floor', (r) => r.load.serverCpuUsPerAck),
        floorName: 'bare fastify + validateRequestWithBody',
      }),
    ];
    const notes: string[] = [];
    for (const r of runs.ours) {
      const c = r.counters;
      if (!c) continue;
      const acked = Object.entries(r.load.statusCounts)
        .filter(([s]) => s.startsWith('2'))
        .reduce((a, [, n]) => a + n, 0);
      notes.push(
        `ours: ${acked.toLocaleString('en-US')} messages acknowledged in the window; ${c.turnsEnded.toLocaleString('en-US')} turns completed over the whole phase (${c.messagesInTurns.toLocaleString('en-US')} messages answered, bursts coalesced), ${c.dropped.toLocaleString('en-US')} dropped by the bounded queue, ${c.errors} errors${c.firstError ? ` (first: ${c.firstError})` : ''}.`,
      );
    }
    for (const side of ['ours', 'ours-no-reply', 'floor'] as const) {
      for (const r of runs[side]) {
        if (r.load.loaderCpuPct > 90) {
          notes.push(
            `${side}: the load generator used ${r.load.loaderCpuPct.toFixed(0)}% of its core; the figure may be the generator's limit.`,
          );
        }
        if (r.load.wrapped)
          notes.push(`${side}: the prepared requests ran out and were reused ${r.load.wrapped}×.`);
      }
    }
    return {
      id: SUITE,
      title: this.title,
      method: `Closed loop, ${connections} keep-alive connections from the load generator, each sending the next webhook as soon as the last was acknowledged: distinct \`COMMUNICATION_CREATED\` events (unique ids and idempotency tokens) over ${CONVERSATIONS.toLocaleString('en-US')} conversations, signed with \`bodySHA256\`. Ours acknowledges and queues a turn per message (stub model, reply sent through the Actions API to a loopback Twilio sink on the generator's core); the floor only acknowledges. "Handler sends nothing" is ours with \`onMessageReady\` returning nothing: the webhook path (validation, parsing, dedup, session, queueing, a turn that sends no reply) without the reply's REST call. Warm-up ${warmupMs} ms, window ${durationMs} ms, fresh server per repetition.`,
      rows,
      notes,
      details: runs,
      durationMs: performance.now() - started,
    };
  },
};
