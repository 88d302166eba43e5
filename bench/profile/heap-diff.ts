/**
 * What grew between two heap snapshots (`heapSnapshot` RPC, or any
 * `.heapsnapshot`): self size and count by constructor, per item of growth.
 *
 *   node bench/profile/heap-diff.ts before.heapsnapshot after.heapsnapshot [--per=1000] [--top=25]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count by `type:name` of every node in a snapshot. */
export function byConstructor(file: string): Map<string, { size: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType] as number] ?? '?';
    const raw = snap.strings[snap.nodes[i + iName] as number] ?? '?';
    const name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(string)' : raw;
    const key = `${type}:${name.slice(0, 60)}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += snap.nodes[i + iSize] as number;
    e.count++;
    out.set(key, e);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [before, after] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!before || !after)
    throw new Error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [--per=N]');
  const per = Number(process.argv.find((a) => a.startsWith('--per='))?.slice(6) ?? 1);
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
  const a = byConstructor(before);
  const b = byConstructor(after);
  const rows = [...b.entries()].map(([k, v]) => {
    const o = a.get(k) ?? { size: 0, count: 0 };
    return { k, size: (v.size - o.size) / per, count: (v.count - o.count) / per };
  });
  rows.sort((x, y) => y.size - x.size);
  const total = rows.reduce((s, r) => s + r.size, 0);
  process.stdout.write(`growth: ${total.toFixed(0)} B per item (${per} items)\n`);
  for (const r of rows.slice(0, top)) {
    process.stdout.write(`${r.size.toFixed(0).padStart(8)} B ${r.count.toFixed(2).padStart(7)}×  ${r.k}\n`);
  }
}
