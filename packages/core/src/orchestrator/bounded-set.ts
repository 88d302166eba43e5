/**
 * A set that remembers at most `capacity` keys, forgetting the least recently
 * seen first. Used to drop duplicate webhook deliveries without growing forever.
 *
 * Every `add` is O(1): keys sit in a ring buffer in the order they were last
 * seen, and the slot about to be overwritten holds the oldest one. (Evicting
 * from the front of a `Map` with `keys().next()` is not: V8 walks over the
 * deleted entries at the start, ~10 µs on average and milliseconds at worst at
 * a capacity of 10,000.) A key seen again moves to the newest slot and leaves
 * a hole behind, so with repeats the set may forget slightly early: a key is
 * remembered while it is among the last `capacity` keys added or seen again.
 */
export class BoundedSet {
  readonly capacity: number;
  /** Keys by when they were last seen; grows to `capacity`, then wraps. `undefined`: a key that moved on. */
  private readonly ring: (string | undefined)[] = [];
  /** Key → its slot in `ring`. */
  private readonly slots = new Map<string, number>();
  /** The slot the next key goes to (the oldest, once the ring is full). */
  private next = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
  }

  /** Remember `key`. Returns false when it was already known (a duplicate), true when it is new. */
  add(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      if (slot !== this.newest) {
        this.ring[slot] = undefined;
        this.place(key);
      }
      return false;
    }
    this.place(key);
    return true;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  get size(): number {
    return this.slots.size;
  }

  private get newest(): number {
    return (this.next + this.capacity - 1) % this.capacity;
  }

  /** Put `key` in the next slot, forgetting the key that was there. */
  private place(key: string): void {
    const slot = this.next;
    if (slot === this.ring.length) this.ring.push(key);
    else {
      const oldest = this.ring[slot];
      if (oldest !== undefined) this.slots.delete(oldest);
      this.ring[slot] = key;
    }
    this.slots.set(key, slot);
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
  }
}
