import type { MachineFacts } from './machine.ts';
import { overReps, type RepSummary } from './stats.ts';

/** A target from issue 7: "aim, not assertion". */
export interface Target {
  /** `ratio-max`: ours/floor ≤ value; `ratio-min`: ours/floor ≥ value; `abs-max`: ours ≤ value. */
  kind: 'ratio-max' | 'ratio-min' | 'abs-max';
  value: number;
  /** As printed, e.g. `≤ 1.2×`. */
  text: string;
}

/** One line of the results table. */
export interface MetricRow {
  suite: string;
  metric: string;
  unit: string;
  /** Lower is better (latency, CPU, memory) or higher (throughput). */
  better: 'lower' | 'higher';
  ours: RepSummary;
  floor?: RepSummary;
  /** Name of the floor, as shown in the table. */
  floorName?: string;
  /** ours/floor, computed per repetition (paired runs), then summarised. */
  ratio?: RepSummary;
  /** ours − floor per repetition (the absolute overhead). */
  added?: RepSummary;
  target?: Target;
  /** Whether the median meets the target; null when not measurable. */
  met?: boolean | null;
  note?: string;
}

/** What a suite returns. */
export interface SuiteResult {
  id: string;
  title: string;
  /** What was measured and how (printed above the suite's table). */
  method: string;
  rows: MetricRow[];
  /** Observations worth printing (loader saturation, drops, errors). */
  notes: string[];
  /** Raw per-repetition data, for the JSON file only. */
  details: unknown;
  durationMs: number;
  /** Share of machine CPU used by processes other than this benchmark during the suite (contention), %. */
  backgroundCpuPct?: number;
}

/** Everything a suite gets from the orchestrator. */
export interface SuiteContext {
  reps: number;
  quick: boolean;
  /** Write CPU profiles of our servers (`--profile`). */
  profile: boolean;
  profileDir: string;
  machine: MachineFacts;
  log: (message: string) => void;
}

/** A benchmark suite. */
export interface Suite {
  id: string;
  title: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

function judge(target: Target | undefined, ours: number, ratio: number | undefined): boolean | null {
  if (!target) return null;
  const value = target.kind === 'abs-max' ? ours : ratio;
  if (value === undefined || !Number.isFinite(value)) return null;
  if (target.kind === 'ratio-min') return value >= target.value;
  return value <= target.value;
}

/**
 * Build a row from paired repetitions: `ours[i]` and `floor[i]` were measured
 * in the same repetition, back to back, so their ratio cancels most of the
 * machine's drift and contention.
 */
export function compareRow(init: {
  suite: string;
  metric: string;
  unit: string;
  better: 'lower' | 'higher';
  ours: readonly number[];
  floor?: readonly number[];
  floorName?: string;
  target?: Target;
  note?: string;
}): MetricRow {
  const ours = overReps(init.ours);
  const row: MetricRow = {
    suite: init.suite,
    metric: init.metric,
    unit: init.unit,
    better: init.better,
    ours,
    floorName: init.floorName,
    target: init.target,
    note: init.note,
  };
  if (init.floor) {
    const floor = init.floor;
    row.floor = overReps(floor);
    const n = Math.min(init.ours.length, floor.length);
    const ratios: number[] = [];
    const added: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = init.ours[i] as number;
      const f = floor[i] as number;
      ratios.push(f === 0 ? Number.NaN : o / f);
      added.push(o - f);
    }
    row.ratio = overReps(ratios);
    row.added = overReps(added);
  }
  row.met = judge(init.target, ours.median, row.ratio?.median);
  return row;
}

/** `≤ x×` target on ours/floor. */
export const atMost = (value: number): Target => ({ kind: 'ratio-max', value, text: `≤ ${value}×` });
/** `≥ x×` target on ours/floor. */
export const atLeast = (value: number): Target => ({ kind: 'ratio-min', value, text: `≥ ${value}×` });
/** Absolute ceiling on ours. */
export const below = (value: number, unit: string): Target => ({
  kind: 'abs-max',
  value,
  text: `≤ ${value} ${unit}`,
});
