/**
 * A set that remembers at most `capacity` keys, forgetting the least recently
 * seen first. Used to drop duplicate webhook deliveries without growing forever.
 */
export class BoundedSet {
  readonly capacity: number;
  // A Map keeps insertion order, so its first key is the least recently seen one.
  private readonly keys = new Map<string, true>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
  }

  /** Remember `key`. Returns false when it was already known (a duplicate), true when it is new. */
  add(key: string): boolean {
    if (this.keys.has(key)) {
      this.keys.delete(key);
      this.keys.set(key, true);
      return false;
    }
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }
}
