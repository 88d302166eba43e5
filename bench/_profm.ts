import { BenchChild, LOAD_CPU, SERVER_CPU } from './lib/child.ts';
import { sleep } from './lib/clock.ts';

const mode = process.argv[2] ?? 'closed';
const sink = await BenchChild.start({ name: 'sink', script: 'bench/load/twilio-sink.ts', cpu: LOAD_CPU });
const server = await BenchChild.start({
  name: 'tac',
  script: 'bench/servers/tac-server.ts',
  args: ['--sms', '--model=stub', `--api=http://127.0.0.1:${sink.port}`],
  cpu: SERVER_CPU,
  discardStdout: true,
  nodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', `--cpu-prof-name=msg-${mode}.cpuprofile`],
});
const loader = await BenchChild.start({ name: 'load', script: 'bench/load/webhook-load.ts', cpu: LOAD_CPU });
await loader.call('prepare', { count: 50000, conversations: 1000 });
const r: any =
  mode === 'closed'
    ? await loader.call('closed', {
        port: server.port,
        connections: 32,
        warmupMs: 500,
        durationMs: 3000,
        serverPid: server.process.pid,
      })
    : await loader.call('open', {
        port: server.port,
        rate: Number(mode),
        warmupMs: 500,
        durationMs: 3000,
        serverPid: server.process.pid,
      });
await sleep(500);
console.log(
  JSON.stringify({
    acks: r.acksPerSec,
    lat: r.latency,
    st: r.statusCounts,
    cpu: r.serverCpuPct,
    us: r.serverCpuUsPerAck,
  }),
);
console.log(await server.call('counters'), await sink.call('stats'));
await loader.stop();
await server.stop();
await sink.stop();
