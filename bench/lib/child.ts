import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { monoMs } from './clock.ts';
import type { ChildMessage, ProcessUsage } from './rpc-protocol.ts';

/** Repository root (bench/lib/ → ../../). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Options of {@link BenchChild.start}. */
export interface BenchChildOptions {
  /** Label for logs and errors. */
  name: string;
  /** Script path relative to the repository root, e.g. `bench/baselines/minimal-cr-server.ts`. */
  script: string;
  args?: string[];
  /** CPU to pin the child to with `taskset` (ignored when pinning is unavailable). */
  cpu?: number;
  /** Extra Node flags (`--expose-gc`, `--cpu-prof`, …). */
  nodeArgs?: string[];
  env?: Record<string, string | undefined>;
  /** @defaultValue 30_000 */
  readyTimeoutMs?: number;
  /**
   * Discard the child's stdout (servers log there at their default level; the
   * cost of writing logs stays in the measurement, the noise leaves the
   * console). stderr is always shown. @defaultValue false
   */
  discardStdout?: boolean;
}

let pinningChecked: boolean | undefined;

/**
 * True when children can be pinned to separate cores: `taskset` exists and
 * the machine has at least two CPUs.
 */
export function canPin(): boolean {
  if (pinningChecked !== undefined) return pinningChecked;
  if (process.env.BENCH_NO_PIN === '1') {
    pinningChecked = false;
    return false;
  }
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    pinningChecked = availableParallelism() >= 2;
  } catch {
    pinningChecked = false;
  }
  return pinningChecked;
}

let niceChecked: number | undefined;

/**
 * The niceness children run at: -10 where allowed (root, or CAP_SYS_NICE),
 * so other people's builds on a shared machine take less from the
 * measurement; 0 otherwise, or when `BENCH_NICE=0`.
 */
export function childNice(): number {
  if (niceChecked !== undefined) return niceChecked;
  const wanted = Number(process.env.BENCH_NICE ?? -10);
  niceChecked = 0;
  if (Number.isInteger(wanted) && wanted !== 0) {
    try {
      execFileSync('nice', ['-n', String(wanted), 'true'], { stdio: 'ignore' });
      niceChecked = wanted;
    } catch {
      niceChecked = 0;
    }
  }
  return niceChecked;
}

/** The CPU a server runs on and the one its load generator runs on. */
export const SERVER_CPU = 0;
/** See {@link SERVER_CPU}. */
export const LOAD_CPU = 1;

/**
 * A child process (server under test, floor, load generator or Twilio sink)
 * spoken to over IPC. Started pinned to one core, so "ours" and "the floor"
 * get exactly the same CPU budget.
 */
export class BenchChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** What the child announced when ready (port, …), plus `readyAt` and `pid`. */
  info: Record<string, unknown> = {};
  /** When the orchestrator spawned it (shared monotonic clock, ms). */
  readonly spawnedAt: number;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Promise<number | null>;

  private constructor(name: string, child: ChildProcess, spawnedAt: number) {
    this.name = name;
    this.process = child;
    this.spawnedAt = spawnedAt;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (msg: ChildMessage) => {
      if (msg?.kind !== 'reply') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(`${this.name}: ${msg.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** Spawn `options.script` and wait until it calls `signalReady`. */
  static start(options: BenchChildOptions): Promise<BenchChild> {
    const nodeArgs = ['--conditions=@tac/source', '--no-warnings', ...(options.nodeArgs ?? [])];
    const argv = [...nodeArgs, options.script, ...(options.args ?? [])];
    const pin = options.cpu !== undefined && canPin();
    const nice = childNice();
    // nice → taskset → node: each execs the next, so the pid is node's.
    const chain = [
      ...(nice ? ['nice', '-n', String(nice)] : []),
      ...(pin ? ['taskset', '-c', String(options.cpu)] : []),
      process.execPath,
      ...argv,
    ];
    const [command, ...commandArgs] = chain as [string, ...string[]];
    const spawnedAt = monoMs();
    const child = spawn(command, commandArgs, {
      cwd: REPO_ROOT,
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production', ...options.env },
    });
    const bc = new BenchChild(options.name, child, spawnedAt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.name} did not become ready in ${options.readyTimeoutMs ?? 30_000} ms`));
      }, options.readyTimeoutMs ?? 30_000);
      const onMessage = (msg: ChildMessage) => {
        if (msg?.kind !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        bc.info = msg.info;
        resolve(bc);
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited before ready (${code ?? signal})`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Call a method the child serves (see `serveRpc`). */
  call<T = unknown>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ kind: 'call', id, method, params }, (err) => {
        if (err) {
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }

  /** The child's current RSS, heap and CPU time. */
  usage(): Promise<ProcessUsage> {
    return this.call<ProcessUsage>('usage');
  }

  /** The port the child listens on (servers). */
  get port(): number {
    const port = this.info.port;
    if (typeof port !== 'number') throw new Error(`${this.name} announced no port`);
    return port;
  }

  /** Ask the child to exit; kill it if it doesn't within `timeoutMs`. */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    this.call('exit').catch(() => {});
    await this.exited;
    clearTimeout(timer);
  }
}
