import { join } from 'node:path';
import { BenchChild, LOAD_CPU, SERVER_CPU } from '../lib/child.ts';
import { atMost, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';

const SUITE = 'cold-start';

type Variant = 'tac-full' | 'tac-voice' | 'floor-full' | 'floor-lean';

/**
 * Issue 7 §5: process start → listening, for TAC and for a bare fastify +
 * ws + twilio server, each spawned fresh on the server core.
 */
export const coldStartSuite: Suite = {
  id: SUITE,
  title: 'Cold start',
  async run(ctx: SuiteContext) {
    const reps = Math.max(5, ctx.reps);
    const sink = await BenchChild.start({
      name: 'twilio-sink',
      script: 'bench/load/twilio-sink.ts',
      cpu: LOAD_CPU,
    });
    const api = `http://127.0.0.1:${sink.port}`;
    const variants: Variant[] = ['floor-full', 'tac-full', 'floor-lean', 'tac-voice'];
    const times: Record<Variant, number[]> = {
      'tac-full': [],
      'tac-voice': [],
      'floor-full': [],
      'floor-lean': [],
    };
    const started = performance.now();
    try {
      for (let rep = 0; rep < reps; rep++) {
        // Rotate the order every repetition.
        const order = variants.map((_, i) => variants[(i + rep) % variants.length] as Variant);
        for (const v of order) {
          const child = await BenchChild.start({
            name: v,
            cpu: SERVER_CPU,
            discardStdout: true,
            ...(v.startsWith('tac')
              ? {
                  script: join('bench', 'servers', 'tac-server.ts'),
                  args: v === 'tac-full' ? ['--voice', '--sms', `--api=${api}`] : ['--voice'],
                }
              : {
                  script: join('bench', 'baselines', 'bare-cold-start.ts'),
                  args: [`--twilio=${v === 'floor-full' ? 'full' : 'webhooks'}`],
                }),
          });
          times[v].push((child.info.readyAt as number) - child.spawnedAt);
          await child.stop();
        }
      }
    } finally {
      await sink.stop();
    }
    ctx.log(
      `  medians: ${Object.entries(times)
        .map(([k, t]) => `${k} ${[...t].sort((a, b) => a - b)[t.length >> 1]?.toFixed(0)} ms`)
        .join(', ')}`,
    );
    const rows: MetricRow[] = [
      compareRow({
        suite: SUITE,
        metric: 'start → listening, TAC voice + SMS (orchestrated) vs fastify + ws + `twilio`',
        unit: 'ms',
        better: 'lower',
        ours: times['tac-full'],
        floor: times['floor-full'],
        floorName: 'bare fastify + ws + twilio',
        target: atMost(1.5),
      }),
      compareRow({
        suite: SUITE,
        metric: 'start → listening, TAC voice only vs fastify + ws + `twilio`',
        unit: 'ms',
        better: 'lower',
        ours: times['tac-voice'],
        floor: times['floor-full'],
        floorName: 'bare fastify + ws + twilio',
        target: atMost(1.5),
      }),
      compareRow({
        suite: SUITE,
        metric: 'start → listening, TAC voice + SMS vs fastify + ws + twilio webhooks module only',
        unit: 'ms',
        better: 'lower',
        ours: times['tac-full'],
        floor: times['floor-lean'],
        floorName: 'bare fastify + ws + twilio/lib/webhooks',
      }),
    ];
    return {
      id: SUITE,
      title: this.title,
      method: `From \`spawn\` in the orchestrator to the server's "listening" message (both on the shared monotonic clock), ${reps} fresh processes per variant in rotating order, pinned to the server core. TAC runs from its TypeScript sources (\`--conditions=@tac/source\`, Node's type stripping), as in this repository; a published build runs from dist/ JavaScript. "Voice + SMS" is orchestrated mode and includes fetching the Conversation Configuration from the (loopback) Twilio sink, as \`TAC.create\` does.`,
      rows,
      notes: [],
      details: times,
      durationMs: performance.now() - started,
    };
  },
};
