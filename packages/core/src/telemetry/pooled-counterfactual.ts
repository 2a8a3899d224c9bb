import {
  type CounterfactualTuning,
  capRemaining,
  conformalInterval,
  conformalRanks,
  finish,
  firstAbove,
  type HoldoutSummary,
  type LengthSummary,
  rankValue,
  type StopPoint,
} from './counterfactual.js';
import type { CounterfactualEstimate } from './savings.js';

/**
 * `holdout` for a bucket with fewer than `minSamples` samples of its own, borrowing from a pool
 * that has enough (the model's calls under the profile). The pool's mean remainder stands in for
 * the samples the bucket lacks: with `n` own samples of mean `m`, the remainder is
 * `(n·m + (minSamples − n)·poolMean) / minSamples`, so three samples count as three, not as the
 * whole truth, and the estimate becomes the bucket's own at `minSamples`, where the unpooled
 * method takes over without a jump. The interval is the pool's conformal interval (it holds for
 * the pool's calls), widened to hold the bucket's own samples: a bucket unlike its pool shows up
 * as a wider interval, not a narrower one. Undefined when the pool has too few samples too.
 */
export function pooledHoldoutEstimate(
  own: HoldoutSummary | undefined,
  pool: HoldoutSummary | undefined,
  poolName: string,
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  if (pool === undefined || pool.remaining.length < tuning.minSamples) return undefined;
  const n = Math.min(own?.remaining.length ?? 0, tuning.minSamples);
  const ownMean = own?.meanRemaining ?? 0;
  const mean = (n * ownMean + (tuning.minSamples - n) * pool.meanRemaining) / tuning.minSamples;
  let [low, high] = conformalInterval(pool.remaining, tuning.coverage, capRemaining(point));
  if (own !== undefined && own.remaining.length > 0) {
    low = Math.min(low, own.remaining[0] as number);
    high = Math.max(high, own.remaining[own.remaining.length - 1] as number);
  }
  const p = point.position;
  return {
    ...finish(point, p + mean, p + low, p + high, 'holdout'),
    pooled: { pool: poolName, bucketSamples: n, poolSamples: pool.remaining.length },
  };
}

/** The lengths of `summary` longer than `floor`: how many, their sum, and where they start. */
function longerThan(summary: LengthSummary, floor: number): { start: number; count: number; sum: number } {
  const start = firstAbove(summary.sorted, floor);
  return {
    start,
    count: summary.sorted.length - start,
    sum: summary.suffixSums[start] as number,
  };
}

/**
 * `length-model` for a bucket with fewer than `minSamples` lengths longer than where this call
 * stopped, borrowing from a pool that has enough: the conditional mean `E[L | L > p]` weighs
 * the bucket's own longer lengths as what they are and the pool's conditional mean for the
 * ones missing (as {@link pooledHoldoutEstimate} does), and the interval is the pool's
 * conditional order statistics, widened to hold the bucket's own.
 */
export function pooledLengthEstimate(
  own: LengthSummary,
  pool: LengthSummary,
  poolName: string,
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  const floor = Math.max(point.position, point.outputTokens);
  const borrowed = longerThan(pool, floor);
  if (borrowed.count < tuning.minSamples) return undefined;
  const mine = longerThan(own, floor);
  const n = Math.min(mine.count, tuning.minSamples);
  const ownMean = mine.count === 0 ? 0 : mine.sum / mine.count;
  const poolMean = borrowed.sum / borrowed.count;
  const mean = (n * ownMean + (tuning.minSamples - n) * poolMean) / tuning.minSamples;
  const [lowRank, highRank] = conformalRanks(borrowed.count, tuning.coverage);
  const rank = (r: number) => (r === 0 ? 0 : borrowed.start + r);
  let low = rankValue(pool.sorted, rank(lowRank), point.outputTokens, point.maxOutputTokens);
  let high = rankValue(pool.sorted, rank(highRank), point.outputTokens, point.maxOutputTokens);
  if (mine.count > 0) {
    low = Math.min(low, own.sorted[mine.start] as number);
    high = Math.max(high, own.sorted[own.sorted.length - 1] as number);
  }
  return {
    ...finish(point, mean, low, high, 'length-model'),
    pooled: { pool: poolName, bucketSamples: n, poolSamples: borrowed.count },
  };
}
