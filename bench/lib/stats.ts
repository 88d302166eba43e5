/** Percentiles and spread of one sample set (milliseconds unless stated). */
export interface SampleSummary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
}

/** Summary of one metric over repetitions: the median rep and the spread between reps. */
export interface RepSummary {
  /** Median over repetitions. */
  median: number;
  min: number;
  max: number;
  /** Every repetition's value, in run order. */
  reps: number[];
}

/** Nearest-rank percentile of an ascending-sorted array; `NaN` when empty. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** p50/p90/p99/max of `samples` (not mutated). */
export function summarize(samples: ArrayLike<number>): SampleSummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    min: sorted.length ? (sorted[0] as number) : Number.NaN,
  };
}

/** Median of a small list (mean of the middle two when even). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const s = [...finite].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median and min–max of one metric across repetitions. */
export function overReps(values: readonly number[]): RepSummary {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    reps: [...values],
  };
}

/**
 * Growable float buffer for latency samples: a load generator records tens of
 * thousands per second, and a plain array of boxed numbers costs it GC time that
 * would show up as latency.
 */
export class SampleBuffer {
  private data = new Float64Array(1024);
  private count = 0;

  push(value: number): void {
    if (this.count === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.count++] = value;
  }

  get length(): number {
    return this.count;
  }

  /** A copy of the recorded samples. */
  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.count));
  }

  summary(): SampleSummary {
    return summarize(this.data.subarray(0, this.count));
  }
}
