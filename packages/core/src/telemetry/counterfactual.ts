import type { CounterfactualEstimate } from './savings.js';
import type { HoldoutSample } from './savings-history.js';

/** Where a stopped call stands, for the counterfactual methods. */
export interface StopPoint {
  /** Output tokens received when the policy decided to stop. */
  position: number;
  /** Output tokens the call produced (billed): the true length is at least this. */
  outputTokens: number;
  /** The provider cap sent with the request: the true length is at most this. */
  maxOutputTokens: number | undefined;
}

/** Tuning shared by the methods. */
export interface CounterfactualTuning {
  /** Samples a method needs before it is used. */
  minSamples: number;
  /** Nominal coverage of `[low, high]`, e.g. 0.9. */
  coverage: number;
}

/**
 * The `k`-th smallest and `k`-th largest of `sorted`, with `k = ⌊(n + 1)(1 - coverage) / 2⌋`
 * (at least 1). For exchangeable samples a new value falls between them with probability
 * `(n + 1 - 2k) / (n + 1)`, which is at least `coverage` once `n ≥ 2 / (1 - coverage) - 1`
 * (19 samples for 90%): a split-conformal interval, with no assumption on the distribution.
 */
export function conformalInterval(sorted: readonly number[], coverage: number): [number, number] {
  const n = sorted.length;
  // The epsilon keeps 1 - 0.9 = 0.0999… from losing a rank to floating point.
  const k = Math.max(1, Math.floor(((n + 1) * (1 - coverage)) / 2 + 1e-9));
  return [sorted[Math.min(k, n) - 1] as number, sorted[Math.max(n - k, 0)] as number];
}

/** The median of a sorted, non-empty list. */
export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds, keeps `low ≤ value ≤ high`, and clamps into what is possible for this call. */
function finish(
  point: StopPoint,
  value: number,
  low: number,
  high: number,
  method: CounterfactualEstimate['method'],
): CounterfactualEstimate {
  const floor = point.outputTokens;
  const ceiling =
    point.maxOutputTokens === undefined ? Number.POSITIVE_INFINITY : Math.max(point.maxOutputTokens, floor);
  const clamp = (x: number) => Math.min(ceiling, Math.max(floor, x));
  const lo = clamp(Math.floor(low));
  const hi = Math.max(lo, clamp(Math.ceil(high)));
  return { value: Math.min(hi, Math.max(lo, clamp(Math.round(value)))), low: lo, high: hi, method };
}

/**
 * `holdout`: calls of the bucket that ran unstopped tell, for the same policy, how much longer
 * outputs ran than where the policy would have stopped (`final / stopAt`). The estimate scales
 * this call's stop position by the pooled ratio `Σ final / Σ stopAt`, which keeps sums over
 * many calls unbiased; the interval takes conformal order statistics of the per-call ratios.
 */
export function holdoutEstimate(
  samples: readonly HoldoutSample[],
  policy: string | undefined,
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  const same = samples.filter((sample) => sample.policy === policy);
  if (same.length < tuning.minSamples) return undefined;
  let finals = 0;
  let stops = 0;
  const ratios: number[] = [];
  for (const sample of same) {
    finals += sample.final;
    stops += sample.stopAt;
    ratios.push(sample.final / sample.stopAt);
  }
  ratios.sort((a, b) => a - b);
  const [low, high] = conformalInterval(ratios, tuning.coverage);
  const pooled = Math.min(high, Math.max(low, finals / stops));
  return finish(point, point.position * pooled, point.position * low, point.position * high, 'holdout');
}

/**
 * `length-model`: the lengths that calls of the bucket reached on their own, kept only where
 * they are longer than where this call stopped. `value` is their median, `[low, high]` their
 * conformal order statistics. This assumes the stop says nothing about the length beyond
 * "longer than here", true for a token cap, optimistic for an answer-complete stop.
 */
export function lengthModelEstimate(
  lengths: readonly number[],
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  const threshold = Math.max(point.position, point.outputTokens);
  const longer = lengths.filter((length) => length > threshold).sort((a, b) => a - b);
  if (longer.length < tuning.minSamples) return undefined;
  const [low, high] = conformalInterval(longer, tuning.coverage);
  return finish(point, median(longer), low, high, 'length-model');
}

/**
 * `budget-bound`: the provider cap. It is an upper bound, not an estimate: `value = high =
 * maxOutputTokens`, `low` the tokens already produced.
 */
export function budgetBound(point: StopPoint): CounterfactualEstimate | undefined {
  if (point.maxOutputTokens === undefined) return undefined;
  const high = Math.max(point.maxOutputTokens, point.outputTokens);
  return { value: high, low: point.outputTokens, high, method: 'budget-bound' };
}
