/**
 * The benchmark harness measures what it claims: statistics, the barge-in
 * join, and the load generators' protocol against the floors and our server
 * (signed upgrades and webhooks accepted, unsigned refused, a turn streams 20
 * tokens then `last: true`). No timings are asserted; `npm run bench` measures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BenchChild } from '../../bench/lib/child.ts';
import { overReps, percentileSorted, summarize } from '../../bench/lib/stats.ts';
import { atLeast, atMost, below, compareRow } from '../../bench/lib/suite.ts';
import { BENCH_ACCOUNT, PROMPT_FRAME, signJsonWebhook } from '../../bench/lib/twilio-fixtures.ts';
import { CrCall, isLastFrame } from '../../bench/load/cr-call.ts';
import { RawHttpConnection, rawPost } from '../../bench/load/raw-http.ts';
import { STUB_TOKENS } from '../../bench/stubs/stub-model.ts';
import { abortLatencies } from '../../bench/suites/barge-in.ts';

describe('statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(sorted, 50)).toBe(50);
    expect(percentileSorted(sorted, 99)).toBe(99);
    expect(percentileSorted([7], 99)).toBe(7);
    expect(Number.isNaN(percentileSorted([], 50))).toBe(true);
  });

  it('summarises unsorted samples without mutating them', () => {
    const samples = [5, 1, 4, 2, 3];
    const s = summarize(samples);
    expect(samples).toEqual([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ n: 5, p50: 3, max: 5, min: 1, mean: 3 });
  });

  it('reports the median and spread over repetitions, ignoring failed ones', () => {
    expect(overReps([3, 1, 2, Number.NaN])).toMatchObject({ median: 2, min: 1, max: 3 });
    expect(overReps([1, 2, 3, 4]).median).toBe(2.5);
  });

  it('pairs repetitions for ratios and judges targets by the median', () => {
    const latency = compareRow({
      suite: 't',
      metric: 'latency',
      unit: 'ms',
      better: 'lower',
      ours: [1.1, 2.4, 1.3],
      floor: [1, 2, 1],
      target: atMost(1.2),
    });
    expect(latency.ratio?.reps.map((r) => Math.round(r * 100) / 100)).toEqual([1.1, 1.2, 1.3]);
    expect(latency.ratio?.median).toBeCloseTo(1.2);
    expect(latency.added?.median).toBeCloseTo(0.3);
    expect(latency.met).toBe(true);
    const throughput = compareRow({
      suite: 't',
      metric: 'rps',
      unit: '/s',
      better: 'higher',
      ours: [60],
      floor: [100],
      target: atLeast(0.7),
    });
    expect(throughput.met).toBe(false);
    const absolute = compareRow({
      suite: 't',
      metric: 'p99',
      unit: 'ms',
      better: 'lower',
      ours: [6],
      target: below(5, 'ms'),
    });
    expect(absolute.met).toBe(false);
    expect(compareRow({ suite: 't', metric: 'x', unit: 'ms', better: 'lower', ours: [1] }).met).toBeNull();
  });
});

describe('barge-in join', () => {
  it('matches each interrupt with the first abort of its call before the next interrupt', () => {
    const { latencies, missing } = abortLatencies(
      [
        { callSid: 'CA1', at: 100 },
        { callSid: 'CA1', at: 200 },
        { callSid: 'CA2', at: 150 },
      ],
      // CA1's second interrupt never reached the model; the abort at 99 predates the first one.
      { CA1: [99, 101.5], CA2: [152] },
    );
    expect(latencies.sort()).toEqual([1.5, 2]);
    expect(missing).toBe(1);
  });
});

describe('load generators against the servers', () => {
  const children: BenchChild[] = [];
  const calls: CrCall[] = [];
  afterEach(async () => {
    await Promise.all(calls.splice(0).map((c) => c.close()));
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });

  async function oneTurn(port: number): Promise<{ tokens: string[]; frames: number }> {
    const call = new CrCall(`ws://127.0.0.1:${port}/ws`);
    calls.push(call);
    await call.ready();
    const tokens: string[] = [];
    let frames = 0;
    await new Promise<void>((resolve) => {
      call.onFrame = (data) => {
        frames++;
        const frame = JSON.parse(String(data)) as { type: string; token: string; last: boolean };
        expect(frame.type).toBe('text');
        if (frame.token) tokens.push(frame.token);
        if (isLastFrame(data)) resolve();
      };
      call.send(PROMPT_FRAME);
    });
    return { tokens, frames };
  }

  it('the minimal ConversationRelay floor streams the stub and refuses unsigned upgrades', async () => {
    const floor = await BenchChild.start({
      name: 'minimal-cr',
      script: 'bench/baselines/minimal-cr-server.ts',
    });
    children.push(floor);
    const turn = await oneTurn(floor.port);
    expect(turn.tokens).toEqual(STUB_TOKENS);
    expect(turn.frames).toBe(STUB_TOKENS.length + 1);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${floor.port}/ws`, {
        headers: { 'x-twilio-signature': 'forged' },
      });
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        resolve(101);
        ws.close();
      });
      ws.once('error', () => {});
    });
    expect(refused).toBe(403);
  });

  it('our TACServer speaks the same protocol to the voice load generator', async () => {
    const ours = await BenchChild.start({
      name: 'tac-server',
      script: 'bench/servers/tac-server.ts',
      args: ['--voice', '--model=stub'],
      discardStdout: true,
    });
    children.push(ours);
    const turn = await oneTurn(ours.port);
    expect(turn.tokens.join('')).toBe(STUB_TOKENS.join(''));
  });

  it('bare fastify accepts the generator’s signed webhooks and refuses a tampered body', async () => {
    const floor = await BenchChild.start({
      name: 'bare-fastify',
      script: 'bench/baselines/bare-fastify-webhook.ts',
    });
    children.push(floor);
    const body = JSON.stringify({
      eventType: 'COMMUNICATION_CREATED',
      data: { id: 'comms_communication_1' },
    });
    const signed = signJsonWebhook('https://bench.example.com/webhook', body);
    const path = new URL(signed.url);
    const send = (payload: string) =>
      new Promise<number>((resolve) => {
        const conn = new RawHttpConnection(floor.port);
        conn.request(
          rawPost(`${path.pathname}${path.search}`, 'bench.example.com', payload, {
            'x-forwarded-proto': 'https',
            'x-twilio-signature': signed.signature,
          }),
          (status) => {
            conn.close();
            resolve(status);
          },
        );
      });
    expect(await send(body)).toBe(200);
    expect(await send(body.replace('comms_communication_1', 'comms_communication_2'))).toBe(403);
    expect(await floor.call('accepted')).toBe(1);
    expect(BENCH_ACCOUNT.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
  });
});
