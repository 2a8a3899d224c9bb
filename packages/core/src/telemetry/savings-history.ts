import { ConfigError } from '../errors.js';
import type { StopKind } from '../policy.js';
import { RecencyMap } from '../recency-map.js';

/** One holdout call: where a policy would have stopped it, and how long it really ran. */
export interface HoldoutSample {
  /** The policy that would have stopped the call. */
  policy: string;
  /** What its stop would have said about the rest of the output. Default `complete`. */
  kind?: StopKind | undefined;
  /** Output tokens received when that policy decided. */
  stopAt: number;
  /** Output tokens the call produced in the end. */
  final: number;
}

/**
 * Where the savings estimator keeps what it learns, per bucket. Replace it to share history
 * between processes (a Redis-backed store, say); every method must be synchronous and cheap,
 * since it runs when a call ends. Reads may return the store's own arrays: callers do not
 * mutate them.
 */
export interface SavingsHistory {
  /** A call of `bucket` ran to its own end (or to the provider's cap) with `tokens` output tokens. */
  recordLength(bucket: string, tokens: number): void;
  /** A holdout call of `bucket` that a policy would have stopped. */
  recordHoldout(bucket: string, sample: HoldoutSample): void;
  /**
   * Optional: a call of `bucket` that set no `maxOutputTokens` was cut by the provider's own cap
   * (finish reason `length`) at `tokens` output tokens. Its length is also recorded with `recordLength`; this tells the
   * estimator where the cap lies, the length a runaway output would have reached (see
   * `runawayEstimate`). A store without it loses only that.
   */
  recordCappedLength?(bucket: string, tokens: number): void;
  /** Output lengths recorded for `bucket`, most recent last. */
  lengths(bucket: string): readonly number[];
  /** Optional: lengths recorded with `recordCappedLength` for `bucket`, most recent last. */
  cappedLengths?(bucket: string): readonly number[];
  /** Holdout samples recorded for `bucket`, most recent last. */
  holdouts(bucket: string): readonly HoldoutSample[];
  /**
   * Optional: how much more than the nominal coverage the intervals of `bucket` ask for, after
   * its holdout calls found them missing (see `AdaptiveCoverage`); 0 when none. With this and
   * `shiftCoverage` the instances sharing a store widen a bucket together; without them each
   * estimator keeps the shifts in memory.
   */
  coverageShift?(bucket: string): number;
  /** Optional: adds `delta` to the coverage shift of `bucket` (additions commute across instances). */
  shiftCoverage?(bucket: string, delta: number): void;
  /**
   * Optional: a number that changes whenever `bucket`'s samples of `kind` change. With it the
   * estimator sorts a bucket's samples once per change and reuses the result; without it, it
   * re-reads and re-sorts them on every stopped call (correct, slower).
   */
  revision?(bucket: string, kind: HistoryKind): number;
}

/** The kinds of samples a {@link SavingsHistory} keeps per bucket. */
export type HistoryKind = 'lengths' | 'holdouts' | 'capped';

/** Options of {@link createSavingsHistory}. */
export interface SavingsHistoryOptions {
  /** Buckets kept; the least recently used is dropped past this. Default 1000. */
  maxBuckets?: number | undefined;
  /** Samples kept per bucket and kind (a ring: the oldest go first). Default 500. */
  samplesPerBucket?: number | undefined;
}

/** A fixed-capacity list that drops its oldest entry when full. */
class Ring<T> {
  readonly items: T[] = [];
  /** Set on every push from a store-wide counter, so no two states of any ring share one. */
  revision = 0;
  private next = 0;
  private wrapped = false;
  private snapshot: { revision: number; items: readonly T[] } | undefined;

  constructor(
    private readonly capacity: number,
    private readonly clock: { writes: number },
  ) {}

  push(item: T): void {
    this.clock.writes += 1;
    this.revision = this.clock.writes;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.wrapped = true;
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. Once the ring has wrapped, a copy made at most once per change. */
  ordered(): readonly T[] {
    if (!this.wrapped) return this.items;
    if (this.snapshot?.revision !== this.revision) {
      this.snapshot = {
        revision: this.revision,
        items: [...this.items.slice(this.next), ...this.items.slice(0, this.next)],
      };
    }
    return this.snapshot.items;
  }
}

interface Bucket {
  lengths: Ring<number>;
  holdouts: Ring<HoldoutSample>;
  capped: Ring<number>;
  coverageShift: number;
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(field, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The default {@link SavingsHistory}: in memory, bounded to `maxBuckets × samplesPerBucket`
 * samples of each kind, so a long-running server's memory stays flat. Written here rather than
 * taken from a library because it is ring buffers and a recency map.
 */
export function createSavingsHistory(options: SavingsHistoryOptions = {}): SavingsHistory {
  const maxBuckets = positiveInteger('maxBuckets', options.maxBuckets, 1000);
  const samplesPerBucket = positiveInteger('samplesPerBucket', options.samplesPerBucket, 500);
  const buckets = new RecencyMap<string, Bucket>(maxBuckets);
  const clock = { writes: 0 };

  const touch = (key: string, create: boolean): Bucket | undefined => {
    const found = buckets.get(key);
    if (found || !create) return found;
    const bucket: Bucket = {
      lengths: new Ring(samplesPerBucket, clock),
      holdouts: new Ring(samplesPerBucket, clock),
      capped: new Ring(samplesPerBucket, clock),
      coverageShift: 0,
    };
    buckets.add(key, bucket);
    return bucket;
  };
  return {
    recordLength(bucket, tokens) {
      if (isRecordableLength(tokens)) touch(bucket, true)?.lengths.push(tokens);
    },
    recordHoldout(bucket, sample) {
      if (isRecordableHoldout(sample)) touch(bucket, true)?.holdouts.push({ ...sample });
    },
    recordCappedLength(bucket, tokens) {
      if (isRecordableLength(tokens)) touch(bucket, true)?.capped.push(tokens);
    },
    lengths: (bucket) => touch(bucket, false)?.lengths.ordered() ?? [],
    cappedLengths: (bucket) => touch(bucket, false)?.capped.ordered() ?? [],
    holdouts: (bucket) => touch(bucket, false)?.holdouts.ordered() ?? [],
    coverageShift: (bucket) => buckets.peek(bucket)?.coverageShift ?? 0,
    shiftCoverage(bucket, delta) {
      const found = touch(bucket, true);
      if (found && Number.isFinite(delta)) found.coverageShift += delta;
    },
    // Reads without touching: asking whether a bucket changed is not a use of it.
    revision: (bucket, kind) => buckets.peek(bucket)?.[kind].revision ?? 0,
  };
}

/**
 * A length a history keeps: a finite token count >= 0. Every {@link SavingsHistory} drops the
 * rest, so the estimates of a client are the same whichever history it keeps them in.
 */
export function isRecordableLength(tokens: number): boolean {
  return Number.isFinite(tokens) && tokens >= 0;
}

/** A holdout sample a history keeps: valid lengths, and a would-be stop after the first token. */
export function isRecordableHoldout(sample: HoldoutSample): boolean {
  return isRecordableLength(sample.stopAt) && isRecordableLength(sample.final) && sample.stopAt > 0;
}
