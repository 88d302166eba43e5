/** IPC messages between the bench orchestrator and its child processes. */
export type ParentMessage = { kind: 'call'; id: number; method: string; params: unknown };

/** Messages a child sends to the orchestrator. */
export type ChildMessage =
  | { kind: 'ready'; info: Record<string, unknown> }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

/** Resource usage a child reports on request (`usage`). */
export interface ProcessUsage {
  /** Resident set size, bytes. */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** `process.cpuUsage()` in microseconds. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** When it was taken, on the shared monotonic clock (ms). */
  at: number;
}
