import { BoundedSet } from '../orchestrator/bounded-set.ts';
import type { TAC } from '../tac.ts';

/** How many (operator result, profile) pairs a TAC instance remembers as stored. */
const CAPACITY = 10_000;

/**
 * The summaries this TAC instance already wrote to Memory, by operator result
 * id and profile. Twilio redelivers a `/ci-webhook` it thinks failed (a
 * timeout while Memory was slow is enough), with the same operator results: a
 * pair stored once is not stored again, and a redelivery that arrives while
 * the first write is still running waits for it instead of writing in parallel.
 * A failed write is forgotten, so a redelivery retries it.
 */
export class StoredSummaries {
  private readonly stored = new BoundedSet(CAPACITY);
  private readonly writing = new Map<string, Promise<void>>();

  /**
   * Run `write` for `key` unless it was stored already (or is being stored and
   * then succeeds). Resolves true when this call wrote, false for a duplicate;
   * rejects with the write's error.
   */
  async once(key: string, write: () => Promise<unknown>): Promise<boolean> {
    const running = this.writing.get(key);
    if (running) await running;
    if (this.stored.has(key)) return false;
    const attempt = write().then(() => {
      this.stored.add(key);
    });
    const settled = attempt.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(key, settled);
    try {
      await attempt;
      return true;
    } finally {
      if (this.writing.get(key) === settled) this.writing.delete(key);
    }
  }
}

const byTac = new WeakMap<TAC, StoredSummaries>();

/** The {@link StoredSummaries} of a TAC instance. */
export function storedSummariesOf(tac: TAC): StoredSummaries {
  let ledger = byTac.get(tac);
  if (!ledger) {
    ledger = new StoredSummaries();
    byTac.set(tac, ledger);
  }
  return ledger;
}
