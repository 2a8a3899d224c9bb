import {
  type HoldoutSummary,
  type LengthSummary,
  summarizeHoldouts,
  summarizeLengths,
} from './counterfactual.js';
import type { HistoryKind, SavingsHistory } from './savings-history.js';

interface CachedBucket {
  lengthsRevision: number;
  lengths: LengthSummary | undefined;
  holdoutsRevision: number;
  holdouts: Map<string, HoldoutSummary> | undefined;
  cappedRevision: number;
  capped: LengthSummary | undefined;
}

/** Buckets whose summaries are kept; past this the least recently used one is dropped. */
const maxCachedBuckets = 1000;

/** Summaries of a bucket's history, for the counterfactual methods. */
export interface SavingsSummaries {
  /**
   * The holdout summary of `key` in `bucket` (a `policyKindKey`, or a `kindPoolKey`), if it has
   * any sample.
   */
  holdouts(bucket: string, key: string | undefined): HoldoutSummary | undefined;
  /** The sorted lengths of `bucket`. */
  lengths(bucket: string): LengthSummary;
  /** The sorted lengths at which the provider's cap cut calls of `bucket`. */
  capped(bucket: string): LengthSummary;
}

const cappedOf = (history: SavingsHistory, bucket: string): readonly number[] =>
  typeof history.cappedLengths === 'function' ? history.cappedLengths(bucket) : [];

/**
 * Sorted, summed views of a {@link SavingsHistory}, rebuilt only when the history says a bucket
 * changed (`revision`). The runner asks for an estimate on every call's end; sorting up to 500
 * samples there each time would cost more than the rest of the estimate. A history without
 * `revision` (a custom store) is summarised afresh on every call: correct, just slower.
 */
export function savingsSummaries(history: SavingsHistory): SavingsSummaries {
  if (typeof history.revision !== 'function') {
    return {
      holdouts: (bucket, key) =>
        key === undefined ? undefined : summarizeHoldouts(history.holdouts(bucket)).get(key),
      lengths: (bucket) => summarizeLengths(history.lengths(bucket)),
      capped: (bucket) => summarizeLengths(cappedOf(history, bucket)),
    };
  }
  const revision: (bucket: string, kind: HistoryKind) => number = history.revision.bind(history);
  const cache = new Map<string, CachedBucket>();
  const entry = (bucket: string): CachedBucket => {
    let found = cache.get(bucket);
    if (found === undefined) {
      found = {
        lengthsRevision: -1,
        lengths: undefined,
        holdoutsRevision: -1,
        holdouts: undefined,
        cappedRevision: -1,
        capped: undefined,
      };
      if (cache.size >= maxCachedBuckets) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    } else {
      cache.delete(bucket);
    }
    cache.set(bucket, found);
    return found;
  };
  return {
    holdouts(bucket, key) {
      if (key === undefined) return undefined;
      const cached = entry(bucket);
      const now = revision(bucket, 'holdouts');
      if (cached.holdouts === undefined || cached.holdoutsRevision !== now) {
        cached.holdouts = summarizeHoldouts(history.holdouts(bucket));
        cached.holdoutsRevision = now;
      }
      return cached.holdouts.get(key);
    },
    lengths(bucket) {
      const cached = entry(bucket);
      const now = revision(bucket, 'lengths');
      if (cached.lengths === undefined || cached.lengthsRevision !== now) {
        cached.lengths = summarizeLengths(history.lengths(bucket));
        cached.lengthsRevision = now;
      }
      return cached.lengths;
    },
    capped(bucket) {
      const cached = entry(bucket);
      const now = revision(bucket, 'capped');
      if (cached.capped === undefined || cached.cappedRevision !== now) {
        cached.capped = summarizeLengths(cappedOf(history, bucket));
        cached.cappedRevision = now;
      }
      return cached.capped;
    },
  };
}
