/**
 * Summarise V8 CPU profiles (`node --cpu-prof`): self time by function and by
 * package, to find the hot spots behind a benchmark figure.
 *
 *   node bench/profile/top-functions.ts bench/results/profiles/voice-turn-rep0.cpuprofile [--top=30]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../lib/child.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A function's self time in a profile. */
export interface HotSpot {
  fn: string;
  location: string;
  /** Package or area: `@tac/core`, `fastify`, `ws`, `node:`, … */
  area: string;
  selfMs: number;
  selfPct: number;
}

function areaOf(url: string): string {
  if (!url) return '(native/VM)';
  if (url.startsWith('node:')) return 'node:internals';
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? 'node_modules');
  }
  const rel = relative(REPO_ROOT, path);
  const m = /^packages\/([^/]+)\//.exec(rel);
  if (m) return `@tac/${m[1]}`;
  if (rel.startsWith('bench/')) return 'bench';
  return rel;
}

function locationOf(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return '';
  const path = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
  const rel = path.startsWith('/') ? relative(REPO_ROOT, path) : path;
  return `${rel}:${frame.lineNumber + 1}`;
}

/** Self time per function and per area of one profile file. */
export function hotSpots(file: string): {
  total: number;
  functions: HotSpot[];
  areas: Record<string, number>;
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  const fns = new Map<string, HotSpot>();
  const areas: Record<string, number> = {};
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    // Stopping the profiler itself shows up as inspector time; it isn't the server's.
    if (name === '(idle)' || node.callFrame.url === 'node:inspector') continue;
    total += us;
    const location = locationOf(node.callFrame);
    const key = `${name}@${location}`;
    const area = name === '(garbage collector)' ? '(gc)' : areaOf(node.callFrame.url);
    const spot = fns.get(key) ?? { fn: name, location, area, selfMs: 0, selfPct: 0 };
    spot.selfMs += us / 1000;
    fns.set(key, spot);
    areas[area] = (areas[area] ?? 0) + us / 1000;
  }
  const functions = [...fns.values()].sort((a, b) => b.selfMs - a.selfMs);
  for (const f of functions) f.selfPct = (f.selfMs * 1000 * 100) / total;
  return { total: total / 1000, functions, areas };
}

/**
 * Share of busy time spent under (inclusive of callees) any frame whose
 * `function@file:line` matches `pattern`, e.g. `twilio-http.ts` or `^fetch@`.
 */
export function inclusiveShare(file: string, pattern: RegExp): number {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const matches = new Map<number, boolean>();
  const under = (id: number): boolean => {
    const cached = matches.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    const label = node ? `${node.callFrame.functionName}@${locationOf(node.callFrame)}` : '';
    const p = parent.get(id);
    const hit = pattern.test(label) || (p !== undefined && under(p));
    matches.set(id, hit);
    return hit;
  };
  let busy = 0;
  let hit = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const name = byId.get(id)?.callFrame.functionName;
    if (name === '(idle)') continue;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    if (under(id)) hit += dt;
  }
  return busy ? (hit / busy) * 100 : 0;
}

/** Who calls the functions matching `pattern` (self time of matching leaves, by caller chain of `depth`). */
export function callersOf(file: string, pattern: RegExp, depth = 3): [string, number][] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const label = (id: number) => {
    const n = byId.get(id);
    return n ? `${n.callFrame.functionName || '(anonymous)'}@${locationOf(n.callFrame)}` : '?';
  };
  const chains = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    if (!pattern.test(label(id))) continue;
    const chain: string[] = [];
    let p = parent.get(id);
    while (p !== undefined && chain.length < depth) {
      chain.push(label(p));
      p = parent.get(p);
    }
    const key = chain.join(' ← ');
    chains.set(key, (chains.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...chains.entries()].sort((a, b) => b[1] - a[1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
  for (const file of files) {
    const { total, functions, areas } = hotSpots(file);
    process.stdout.write(`\n${file}: ${total.toFixed(0)} ms busy (idle excluded)\n\nBy area:\n`);
    for (const [area, ms] of Object.entries(areas)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)) {
      process.stdout.write(`  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${area}\n`);
    }
    for (const arg of process.argv.filter((a) => a.startsWith('--inclusive='))) {
      const pattern = new RegExp(arg.slice('--inclusive='.length));
      process.stdout.write(
        `\nUnder /${pattern.source}/: ${inclusiveShare(file, pattern).toFixed(1)}% of busy time\n`,
      );
    }
    for (const arg of process.argv.filter((a) => a.startsWith('--callers='))) {
      const pattern = new RegExp(arg.slice('--callers='.length));
      process.stdout.write(`\nCallers of /${pattern.source}/ (ms of its self time):\n`);
      for (const [chain, ms] of callersOf(file, pattern).slice(0, 8)) {
        process.stdout.write(`  ${ms.toFixed(1).padStart(7)}  ${chain}\n`);
      }
    }
    process.stdout.write('\nTop functions by self time:\n');
    for (const f of functions.slice(0, top)) {
      process.stdout.write(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${f.fn}  ${f.location}  [${f.area}]\n`);
    }
  }
}
