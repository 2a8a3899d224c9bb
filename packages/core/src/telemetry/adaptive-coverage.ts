import { RecencyMap } from '../recency-map.js';
import type { SavingsHistory } from './savings-history.js';

/**
 * The coverage each bucket's intervals ask for, kept honest by the bucket's own holdout calls.
 *
 * A conformal interval holds its coverage for calls exchangeable with the samples it was made
 * from. A bucket whose traffic drifts (prompts that grow, a new model snapshot), or one that
 * borrows a pool it does not resemble, breaks that, and its intervals then hold the truth less
 * often than they claim, however right the average over all buckets. So every holdout call is
 * also a check: before it becomes a sample, the interval its would-be stop would have got is
 * compared with its true length, and the bucket's miss rate steers its next intervals. This is
 * adaptive conformal inference (Gibbs and Candès, 2021): after each check,
 * `α ← α + step · (α* − miss)`, with `α*` the nominal miss rate (`1 − coverage`). Its guarantee
 * needs no exchangeability: over a bucket's checks the share of misses tends to at most `α*`,
 * whatever the traffic does.
 *
 * As in the paper, a bucket that keeps missing can come to ask for 100%: its intervals then
 * reach from the tokens produced to the call's cap (`maxOutputTokens`), or without one to the
 * largest sample, as far as its evidence goes. Its miss rate may go below zero there (down to
 * −1), so that misses are paid back by hits at the widest interval before it narrows again:
 * stopping it at zero would forget them, and a drifting bucket would then alternate a hit at
 * the cap with a miss at the next narrower interval, half of its calls missed.
 *
 * One change from the paper: a bucket's intervals are never narrower than the nominal coverage
 * asks (a bucket with few misses keeps the nominal width).
 */
export interface AdaptiveCoverage {
  /** The coverage a bucket's next interval asks for: the nominal one, or more after misses. */
  coverageFor(bucket: string): number;
  /** A check: a holdout call of `bucket` whose true length fell inside (`held`) or outside. */
  observe(bucket: string, held: boolean): void;
}

/**
 * Where the buckets' coverage shifts are kept: how much more than the nominal coverage each
 * bucket asks for (0 for most). Shifts only ever get added to, so instances sharing a store can
 * apply theirs in any order (see `SavingsHistory.shiftCoverage`).
 */
export interface CoverageShifts {
  shift(bucket: string): number;
  add(bucket: string, delta: number): void;
}

/** Options of {@link createAdaptiveCoverage}. */
export interface AdaptiveCoverageOptions {
  /** Nominal coverage, e.g. 0.9. */
  coverage: number;
  /**
   * How far one check moves the miss rate (`γ` in the paper). Default 0.05: a miss widens the
   * bucket's next intervals from 90% to about 94.5%, and nine hits bring them back.
   */
  step?: number | undefined;
  /** Where the shifts are kept. Default: in memory, for 10,000 buckets. */
  shifts?: CoverageShifts | undefined;
}

/** {@link CoverageShifts} in memory: only buckets with a shift are held, at most `maxBuckets`. */
export function memoryCoverageShifts(maxBuckets = 10_000): CoverageShifts {
  const shifts = new RecencyMap<string, number>(maxBuckets);
  return {
    shift: (bucket) => shifts.get(bucket) ?? 0,
    add(bucket, delta) {
      const after = (shifts.peek(bucket) ?? 0) + delta;
      if (after < 1e-12) shifts.delete(bucket);
      else shifts.add(bucket, after);
    },
  };
}

/**
 * An {@link AdaptiveCoverage} over `shifts`. The miss rate of the paper is kept as its shift
 * below the nominal one, `shift = (1 − coverage) − α`, between 0 (the nominal coverage) and
 * `2 − coverage` (a miss rate of −1, the floor: see above).
 */
export function createAdaptiveCoverage(options: AdaptiveCoverageOptions): AdaptiveCoverage {
  const nominalMiss = 1 - options.coverage;
  const step = options.step ?? 0.05;
  const shifts = options.shifts ?? memoryCoverageShifts();
  const maxShift = nominalMiss + 1;
  // Below 1e-12 a shift is rounding left by additions that cancel: none.
  const clamp = (shift: number) => (shift < 1e-12 ? 0 : Math.min(maxShift, shift));
  return {
    coverageFor(bucket) {
      return Math.min(1, options.coverage + clamp(shifts.shift(bucket)));
    },
    observe(bucket, held) {
      const before = clamp(shifts.shift(bucket));
      // α ← α + γ(α* − miss), as a shift: shift ← shift + γ(miss − α*).
      const after = clamp(before + step * ((held ? 0 : 1) - nominalMiss));
      if (after !== before) shifts.add(bucket, after - before);
    },
  };
}

/** The history's coverage shifts when it keeps them (shared stores do), else memory's. */
export function coverageShiftsIn(history: SavingsHistory): CoverageShifts {
  const { coverageShift, shiftCoverage } = history;
  if (typeof coverageShift !== 'function' || typeof shiftCoverage !== 'function')
    return memoryCoverageShifts();
  return {
    shift: (bucket) => coverageShift.call(history, bucket),
    add: (bucket, delta) => shiftCoverage.call(history, bucket, delta),
  };
}
