import { ConfigError } from '../errors.js';
import type { LearningStore, StoreValue } from './learning-store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Keys kept; the least recently written is forgotten past this. Default 50,000. */
  maxKeys?: number | undefined;
}

/** What a memory store holds per key, also the unit a file or Redis store syncs. */
export interface StoreEntry {
  counters?: Record<string, number> | undefined;
  list?: StoreValue[] | undefined;
}

/** A {@link LearningStore} in this process's memory, with access to its entries (for the stores built on it). */
export interface MemoryStore extends LearningStore {
  /** Every key and its entry, oldest write first (a snapshot for files and sync). */
  entries(): Array<[string, StoreEntry]>;
  /** Replaces `key`'s entry with what a backend holds (a sync), bumping its revision. */
  replace(key: string, entry: StoreEntry): void;
  /** Number of keys held. */
  readonly size: number;
}

/**
 * The default {@link LearningStore}: in memory, bounded in keys (lists are bounded by their
 * writers' `maxLength`). What one process learns is lost when it exits; use `fileStore` or
 * `@stopwise/redis` to keep it or share it.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxKeys = options.maxKeys ?? 50_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1)
    throw new ConfigError('maxKeys', `must be a positive integer, got ${String(maxKeys)}`);
  const entries = new Map<string, StoreEntry & { revision: number }>();
  let writes = 0;

  const touch = (key: string): StoreEntry & { revision: number } => {
    let entry = entries.get(key);
    if (entry === undefined) {
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
      entry = { revision: 0 };
    } else entries.delete(key);
    // Re-inserted: the map's order is the order of last writes, oldest first.
    entries.set(key, entry);
    writes += 1;
    entry.revision = writes;
    return entry;
  };

  return {
    increment(key, deltas) {
      const entry = touch(key);
      const counters = entry.counters ?? {};
      entry.counters = counters;
      for (const [field, delta] of Object.entries(deltas)) {
        if (Number.isFinite(delta)) counters[field] = (counters[field] ?? 0) + delta;
      }
    },
    counters(key) {
      return entries.get(key)?.counters;
    },
    append(key, value, maxLength) {
      const entry = touch(key);
      const list = entry.list ?? [];
      entry.list = list;
      list.push(value);
      if (list.length > maxLength) list.splice(0, list.length - maxLength);
    },
    list(key) {
      return entries.get(key)?.list ?? [];
    },
    revision(key) {
      return entries.get(key)?.revision ?? 0;
    },
    entries() {
      return [...entries].map(([key, { counters, list }]) => [key, { counters, list }]);
    },
    replace(key, entry) {
      const held = touch(key);
      held.counters = entry.counters;
      held.list = entry.list;
    },
    get size() {
      return entries.size;
    },
  };
}
