/**
 * Call `listener` with `value`, isolating its failure: an error it throws is
 * rethrown on a fresh task, so it surfaces as an uncaught exception (vitest
 * reports it) without breaking the emulator's own bookkeeping or the other
 * listeners.
 */
export function callListener<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    setImmediate(() => {
      throw error;
    });
  }
}

/**
 * Listeners of one event, called in the order they were added (see
 * {@link callListener} for what happens when one throws).
 */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  /** Add a listener; returns the function that removes it. */
  add(listener: (value: T) => void): () => void {
    // Wrap so the same function added twice is called twice and removed one registration at a time.
    const entry = (value: T) => listener(value);
    this.set.add(entry);
    return () => {
      this.set.delete(entry);
    };
  }

  /** How many listeners are registered. */
  get size(): number {
    return this.set.size;
  }

  /** Call every listener with `value`. */
  emit(value: T): void {
    for (const entry of [...this.set]) {
      // A listener removed by an earlier one during this emit is not called.
      if (this.set.has(entry)) callListener(entry, value);
    }
  }

  /** Remove every listener. */
  clear(): void {
    this.set.clear();
  }
}
