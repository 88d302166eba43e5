/**
 * Load generator for the voice benchmarks, run in its own process on its own
 * core. It plays ConversationRelay: signed upgrades, `setup`, final `prompt`s,
 * `interrupt`s, and times what comes back on the shared monotonic clock.
 *
 * Methods (called by the orchestrator over IPC): `turns`, `bargeIn`,
 * `openIdle`, `closeAll`.
 */
import { childArgs, processUsage, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { monoMs, sleep } from '../lib/clock.ts';
import { cpuOverWindow, processCpuMs } from '../lib/machine.ts';
import { SampleBuffer, type SampleSummary } from '../lib/stats.ts';
import { interruptFrame, PROMPT_FRAME } from '../lib/twilio-fixtures.ts';
import { CrCall, isLastFrame, openCalls } from './cr-call.ts';

childArgs();

/** Parameters of {@link turns}. */
export interface TurnsParams {
  url: string;
  /** Concurrent calls, each a closed loop: the next prompt goes as soon as the reply ended (plus `thinkMs`). */
  calls: number;
  warmupMs: number;
  durationMs: number;
  thinkMs?: number;
  /** Hang up and dial a new call after this many turns (0: never). */
  turnsPerCall?: number;
  /** The server's pid, to read its CPU time during the window (Linux `/proc`). */
  serverPid?: number;
}

/** Result of {@link turns}. */
export interface TurnsResult {
  /** prompt(last) sent → first text frame received. */
  firstFrame: SampleSummary;
  /** prompt(last) sent → `last: true` frame received. */
  fullReply: SampleSummary;
  turns: number;
  turnsPerSec: number;
  framesPerTurn: number;
  windowMs: number;
  failedCalls: number;
  unfinishedTurns: number;
  firstError?: string;
  /** CPU of this load generator during the window, % of one core (near 100 means it, not the server, was the limit). */
  loaderCpuPct: number;
  /** Server CPU during the window, % of one core (below ~90 at saturation means the machine, not the server, was the limit). */
  serverCpuPct: number;
  /** Server CPU time per turn in the window, microseconds. */
  serverCpuUsPerTurn: number;
}

async function turns(p: TurnsParams): Promise<TurnsResult> {
  const think = p.thinkMs ?? 0;
  const perCall = p.turnsPerCall ?? 0;
  const first = new SampleBuffer();
  const full = new SampleBuffer();
  let counted = 0;
  let frames = 0;
  let inFlight = 0;
  let failedCalls = 0;
  let firstError: string | undefined;
  let stopping = false;
  let onIdle: (() => void) | undefined;
  const live = new Set<CrCall>();

  const opened = await openCalls(p.url, p.calls);
  failedCalls += opened.failed;
  firstError = opened.firstError;
  const start = monoMs();
  const winStart = start + p.warmupMs;
  const winEnd = winStart + p.durationMs;

  function drive(initial: CrCall): void {
    let call = initial;
    let promptAt = 0;
    let firstAt = 0;
    let turnFrames = 0;
    let done = 0;
    live.add(call);
    const send = () => {
      if (stopping) return;
      promptAt = monoMs();
      firstAt = 0;
      turnFrames = 0;
      inFlight++;
      call.send(PROMPT_FRAME);
    };
    const rotate = async () => {
      live.delete(call);
      await call.close();
      if (stopping) return;
      const fresh = new CrCall(p.url);
      try {
        await fresh.ready();
      } catch (error) {
        failedCalls++;
        firstError ??= (error as Error).message;
        return;
      }
      call = fresh;
      live.add(call);
      attach();
      done = 0;
      send();
    };
    const attach = () => {
      call.onFrame = (data) => {
        const t = monoMs();
        if (firstAt === 0) firstAt = t;
        turnFrames++;
        if (!isLastFrame(data)) return;
        inFlight--;
        done++;
        if (promptAt >= winStart && promptAt < winEnd) {
          first.push(firstAt - promptAt);
          full.push(t - promptAt);
          counted++;
          frames += turnFrames;
        }
        if (stopping) {
          if (inFlight === 0) onIdle?.();
          return;
        }
        if (perCall && done >= perCall) rotate();
        else if (think > 0) setTimeout(send, think);
        else send();
      };
    };
    attach();
    send();
  }

  for (const call of opened.calls) drive(call);
  await sleep(p.warmupMs);
  const cpu0 = processUsage();
  const srv0 = p.serverPid ? processCpuMs(p.serverPid) : undefined;
  await sleep(Math.max(0, winEnd - monoMs()));
  const cpu1 = processUsage();
  const srv1 = p.serverPid ? processCpuMs(p.serverPid) : undefined;
  stopping = true;
  if (inFlight > 0) {
    await Promise.race([new Promise<void>((resolve) => (onIdle = resolve)), sleep(10_000)]);
  }
  const unfinished = inFlight;
  await Promise.all([...live].map((c) => c.close()));
  const windowMs = winEnd - winStart;
  const srvCpu = cpuOverWindow(srv0, srv1, cpu1.at - cpu0.at, counted);
  const cpuUs = cpu1.cpuUserUs + cpu1.cpuSystemUs - cpu0.cpuUserUs - cpu0.cpuSystemUs;
  return {
    firstFrame: first.summary(),
    fullReply: full.summary(),
    turns: counted,
    turnsPerSec: (counted / windowMs) * 1000,
    framesPerTurn: counted ? frames / counted : 0,
    windowMs,
    failedCalls,
    unfinishedTurns: unfinished,
    firstError,
    loaderCpuPct: (cpuUs / 1000 / (cpu1.at - cpu0.at)) * 100,
    serverCpuPct: srvCpu.pct,
    serverCpuUsPerTurn: srvCpu.usPerOp,
  };
}

/** Parameters of {@link bargeIn}. */
export interface BargeInParams {
  url: string;
  calls: number;
  cyclesPerCall: number;
  /** Interrupt after this many text frames of the reply. @defaultValue 3 */
  interruptAfterFrames?: number;
  /** How long to keep listening after the interrupt for stray frames. @defaultValue 30 */
  graceMs?: number;
}

/** Result of {@link bargeIn}. */
export interface BargeInResult {
  /** Every interrupt sent: call, time (shared clock), to join with the server's abort log. */
  interrupts: { callSid: string; at: number }[];
  /** interrupt sent → last frame received from the server (0 if none came after it). */
  quietMs: SampleSummary;
  /** interrupt sent → the closing `last: true` frame. */
  closeMarkerMs: SampleSummary;
  /** Frames received after the interrupt was sent (in flight, plus the closing marker). */
  framesAfterInterrupt: SampleSummary;
  /** Frames received after the closing marker, within the grace period: should be 0. */
  framesAfterClose: number;
  /** Cycles where no closing marker arrived within the grace period. */
  missingCloseMarker: number;
  cycles: number;
}

async function bargeIn(p: BargeInParams): Promise<BargeInResult> {
  const after = p.interruptAfterFrames ?? 3;
  const grace = p.graceMs ?? 30;
  const quiet = new SampleBuffer();
  const marker = new SampleBuffer();
  const afterCount = new SampleBuffer();
  const interrupts: { callSid: string; at: number }[] = [];
  let framesAfterClose = 0;
  let missing = 0;
  let cycles = 0;
  const opened = await openCalls(p.url, p.calls);
  if (opened.calls.length === 0) throw new Error(`no call could be opened: ${opened.firstError}`);

  async function run(call: CrCall): Promise<void> {
    for (let i = 0; i < p.cyclesPerCall && call.isOpen; i++) {
      let frames = 0;
      let interruptAt = 0;
      let lastAt = 0;
      let markerAt = 0;
      let afterInterrupt = 0;
      let heard = '';
      await new Promise<void>((resolve) => {
        call.onFrame = (data) => {
          const t = monoMs();
          frames++;
          if (interruptAt === 0) {
            heard += 'word ';
            if (frames >= after) {
              interruptAt = monoMs();
              interrupts.push({ callSid: call.callSid, at: interruptAt });
              call.send(interruptFrame(heard, 300));
              setTimeout(resolve, grace);
            }
            return;
          }
          afterInterrupt++;
          lastAt = t;
          if (markerAt) framesAfterClose++;
          else if (isLastFrame(data)) markerAt = t;
        };
        call.send(PROMPT_FRAME);
      });
      cycles++;
      quiet.push(lastAt ? lastAt - interruptAt : 0);
      if (markerAt) marker.push(markerAt - interruptAt);
      else missing++;
      afterCount.push(afterInterrupt);
    }
    call.onFrame = () => {};
  }
  await Promise.all(opened.calls.map(run));
  await Promise.all(opened.calls.map((c) => c.close()));
  return {
    interrupts,
    quietMs: quiet.summary(),
    closeMarkerMs: marker.summary(),
    framesAfterInterrupt: afterCount.summary(),
    framesAfterClose,
    missingCloseMarker: missing,
    cycles,
  };
}

const idle: CrCall[] = [];

/** Open `count` more idle calls (setup sent, no turn) and keep them open. */
async function openIdle(p: { url: string; count: number; parallel?: number }) {
  const started = monoMs();
  const r = await openCalls(p.url, p.count, p.parallel ?? 200);
  idle.push(...r.calls);
  return {
    opened: r.calls.length,
    failed: r.failed,
    firstError: r.firstError,
    total: idle.length,
    ms: monoMs() - started,
  };
}

async function closeAll() {
  const calls = idle.splice(0);
  for (let i = 0; i < calls.length; i += 500)
    await Promise.all(calls.slice(i, i + 500).map((c) => c.close()));
  return calls.length;
}

serveRpc(
  {
    turns: (p: TurnsParams) => turns(p),
    bargeIn: (p: BargeInParams) => bargeIn(p),
    openIdle: (p: { url: string; count: number; parallel?: number }) => openIdle(p),
    closeAll: () => closeAll(),
  },
  async () => {
    await closeAll();
  },
);
signalReady();
