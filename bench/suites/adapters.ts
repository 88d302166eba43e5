import { join } from 'node:path';
import { BenchChild, LOAD_CPU, SERVER_CPU } from '../lib/child.ts';
import { atMost, compareRow, type MetricRow, type Suite, type SuiteContext } from '../lib/suite.ts';
import type { TurnsResult } from '../load/voice-load.ts';
import type { Framework } from '../stubs/scripted-models.ts';
import { profiled } from './servers.ts';

const SUITE = 'adapters';
const FRAMEWORKS: Framework[] = ['ai-sdk', 'openai-agents', 'langchain'];
const LABEL: Record<Framework, string> = {
  'ai-sdk': 'AI SDK',
  'openai-agents': 'OpenAI Agents',
  langchain: 'LangChain',
};

function serverFor(side: 'ours' | 'direct', framework: Framework): Promise<BenchChild> {
  const ours = side === 'ours';
  return BenchChild.start({
    name: `${side}-${framework}`,
    script: join(
      'bench',
      ours ? 'servers' : 'baselines',
      ours ? 'tac-adapter-server.ts' : 'direct-framework-server.ts',
    ),
    args: [`--framework=${framework}`],
    cpu: SERVER_CPU,
    discardStdout: ours,
  });
}

/**
 * Issue 7 §6: the same voice turn through each TAC adapter (TACServer +
 * VoiceChannel + `tac.useAgent(adapter(...))`) against the same framework
 * called directly from a minimal `ws` server, with the same scripted model.
 */
export const adaptersSuite: Suite = {
  id: SUITE,
  title: 'Adapters: the same turn through each framework',
  async run(ctx: SuiteContext) {
    const warmupMs = ctx.quick ? 500 : 700;
    const durationMs = ctx.quick ? 1000 : 1500;
    const calls = 1;
    const turnsPerCall = 10;
    const loader = await BenchChild.start({
      name: 'voice-load',
      script: 'bench/load/voice-load.ts',
      cpu: LOAD_CPU,
    });
    const runs: Record<Framework, Record<'ours' | 'direct', TurnsResult[]>> = {
      'ai-sdk': { ours: [], direct: [] },
      'openai-agents': { ours: [], direct: [] },
      langchain: { ours: [], direct: [] },
    };
    const notes: string[] = [];
    const started = performance.now();
    try {
      for (let rep = 0; rep < ctx.reps; rep++) {
        for (const framework of FRAMEWORKS) {
          const order: ('ours' | 'direct')[] = rep % 2 === 0 ? ['direct', 'ours'] : ['ours', 'direct'];
          for (const side of order) {
            const server = await serverFor(side, framework);
            try {
              const phase = () =>
                loader.call<TurnsResult>('turns', {
                  url: `ws://127.0.0.1:${server.port}/ws`,
                  calls,
                  turnsPerCall,
                  warmupMs,
                  durationMs,
                  serverPid: server.process.pid,
                });
              const r =
                side === 'ours' && rep === 0
                  ? await profiled(ctx, server, `adapter-${framework}`, phase)
                  : await phase();
              runs[framework][side].push(r);
              if (side === 'ours') {
                const e = await server.call<{ errors: number; firstError?: string }>('errors');
                if (e.errors)
                  notes.push(`ours (${LABEL[framework]}): ${e.errors} turn errors (${e.firstError}).`);
              }
              ctx.log(
                `  rep ${rep + 1} ${framework.padEnd(13)} ${side.padEnd(6)}: first frame p50 ${r.firstFrame.p50.toFixed(2)} ms p99 ${r.firstFrame.p99.toFixed(2)} ms, ${r.serverCpuUsPerTurn.toFixed(0)} µs CPU/turn, ${r.turnsPerSec.toFixed(0)} turns/s, ${r.framesPerTurn.toFixed(1)} frames/turn`,
              );
            } finally {
              await server.stop();
            }
          }
        }
      }
    } finally {
      await loader.stop();
    }
    const rows: MetricRow[] = [];
    for (const f of FRAMEWORKS) {
      const v = (side: 'ours' | 'direct', g: (r: TurnsResult) => number) => runs[f][side].map(g);
      const floorName = `${LABEL[f]} called directly`;
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `${LABEL[f]}: server CPU per turn`,
          unit: 'µs',
          better: 'lower',
          ours: v('ours', (r) => r.serverCpuUsPerTurn),
          floor: v('direct', (r) => r.serverCpuUsPerTurn),
          floorName,
          target: atMost(1.2),
        }),
      );
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `${LABEL[f]}: first text frame p50`,
          unit: 'ms',
          better: 'lower',
          ours: v('ours', (r) => r.firstFrame.p50),
          floor: v('direct', (r) => r.firstFrame.p50),
          floorName,
          target: atMost(1.2),
        }),
      );
      rows.push(
        compareRow({
          suite: SUITE,
          metric: `${LABEL[f]}: first text frame p99`,
          unit: 'ms',
          better: 'lower',
          ours: v('ours', (r) => r.firstFrame.p99),
          floor: v('direct', (r) => r.firstFrame.p99),
          floorName,
        }),
      );
      for (const side of ['ours', 'direct'] as const) {
        for (const r of runs[f][side]) {
          if (r.failedCalls || r.unfinishedTurns) {
            notes.push(
              `${side} (${LABEL[f]}): ${r.failedCalls} calls failed, ${r.unfinishedTurns} turns unfinished${r.firstError ? ` (${r.firstError})` : ''}.`,
            );
          }
        }
      }
    }
    return {
      id: SUITE,
      title: this.title,
      method: `One caller at a time, closed loop, calls of ${turnsPerCall} turns (then hang up and dial again, so history stays realistic). Ours: TACServer + VoiceChannel + \`tac.useAgent(createAiSdkAgent | wrapOpenAIAgent | createRunnableAgent)\`. Floor: the same framework called directly (\`streamText\`, \`run(agent, …, { stream: true })\`, \`chatModel.stream\`) from a minimal \`ws\` server that keeps history the same way. Same scripted model on both sides (20 tokens at once). The framework's own cost is in both; the ratio and the added CPU are what the adapter and core add. Warm-up ${warmupMs} ms, window ${durationMs} ms.`,
      rows,
      notes,
      details: runs,
      durationMs: performance.now() - started,
    };
  },
};
