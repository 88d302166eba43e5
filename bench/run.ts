/**
 * `npm run bench`: every benchmark of issue 7, ours and its floor side by side
 * in one run, then `bench/results/*.json` and BENCHMARKS.md.
 *
 *   npm run bench                      full run (about 5 minutes on 2 cores; must stay under 10)
 *   npm run bench -- --quick           shorter windows, 2 repetitions (a smoke run)
 *   npm run bench -- --only=voice-turn,barge-in
 *   npm run bench -- --reps=5
 *   npm run bench -- --profile         also write CPU profiles of our servers to bench/results/profiles
 *   npm run bench -- --report-only     regenerate BENCHMARKS.md from bench/results (after editing bench/analysis.md)
 *   npm run bench -- --only=voice-turn --experiment=cork
 *                                      try a candidate fix on our servers (bench/servers/experiments.ts);
 *                                      results go to bench/results/experiments/<name>/ with a comparison
 *                                      against the last regular run, and BENCHMARKS.md is left alone
 *
 * Servers run pinned to core 0 and load generators to core 1 (`taskset`),
 * each in its own process; this orchestrator only coordinates.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/child.ts';
import { machineFacts, probeBackground, waitForQuiet } from './lib/machine.ts';
import { rewriteReport, writeExperimentComparison, writeReport } from './lib/report.ts';
import type { Suite, SuiteResult } from './lib/suite.ts';
import { hotSpots } from './profile/top-functions.ts';
import { type Experiment, parseExperiments } from './servers/experiments.ts';
import { SUITES } from './suites/index.ts';

interface Flags {
  only: string[] | undefined;
  quick: boolean;
  reps: number | undefined;
  profile: boolean;
  experiments: Experiment[];
  reportOnly: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    only: undefined,
    quick: false,
    reps: undefined,
    profile: false,
    experiments: [],
    reportOnly: false,
  };
  for (const a of argv) {
    if (a === '--quick') flags.quick = true;
    else if (a === '--profile') flags.profile = true;
    else if (a === '--report-only') flags.reportOnly = true;
    else if (a.startsWith('--only=')) flags.only = a.slice(7).split(',').filter(Boolean);
    else if (a.startsWith('--reps=')) flags.reps = Number(a.slice(7));
    else if (a.startsWith('--experiment=')) flags.experiments = parseExperiments(a.slice(13));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
      process.exit(0);
    } else throw new Error(`Unknown flag ${a}. Try --help.`);
  }
  if (flags.reps !== undefined && (!Number.isInteger(flags.reps) || flags.reps < 1)) {
    throw new Error('--reps must be a positive integer');
  }
  const known = new Set(SUITES.map((s) => s.id));
  for (const id of flags.only ?? []) {
    if (!known.has(id)) throw new Error(`Unknown suite "${id}". Suites: ${[...known].join(', ')}`);
  }
  return flags;
}

/** Print (and save) the hottest functions of every profile this run wrote. */
function summariseProfiles(dir: string, since: number): void {
  const lines: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const file = join(dir, f);
    if (statSync(file).mtimeMs < since) continue;
    const { total, functions, areas } = hotSpots(file);
    lines.push(`\n${f}: ${total.toFixed(0)} ms busy`);
    lines.push(
      `  by area: ${Object.entries(areas)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([a, ms]) => `${a} ${((ms / total) * 100).toFixed(1)}%`)
        .join(', ')}`,
    );
    for (const fn of functions.slice(0, 15)) {
      lines.push(`  ${fn.selfPct.toFixed(1).padStart(5)}%  ${fn.fn}  ${fn.location}  [${fn.area}]`);
    }
  }
  writeFileSync(join(dir, 'hotspots.txt'), `${lines.join('\n')}\n`);
  process.stdout.write(
    `\nHot spots (self time; full profiles in bench/results/profiles):${lines.join('\n')}\n`,
  );
}

const flags = parseFlags(process.argv.slice(2));
const baselineDir = join(REPO_ROOT, 'bench', 'results');
const resultsDir = flags.experiments.length
  ? join(baselineDir, 'experiments', flags.experiments.join('+'))
  : baselineDir;
const profileDir = join(resultsDir, 'profiles');
// Our server processes read this; the floors never do.
if (flags.experiments.length) process.env.TAC_BENCH_EXPERIMENTS = flags.experiments.join(',');
mkdirSync(resultsDir, { recursive: true });
if (flags.profile) mkdirSync(profileDir, { recursive: true });

const machine = machineFacts();
const log = (m: string) => process.stdout.write(`${m}\n`);
log(
  `TAC benchmarks on ${machine.cpuModel} × ${machine.cpus}, Node ${machine.node}, pinned: ${machine.pinned}, nice: ${machine.nice}`,
);
const runStarted = performance.now();
const selected: Suite[] = flags.reportOnly
  ? []
  : SUITES.filter((s) => !flags.only || flags.only.includes(s.id));
const results: SuiteResult[] = [];
for (const suite of selected) {
  log(`\n▶ ${suite.title} (${suite.id})`);
  // Other people's builds on the same cores skew every figure: give them a moment to finish.
  const before = await waitForQuiet(flags.quick ? 4_000 : 8_000);
  if (before !== undefined && before > 25)
    log(`  note: other processes are using ${before}% of the machine's CPU`);
  try {
    const result = await suite.run({
      reps: flags.reps ?? (flags.quick ? 2 : 3),
      quick: flags.quick,
      profile: flags.profile,
      profileDir,
      machine,
      log,
    });
    const after = await probeBackground();
    const probes = [before, after].filter((v): v is number => v !== undefined);
    if (probes.length) result.backgroundCpuPct = Math.max(...probes);
    results.push(result);
    writeFileSync(
      join(resultsDir, `${suite.id}.json`),
      `${JSON.stringify({ machine, quick: flags.quick, ...result }, null, 2)}\n`,
    );
    log(`  done in ${(result.durationMs / 1000).toFixed(1)} s`);
  } catch (error) {
    log(`  FAILED: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  }
}
const totalMs = performance.now() - runStarted;
if (flags.profile) summariseProfiles(profileDir, Date.now() - totalMs);
if (flags.experiments.length) {
  const file = writeExperimentComparison(results, baselineDir, resultsDir, flags.experiments);
  log(`\nAll done in ${(totalMs / 1000).toFixed(0)} s. Comparison with the last regular run: ${file}`);
} else {
  const file = flags.reportOnly
    ? rewriteReport(resultsDir)
    : writeReport({ machine, resultsDir, totalMs, ran: results.map((r) => r.id), quick: flags.quick });
  log(`\nAll done in ${(totalMs / 1000).toFixed(0)} s. Results in bench/results/, summary in ${file}.`);
}
