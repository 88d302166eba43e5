/**
 * Load generator for the messaging benchmarks, in its own process on its own
 * core: signed Conversation Orchestrator webhooks (JSON + `bodySHA256`) over
 * keep-alive loopback connections, closed loop (max throughput) or open loop
 * (a fixed arrival rate; latency counted from the scheduled send time, so a
 * slow server cannot hide its queueing by slowing the generator down).
 *
 * Methods (over IPC): `prepare`, `closed`, `open`.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { childArgs, processUsage, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { monoMs, sleep } from '../lib/clock.ts';
import { cpuOverWindow, processCpuMs } from '../lib/machine.ts';
import { SampleBuffer, type SampleSummary } from '../lib/stats.ts';
import { BENCH_ACCOUNT, signJsonWebhook } from '../lib/twilio-fixtures.ts';
import { RawHttpConnection, rawPost } from './raw-http.ts';

childArgs();

/**
 * Host the requests are signed for. Every server reconstructs the signed URL
 * from `Host` and `X-Forwarded-Proto` (as behind a TLS proxy), so one
 * precomputed set of requests serves every server and port.
 */
export const WEBHOOK_HOST = 'tac-bench.example.com';
/** Path of the messaging webhook on every server. */
export const WEBHOOK_PATH = '/webhook';

let requests: Buffer[] = [];
let cursor = 0;
let wrapped = 0;

function customer(i: number): string {
  return `+1555${String(1_000_000 + i).slice(-7)}`;
}

/** One COMMUNICATION_CREATED event, in the shape reference/conversationrelay.md §5.3 gives. */
function communicationEvent(i: number, conversations: number): string {
  const conv = i % conversations;
  const now = new Date().toISOString();
  return JSON.stringify({
    eventType: 'COMMUNICATION_CREATED',
    timestamp: now,
    data: {
      id: `comms_communication_${randomUUID().replaceAll('-', '').slice(0, 26)}`,
      conversationId: `conv_conversation_${String(conv).padStart(26, '0')}`,
      accountId: BENCH_ACCOUNT.accountSid,
      author: { address: customer(conv), channel: 'SMS', participantId: `comms_participant_c${conv}` },
      content: { type: 'TEXT', text: 'What are your opening hours tomorrow?' },
      recipients: [
        {
          address: BENCH_ACCOUNT.phoneNumber,
          channel: 'SMS',
          participantId: 'comms_participant_agent',
          deliveryStatus: 'DELIVERED',
        },
      ],
      channelId: null,
      createdAt: now,
      updatedAt: now,
    },
  });
}

/**
 * Sign like Twilio, fast: with no form params, twilio's signature is
 * base64(HMAC-SHA1(token, url)). Checked against twilio's own
 * `signJsonWebhook` on the first request of every batch.
 */
function fastSign(body: string): { path: string; signature: string } {
  const hash = createHash('sha256').update(body).digest('hex');
  const path = `${WEBHOOK_PATH}?bodySHA256=${hash}`;
  const signature = createHmac('sha1', BENCH_ACCOUNT.authToken)
    .update(`https://${WEBHOOK_HOST}${path}`)
    .digest('base64');
  return { path, signature };
}

/** Precompute `count` distinct signed requests spread over `conversations` conversations. */
function prepare(p: { count: number; conversations: number }) {
  const started = monoMs();
  requests = new Array(p.count);
  for (let i = 0; i < p.count; i++) {
    const body = communicationEvent(i, p.conversations);
    const signed = fastSign(body);
    if (i === 0) {
      const reference = signJsonWebhook(`https://${WEBHOOK_HOST}${WEBHOOK_PATH}`, body);
      if (reference.signature !== signed.signature || !reference.url.endsWith(signed.path)) {
        throw new Error('fast signing disagrees with twilio.getExpectedTwilioSignature');
      }
    }
    requests[i] = rawPost(signed.path, WEBHOOK_HOST, body, {
      'x-forwarded-proto': 'https',
      'x-twilio-signature': signed.signature,
      'i-twilio-idempotency-token': randomUUID(),
    });
  }
  cursor = 0;
  return { count: p.count, ms: monoMs() - started };
}

function nextRequest(): Buffer {
  if (cursor >= requests.length) {
    cursor = 0;
    wrapped++;
  }
  return requests[cursor++] as Buffer;
}

