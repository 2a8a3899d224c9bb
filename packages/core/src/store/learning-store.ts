/**
 * One store for everything stopwise learns from traffic: the tuner's evidence (counters per
 * bucket and ladder step), adaptive length's history and the savings estimator's calibration
 * (bounded lists of samples per key). Implementations: {@link createMemoryStore} (the default),
 * a JSON file (`fileStore` in `stopwise/node`), Redis (`@stopwise/redis`), so that the instances
 * of an app learn together.
 *
 * Reads are synchronous and local: a call never waits on a store. Writes are applied locally at
 * once; a shared store sends them on in the background and brings other instances' writes in
 * when it syncs. So a slow or unreachable backend costs fresh statistics, never a call.
 */

/** A JSON value a list may hold. */
export type StoreValue =
  | number
  | string
  | boolean
  | null
  | { readonly [key: string]: StoreValue }
  | readonly StoreValue[];

/**
 * The operations every part of stopwise's learning is written against. Both kinds of update
 * commute (additions and appends), which is what lets many instances apply them in any order.
 */
export interface LearningStore {
  /**
   * Adds `deltas` to the counters of `key` (missing counters start at 0). Atomic per call in a
   * shared store: another instance sees all of the deltas or none.
   */
  increment(key: string, deltas: Readonly<Record<string, number>>): void;
  /** The counters of `key` as this instance knows them; undefined when it knows none. */
  counters(key: string): Readonly<Record<string, number>> | undefined;
  /** Appends `value` to the list `key`, keeping its last `maxLength` values. */
  append(key: string, value: StoreValue, maxLength: number): void;
  /** The list `key`, oldest first, as this instance knows it (`[]` when empty). Do not mutate it. */
  list(key: string): readonly StoreValue[];
  /**
   * A number that changes whenever `key` (counters or list) changes here, by a local write or a
   * sync: lets readers cache what they derive from a key (sorted samples, say).
   */
  revision(key: string): number;
  /** Sends pending writes and pulls others' now (shared stores); resolves when done or failed. */
  flush?(): Promise<void>;
  /** Flushes, then releases timers and connections. The store must not be used afterwards. */
  close?(): Promise<void>;
}

/** True when `value` has the methods of a {@link LearningStore}. */
export function isLearningStore(value: unknown): value is LearningStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['increment', 'counters', 'append', 'list', 'revision'].every(
    (method) => typeof store[method] === 'function',
  );
}
