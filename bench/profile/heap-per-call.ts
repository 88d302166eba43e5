/**
 * What one idle voice call costs in heap, object by object: snapshots our
 * server (or the minimal floor) before and after opening N idle calls and
 * prints the growth per call by constructor.
 *
 *   node --conditions=@tac/source bench/profile/heap-per-call.ts [ours|floor] [calls=2000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchChild, LOAD_CPU, SERVER_CPU } from '../lib/child.ts';
import { sleep } from '../lib/clock.ts';
import { byConstructor } from './heap-diff.ts';

const side = process.argv[2] === 'floor' ? 'floor' : 'ours';
const calls = Number(process.argv[3] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'tac-heap-'));
const server =
  side === 'ours'
    ? await BenchChild.start({
        name: 'tac-server',
        script: 'bench/servers/tac-server.ts',
        args: ['--voice', '--model=stub'],
        cpu: SERVER_CPU,
        discardStdout: true,
        nodeArgs: ['--expose-gc'],
      })
    : await BenchChild.start({
        name: 'minimal-cr',
        script: 'bench/baselines/minimal-cr-server.ts',
        cpu: SERVER_CPU,
        nodeArgs: ['--expose-gc'],
      });
const loader = await BenchChild.start({
  name: 'voice-load',
  script: 'bench/load/voice-load.ts',
  cpu: LOAD_CPU,
});
try {
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const snap = async (name: string) => {
    await sleep(300);
    await server.call('gc');
    const file = join(dir, `${name}.heapsnapshot`);
    await server.call('heapSnapshot', { file });
    return byConstructor(file);
  };
  // One call first, so lazily created objects are in the baseline.
  await loader.call('openIdle', { url, count: 1 });
  await loader.call('closeAll');
  const before = await snap('before');
  await loader.call('openIdle', { url, count: calls });
  const after = await snap('after');
  const rows = [...after.entries()]
    .map(([k, v]) => {
      const o = before.get(k) ?? { size: 0, count: 0 };
      return { k, size: (v.size - o.size) / calls, count: (v.count - o.count) / calls };
    })
    .sort((x, y) => y.size - x.size);
  const total = rows.reduce((s, r) => s + r.size, 0);
  process.stdout.write(
    `${side}: ${total.toFixed(0)} B of heap per idle call (${calls} calls); snapshots in ${dir}\n`,
  );
  for (const r of rows.slice(0, 30)) {
    process.stdout.write(`${r.size.toFixed(0).padStart(7)} B ${r.count.toFixed(2).padStart(6)}×  ${r.k}\n`);
  }
} finally {
  await loader.call('closeAll');
  await loader.stop();
  await server.stop();
}