/** Outcome of one load phase. */
export interface WebhookLoadResult {
  latency: SampleSummary;
  /** Responses (any status) per second in the window. */
  acksPerSec: number;
  /** 2xx responses per second in the window. */
  okPerSec: number;
  statusCounts: Record<string, number>;
  windowMs: number;
  /** Requests still unanswered when the phase gave up waiting. */
  unanswered: number;
  /** How often the precomputed requests ran out and were reused (reused ids may be de-duplicated). */
  wrapped: number;
  loaderCpuPct: number;
  connections: number;
  /** Server CPU during the window, % of one core. */
  serverCpuPct: number;
  /** Server CPU time per acknowledged request in the window, microseconds. */
  serverCpuUsPerAck: number;
  /** Open loop only: the rate asked for and what was sent in the window. */
  targetRate?: number;
  sentPerSec?: number;
  /** Open loop only: time requests waited for a free connection (due time → written). */
  sendLag?: SampleSummary;
}

function srvCpu(before: number | undefined, after: number | undefined, windowMs: number, ops: number) {
  const c = cpuOverWindow(before, after, windowMs, ops);
  return { serverCpuPct: c.pct, serverCpuUsPerAck: c.usPerOp };
}

function tally(statusCounts: Record<string, number>, status: number): void {
  const key = String(status);
  statusCounts[key] = (statusCounts[key] ?? 0) + 1;
}

async function openConnections(port: number, n: number): Promise<RawHttpConnection[]> {
  const conns = Array.from({ length: n }, () => new RawHttpConnection(port));
  await Promise.all(conns.map((c) => c.ready()));
  return conns;
}

/** Closed loop: `connections` clients, each sending the next request when the last was answered. */
async function closed(p: {
  port: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  serverPid?: number;
}): Promise<WebhookLoadResult> {
  wrapped = 0;
  const conns = await openConnections(p.port, p.connections);
  const latency = new SampleBuffer();
  const statusCounts: Record<string, number> = {};
  const start = monoMs();
  const winStart = start + p.warmupMs;
  const winEnd = winStart + p.durationMs;
  let inFlight = 0;
  let stopping = false;
  let counted = 0;
  let ok = 0;
  let onIdle: (() => void) | undefined;
  const loop = (conn: RawHttpConnection) => {
    if (stopping || conn.closed) return;
    const sentAt = monoMs();
    inFlight++;
    conn.request(nextRequest(), (status) => {
      inFlight--;
      const t = monoMs();
      if (sentAt >= winStart && sentAt < winEnd) {
        latency.push(t - sentAt);
        tally(statusCounts, status);
        counted++;
        if (status >= 200 && status < 300) ok++;
      }
      if (stopping) {
        if (inFlight === 0) onIdle?.();
        return;
      }
      loop(conn);
    });
  };
  for (const c of conns) loop(c);
  await sleep(p.warmupMs);
  const cpu0 = processUsage();
  const srv0 = p.serverPid ? processCpuMs(p.serverPid) : undefined;
  await sleep(Math.max(0, winEnd - monoMs()));
  const cpu1 = processUsage();
  const srv1 = p.serverPid ? processCpuMs(p.serverPid) : undefined;
  stopping = true;
  if (inFlight > 0) await Promise.race([new Promise<void>((r) => (onIdle = r)), sleep(10_000)]);
  const unanswered = inFlight;
  for (const c of conns) c.close();
  const cpuUs = cpu1.cpuUserUs + cpu1.cpuSystemUs - cpu0.cpuUserUs - cpu0.cpuSystemUs;
  return {
    latency: latency.summary(),
    acksPerSec: (counted / p.durationMs) * 1000,
    okPerSec: (ok / p.durationMs) * 1000,
    statusCounts,
    windowMs: p.durationMs,
    unanswered,
    wrapped,
    loaderCpuPct: (cpuUs / 1000 / (cpu1.at - cpu0.at)) * 100,
    connections: p.connections,
    ...srvCpu(srv0, srv1, cpu1.at - cpu0.at, counted),
  };
}

/**
 * Open loop at `rate` requests/s. Each request is due at a fixed time; it goes
 * out on an idle connection (opening more, up to `maxConnections`), or waits
 * for one. Latency runs from the due time, so waiting counts.
 */
