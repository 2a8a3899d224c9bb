/**
 * A map that holds at most `capacity` keys and, when full, forgets one not used for a while
 * (close to the least recently used).
 *
 * A Map iterates in insertion order, so moving a key to the end on every read (delete, then
 * set) keeps exact recency, but costs two hash-table writes per read, and the histories read
 * several keys on every call. Here a read moves a key only when it was last moved more than
 * `capacity / 2` operations ago: a key in use never drifts to the front, and the key evicted
 * (the front one) has not been read since at least half the map's turnover.
 */
export class RecencyMap<K, V> {
  /** Values with the operation count at which each was last moved to the back. */
  private readonly entries = new Map<K, { value: V; moved: number }>();
  private clock = 0;

  constructor(private readonly capacity: number) {}

  /** Number of keys held. */
  get size(): number {
    return this.entries.size;
  }

  /** The value under `key`, marking it used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.clock += 1;
    if (this.clock - entry.moved > this.capacity / 2) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      entry.moved = this.clock;
    }
    return entry.value;
  }

  /** The value under `key`, without marking it used. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Adds `key` as the most recently used, forgetting the least recent key when full. */
  add(key: K, value: V): void {
    this.clock += 1;
    this.entries.delete(key);
    this.entries.set(key, { value, moved: this.clock });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every key. */
  clear(): void {
    this.entries.clear();
  }
}
