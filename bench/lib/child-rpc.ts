import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { monoMs } from './clock.ts';
import type { ChildMessage, ParentMessage, ProcessUsage } from './rpc-protocol.ts';

let profiler: Session | undefined;
let loopDelay: ReturnType<typeof monitorEventLoopDelay> | undefined;

/** A method the orchestrator may call in this child. */
export type RpcHandler = (params: never) => unknown;

/** Current resource usage of this process. */
export function processUsage(): ProcessUsage {
  const m = process.memoryUsage();
  const c = process.cpuUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    cpuUserUs: c.user,
    cpuSystemUs: c.system,
    at: monoMs(),
  };
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Serve the orchestrator's calls in a child process. Every child answers
 * `usage`, `gc` (needs `--expose-gc`) and `exit` (runs `onExit`, then exits).
 */
export function serveRpc(
  handlers: Record<string, RpcHandler>,
  onExit: () => Promise<void> | void = () => {},
): void {
  if (!process.send) throw new Error('bench child must be started by the bench orchestrator (IPC channel)');
  const builtins: Record<string, RpcHandler> = {
    usage: () => processUsage(),
    gc: async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) return false;
      // Two passes plus a macrotask in between: weak refs and finalizers release on the second.
      gc();
      await new Promise((r) => setTimeout(r, 20));
      gc();
      return true;
    },
    // CPU profile of a measured phase only (`--cpu-prof` would mostly show module loading).
    profileStart: async () => {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
      return true;
    },
    profileStop: async (params: { file: string }) => {
      if (!profiler) return false;
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      writeFileSync(params.file, JSON.stringify(profile));
      return true;
    },
    heapSnapshot: (params: { file: string }) => writeHeapSnapshot(params.file),
    // Event-loop delay over a phase: how long ready work (an ack) can wait behind other work.
    loopDelayStart: () => {
      loopDelay?.disable();
      loopDelay = monitorEventLoopDelay({ resolution: 1 });
      loopDelay.enable();
      return true;
    },
    loopDelayStop: () => {
      const h = loopDelay;
      if (!h) return undefined;
      h.disable();
      loopDelay = undefined;
      return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
    },
    exit: async () => {
      await onExit();
      setImmediate(() => process.exit(0));
      return true;
    },
  };
  process.on('message', async (raw: ParentMessage) => {
    if (raw?.kind !== 'call') return;
    const handler = handlers[raw.method] ?? builtins[raw.method];
    if (!handler) {
      send({ kind: 'reply', id: raw.id, ok: false, error: `unknown method ${raw.method}` });
      return;
    }
    try {
      const value = await (handler as (p: unknown) => unknown)(raw.params);
      send({ kind: 'reply', id: raw.id, ok: true, value });
    } catch (error) {
      send({ kind: 'reply', id: raw.id, ok: false, error: (error as Error)?.stack ?? String(error) });
    }
  });
  // The orchestrator died: don't linger holding ports and cores.
  process.on('disconnect', () => process.exit(0));
}

/** Tell the orchestrator this child is ready (a server is listening), with what it needs to know. */
export function signalReady(info: Record<string, unknown> = {}): void {
  send({ kind: 'ready', info: { readyAt: monoMs(), pid: process.pid, ...info } });
}

/** Parse `--key=value` arguments of a child script. */
export function childArgs(argv: readonly string[] = process.argv.slice(2)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) out[m[1] as string] = m[2] ?? 'true';
  }
  return out;
}