async function open(p: {
  port: number;
  rate: number;
  warmupMs: number;
  durationMs: number;
  maxConnections?: number;
  serverPid?: number;
}): Promise<WebhookLoadResult> {
  wrapped = 0;
  const maxConns = p.maxConnections ?? 256;
  const idle: RawHttpConnection[] = await openConnections(p.port, Math.min(16, maxConns));
  const all = new Set(idle);
  let total = idle.length;
  const backlog: number[] = [];
  const latency = new SampleBuffer();
  const statusCounts: Record<string, number> = {};
  const start = monoMs();
  const winStart = start + p.warmupMs;
  const winEnd = winStart + p.durationMs;
  let due = 0;
  let inFlight = 0;
  let counted = 0;
  let ok = 0;
  let sentInWindow = 0;

  const sendLag = new SampleBuffer();
  const dispatch = (conn: RawHttpConnection, dueAt: number) => {
    inFlight++;
    if (dueAt >= winStart && dueAt < winEnd) {
      sentInWindow++;
      sendLag.push(monoMs() - dueAt);
    }
    conn.request(nextRequest(), (status) => {
      inFlight--;
      const t = monoMs();
      if (dueAt >= winStart && dueAt < winEnd) {
        latency.push(t - dueAt);
        tally(statusCounts, status);
        counted++;
        if (status >= 200 && status < 300) ok++;
      }
      if (conn.closed) {
        total--;
        return;
      }
      const waiting = backlog.shift();
      if (waiting !== undefined) dispatch(conn, waiting);
      else idle.push(conn);
    });
  };
  const grow = () => {
    total++;
    const conn = new RawHttpConnection(p.port);
    all.add(conn);
    conn.ready().then(
      () => {
        const waiting = backlog.shift();
        if (waiting !== undefined) dispatch(conn, waiting);
        else idle.push(conn);
      },
      () => total--,
    );
  };
  const interval = 1000 / p.rate;
  const cpu0 = processUsage();
  let srv0: number | undefined;
  let srv1: number | undefined;
  let srvAt0 = 0;
  let srvAt1 = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = monoMs();
      if (srvAt0 === 0 && now >= winStart && p.serverPid) {
        srv0 = processCpuMs(p.serverPid);
        srvAt0 = now;
      }
      if (now >= winEnd) {
        if (p.serverPid) {
          srv1 = processCpuMs(p.serverPid);
          srvAt1 = now;
        }
        resolve();
        return;
      }
      // Request k is due at start + k·interval: send every request whose time has come.
      const dueCount = Math.floor((now - start) / interval) + 1;
      while (due < dueCount) {
        const dueAt = start + due * interval;
        due++;
        const conn = idle.pop();
        // On a free connection the clock starts now (the timer's granularity is the generator's, not the
        // server's); a request that must wait for a connection counts from its due time, so a slow server
        // can't hide its queueing by holding connections.
        if (conn) dispatch(conn, Math.max(dueAt, now));
        else {
          backlog.push(dueAt);
          if (total < maxConns) grow();
        }
      }
      // Sleep on a timer unless the next request is due within a fraction of a millisecond (the
      // generator shares its core with the Twilio sink, so it must not spin).
      const wait = start + due * interval - monoMs();
      if (wait > 0.2) setTimeout(tick, Math.max(1, Math.floor(wait)));
      else setImmediate(tick);
    };
    tick();
  });
  const cpuWindow = processUsage();
  const deadline = monoMs() + 10_000;
  while ((inFlight > 0 || backlog.length > 0) && monoMs() < deadline) await sleep(5);
  const unanswered = inFlight + backlog.length;
  for (const c of all) c.close();
  return {
    latency: latency.summary(),
    acksPerSec: (counted / p.durationMs) * 1000,
    okPerSec: (ok / p.durationMs) * 1000,
    statusCounts,
    windowMs: p.durationMs,
    unanswered,
    wrapped,
    loaderCpuPct:
      ((cpuWindow.cpuUserUs + cpuWindow.cpuSystemUs - cpu0.cpuUserUs - cpu0.cpuSystemUs) /
        1000 /
        (cpuWindow.at - cpu0.at)) *
      100,
    connections: all.size,
    ...srvCpu(srv0, srv1, srvAt1 - srvAt0, counted),
    targetRate: p.rate,
    sentPerSec: (sentInWindow / p.durationMs) * 1000,
    sendLag: sendLag.summary(),
  };
}

serveRpc({
  prepare: (p: { count: number; conversations: number }) => prepare(p),
  closed: (p: Parameters<typeof closed>[0]) => closed(p),
  open: (p: Parameters<typeof open>[0]) => open(p),
});
signalReady();
