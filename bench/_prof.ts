import { BenchChild, LOAD_CPU, SERVER_CPU } from './lib/child.ts';

const kind = process.argv[2] ?? 'ours';
const calls = Number(process.argv[3] ?? 1000);
const server =
  kind === 'ours'
    ? await BenchChild.start({
        name: 'tac',
        script: 'bench/servers/tac-server.ts',
        args: ['--voice', '--model=stub'],
        cpu: SERVER_CPU,
        discardStdout: true,
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', `--cpu-prof-name=${kind}-${calls}.cpuprofile`],
      })
    : await BenchChild.start({
        name: 'min',
        script: 'bench/baselines/minimal-cr-server.ts',
        args: ['--model=stub'],
        cpu: SERVER_CPU,
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', `--cpu-prof-name=${kind}-${calls}.cpuprofile`],
      });
const loader = await BenchChild.start({ name: 'load', script: 'bench/load/voice-load.ts', cpu: LOAD_CPU });
const r: any = await loader.call('turns', {
  url: `ws://127.0.0.1:${server.port}/ws`,
  calls,
  warmupMs: 500,
  durationMs: 3000,
  serverPid: server.process.pid,
});
console.log(
  kind,
  calls,
  r.firstFrame.p50,
  r.turnsPerSec,
  r.serverCpuPct,
  r.serverCpuUsPerTurn,
  r.fullReply.p50,
  r.framesPerTurn,
);
await loader.stop();
await server.stop();
