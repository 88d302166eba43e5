import { join, relative } from 'node:path';
import { BenchChild, LOAD_CPU, REPO_ROOT, SERVER_CPU } from '../lib/child.ts';
import { buildJs } from '../lib/js-build.ts';
import { atMost, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';

const SUITE = 'cold-start';

type Variant = 'tac-full' | 'tac-voice' | 'floor-full' | 'floor-lean' | 'tac-full-js' | 'floor-full-js';

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
    const build = buildJs();
    ctx.log(
      `  stripped ${build.files} files to JavaScript in ${build.ms.toFixed(0)} ms (node_modules/.cache/tac-bench/js)`,
    );
    const variants: Variant[] = [
      'floor-full',
      'tac-full',
      'floor-full-js',
      'tac-full-js',
      'floor-lean',
      'tac-voice',
    ];
    const times: Record<Variant, number[]> = {
      'tac-full': [],
      'tac-voice': [],
      'floor-full': [],
      'floor-lean': [],
      'tac-full-js': [],
      'floor-full-js': [],
    };
    const started = performance.now();
    try {
      for (let rep = 0; rep < reps; rep++) {
        // Rotate the order every repetition.
        const order = variants.map((_, i) => variants[(i + rep) % variants.length] as Variant);
        for (const v of order) {
          const js = v.endsWith('-js');
          const root = js ? relative(REPO_ROOT, build.dir) : '';
          const ext = js ? 'js' : 'ts';
          const child = await BenchChild.start({
            name: v,
            cpu: SERVER_CPU,
            discardStdout: true,
            ...(v.startsWith('tac')
              ? {
                  script: join(root, 'bench', 'servers', `tac-server.${ext}`),
                  args: v === 'tac-voice' ? ['--voice'] : ['--voice', '--sms', `--api=${api}`],
                }
              : {
                  script: join(root, 'bench', 'baselines', `bare-cold-start.${ext}`),
                  args: [`--twilio=${v === 'floor-lean' ? 'webhooks' : 'full'}`],
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
        metric: 'start → listening, JavaScript build: TAC voice + SMS vs fastify + ws + `twilio`',
        unit: 'ms',
        better: 'lower',
        ours: times['tac-full-js'],
        floor: times['floor-full-js'],
        floorName: 'bare fastify + ws + twilio',
        target: atMost(1.5),
      }),
      compareRow({
        suite: SUITE,
        metric:
          'start → listening, TypeScript sources (type stripping at load): TAC voice + SMS vs fastify + ws + `twilio`',
        unit: 'ms',
        better: 'lower',
        ours: times['tac-full'],
        floor: times['floor-full'],
        floorName: 'bare fastify + ws + twilio',
        target: atMost(1.5),
      }),
      compareRow({
        suite: SUITE,
        metric: 'start → listening, TypeScript sources: TAC voice only vs fastify + ws + `twilio`',
        unit: 'ms',
        better: 'lower',
        ours: times['tac-voice'],
        floor: times['floor-full'],
        floorName: 'bare fastify + ws + twilio',
      }),
      compareRow({
        suite: SUITE,
        metric:
          'start → listening, TypeScript sources: TAC voice + SMS vs fastify + ws + twilio webhooks module only',
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
      method: `From \`spawn\` in the orchestrator to the server's "listening" message (both on the shared monotonic clock), ${reps} fresh processes per variant in rotating order, pinned to the server core. Measured twice: from TypeScript sources (\`--conditions=@tac/source\`, Node strips types while loading, as this repository runs) and from a JavaScript build made at the start of the suite (bench/lib/js-build.ts: the same sources stripped ahead of time, as a published dist/ build runs); floors likewise. "Voice + SMS" is orchestrated mode and includes fetching the Conversation Configuration from the (loopback) Twilio sink, as \`TAC.create\` does.`,
      rows,
      notes: [],
      details: times,
      durationMs: performance.now() - started,
    };
  },
};
