import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, type as osType, release, totalmem } from 'node:os';
import { canPin, childNice } from './child.ts';

/** Facts about the machine and software a run was measured on. */
export interface MachineFacts {
  date: string;
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** Whether servers and load generators ran pinned to separate cores. */
  pinned: boolean;
  /** Niceness of the benchmark's processes (negative: favoured over other work on the machine). */
  nice: number;
  openFilesLimit: number | null;
  loadAverageAtStart: number[];
  versions: Record<string, string>;
}

function version(pkg: string): string {
  try {
    const url = new URL(`../../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'n/a';
  }
}

function openFilesLimit(): number | null {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  } catch {
    return null;
  }
}

/** Collect {@link MachineFacts}. */
export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    pinned: canPin(),
    nice: childNice(),
    openFilesLimit: openFilesLimit(),
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
    versions: Object.fromEntries(
      ['fastify', '@fastify/websocket', 'ws', 'twilio', 'ai', '@openai/agents', '@langchain/core'].map(
        (p) => [p, version(p)],
      ),
    ),
  };
}

/** Busy and total CPU ticks of the whole machine (Linux `/proc/stat`), or undefined elsewhere. */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU time (ms) a process used so far, from `/proc/<pid>/stat`; undefined when unavailable. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    return (ticks * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** A process's CPU over a window from two {@link processCpuMs} readings: % of one core, and µs per operation. */
export function cpuOverWindow(
  before: number | undefined,
  after: number | undefined,
  windowMs: number,
  ops: number,
): { pct: number; usPerOp: number } {
  if (before === undefined || after === undefined || windowMs <= 0)
    return { pct: Number.NaN, usPerOp: Number.NaN };
  return {
    pct: ((after - before) / windowMs) * 100,
    usPerOp: ops ? ((after - before) * 1000) / ops : Number.NaN,
  };
}

/**
 * Busy share of the whole machine over `ms` while this benchmark is idle,
 * in % of all cores: other people's compilers and test runs on the same
 * machine. Reported next to each suite, since they steal cycles from both
 * "ours" and the floor (paired ratios cancel much, not all, of it).
 */
export async function probeBackground(ms = 300): Promise<number | undefined> {
  const a = machineTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineTicks();
  if (!a || !b || b.total === a.total) return undefined;
  return Math.round(((b.busy - a.busy) / (b.total - a.total)) * 1000) / 10;
}

/**
 * Wait (up to `maxWaitMs`) until other processes use less than `thresholdPct`
 * of the machine, so a suite doesn't start in the middle of someone's build.
 * Returns the last reading (undefined where `/proc/stat` is unavailable).
 */
export async function waitForQuiet(maxWaitMs: number, thresholdPct = 25): Promise<number | undefined> {
  const deadline = Date.now() + maxWaitMs;
  let last = await probeBackground();
  while (last !== undefined && last > thresholdPct && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 700));
    last = await probeBackground();
  }
  return last;
}
