import { ConfigError } from '../errors.js';
import { RecencyMap } from '../recency-map.js';

/** One observed length of one phase (reasoning or answer) of a finished call. */
export interface LengthSample {
  /** Tokens the phase ran to (counted client-side, the unit budgets are checked in). */
  readonly tokens: number;
  /**
   * True when the phase did not end on its own (a policy stopped it, the caller aborted, the
   * provider's cap cut it): its true length is *at least* `tokens`. Censored samples never pull a
   * budget down; see docs/adaptive-length.md.
   */
  readonly censored: boolean;
  /**
   * For a censored sample: true when the call was cut for running long (a length budget, a
   * token cap, the provider's `max_tokens`, a timeout, a loop) rather than stopped because its
   * answer was complete. Such samples never raise the budget past the longest call that ended,
   * or was complete, on its own (see `censoredQuantile`).
   */
  readonly runaway?: boolean | undefined;
}

/**
 * Where adaptive length keeps the lengths it has seen, by key (model, bucket, user). Pluggable:
 * back it with Redis, a database or a file. `get` may be async; a profile loads the history
 * before the call starts (see `AdaptiveLengthPolicy.prepare`). `add` is fire-and-forget: a
 * rejected promise is ignored, so a store outage never breaks a stream.
 */
export interface LengthHistoryStore {
  /** The samples kept under `key`, oldest first; undefined or `[]` when there are none. */
  get(key: string): readonly LengthSample[] | undefined | PromiseLike<readonly LengthSample[] | undefined>;
  /** Adds one sample under `key` (the store decides what to forget to stay bounded). */
  add(key: string, sample: LengthSample): void | PromiseLike<void>;
}

// How many samples each memory-store list has received: lets predictions over a list be reused
// until it has changed enough to matter (see `predictLength`). Lists of other stores are unknown.
const samplesAddedTo = new WeakMap<readonly LengthSample[], number>();

/**
 * How many samples have been added to `samples` if it is a list held by a memory store
 * ({@link createMemoryLengthHistory}); undefined for any other list.
 */
export function samplesAdded(samples: readonly LengthSample[]): number | undefined {
  return samplesAddedTo.get(samples);
}

/** Options of {@link createMemoryLengthHistory}. */
export interface MemoryLengthHistoryOptions {
  /** Keys kept; the least recently used key is forgotten beyond this. Default 1000. */
  maxKeys?: number | undefined;
  /** Samples kept per key; the oldest is forgotten beyond this. Default 256. */
  samplesPerKey?: number | undefined;
}

/** The in-memory {@link LengthHistoryStore}: bounded by keys and samples per key. */
export interface MemoryLengthHistory extends LengthHistoryStore {
  get(key: string): readonly LengthSample[] | undefined;
  add(key: string, sample: LengthSample): void;
  /** Forgets everything (between benchmark runs, in tests). */
  clear(): void;
  /** Number of keys held. */
  readonly size: number;
}

function boundedInteger(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * An in-memory length history. Memory is bounded: at most `maxKeys` keys (least recently used
 * dropped first) of at most `samplesPerKey` samples each (oldest dropped first): with the
 * defaults, 256,000 small objects at worst (about 12 MB).
 */
export function createMemoryLengthHistory(options: MemoryLengthHistoryOptions = {}): MemoryLengthHistory {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('lengthHistory', 'must be an options object { maxKeys?, samplesPerKey? }');
  }
  const maxKeys = boundedInteger('lengthHistory.maxKeys', options.maxKeys, 1000);
  const samplesPerKey = boundedInteger('lengthHistory.samplesPerKey', options.samplesPerKey, 256);
  const keys = new RecencyMap<string, LengthSample[]>(maxKeys);

  return {
    get: (key) => keys.get(key),
    add(key, sample) {
      if (!Number.isFinite(sample.tokens) || sample.tokens < 0) return;
      let samples = keys.get(key);
      if (!samples) {
        samples = [];
        keys.add(key, samples);
      }
      const censored = sample.censored === true;
      samples.push(
        censored && sample.runaway === true
          ? { tokens: sample.tokens, censored, runaway: true }
          : { tokens: sample.tokens, censored },
      );
      // One at a time from the front: V8 trims an array's start in place, where a splice copies
      // the whole list to drop one sample (a list is full after its first 256 calls).
      while (samples.length > samplesPerKey) samples.shift();
      samplesAddedTo.set(samples, (samplesAddedTo.get(samples) ?? 0) + 1);
    },
    clear: () => keys.clear(),
    get size() {
      return keys.size;
    },
  };
}

/**
 * The process-wide store every adaptive-length policy and profile uses unless given another.
 * Keys include the model, so clients of different models do not mix. Call `clear()` to start over.
 */
export const defaultLengthHistory: MemoryLengthHistory = createMemoryLengthHistory();

/** True when `value` looks like a {@link LengthHistoryStore}. */
export function isLengthHistoryStore(value: unknown): value is LengthHistoryStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LengthHistoryStore).get === 'function' &&
    typeof (value as LengthHistoryStore).add === 'function'
  );
}
