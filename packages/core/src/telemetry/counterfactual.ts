import { kindPoolKey, policyKindKey } from './kind-pool.js';
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
 * The ranks (1-based) of the split-conformal interval over `n` sorted samples: the `k`-th
 * smallest and the `k`-th largest, `k = ⌊(n + 1)(1 - coverage) / 2⌋`. For exchangeable samples a
 * new value falls between them with probability `(n + 1 - 2k) / (n + 1)`, at least `coverage`
 * once `k ≥ 1`, that is from `n = 2 / (1 - coverage) - 1` samples (19 for 90%).
 *
 * With fewer, no two order statistics hold `coverage` (the range of 12 samples holds a new value
 * only 11 times in 13): the low rank is then 0, meaning no lower order statistic (the interval
 * starts at what is certain, zero tokens left), and the high rank the smallest one-sided bound
 * that holds `coverage`, `⌈coverage · (n + 1)⌉` (the largest sample below 19 samples at 90%,
 * which a new value stays under `n / (n + 1)` of the time: at least 90% from 9 samples on).
 * That rank is `n + 1` when even the largest sample is not enough (fewer than
 * `coverage / (1 − coverage)` samples): the interval then reaches past every sample, to the cap.
 */
export function conformalRanks(n: number, coverage: number): [number, number] {
  // The epsilon keeps 1 - 0.9 = 0.0999… from losing a rank to floating point.
  const k = Math.floor(((n + 1) * (1 - coverage)) / 2 + 1e-9);
  if (k >= 1) return [Math.min(k, n), Math.max(n - k + 1, 1)];
  return [0, Math.min(n + 1, Math.max(1, Math.ceil(coverage * (n + 1) - 1e-9)))];
}

/**
 * The value of a 1-based rank of {@link conformalRanks} over `sorted`: rank 0 is `below` (what
 * is certain), rank `n + 1` is `beyond` (the cap, when the call has one; else the largest sample,
 * as far as the evidence reaches).
 */
export function rankValue(sorted: readonly number[], rank: number, below: number, beyond?: number): number {
  if (rank === 0) return below;
  if (rank > sorted.length) return beyond ?? (sorted[sorted.length - 1] as number);
  return sorted[rank - 1] as number;
}

/**
 * The interval of {@link conformalRanks} over `sorted`, samples of what is left (non-negative):
 * its low end is 0 when the samples are too few for a lower order statistic, and its high end
 * `beyond` when they are too few for an upper one.
 */
export function conformalInterval(
  sorted: readonly number[],
  coverage: number,
  beyond?: number,
): [number, number] {
  const [low, high] = conformalRanks(sorted.length, coverage);
  return [rankValue(sorted, low, 0, beyond), rankValue(sorted, high, 0, beyond)];
}

/** What is left of the call's cap after `position`, the most an output stopped there could add. */
export function capRemaining(point: StopPoint): number | undefined {
  return point.maxOutputTokens === undefined
    ? undefined
    : Math.max(0, point.maxOutputTokens - point.position);
}

/** The median of a sorted, non-empty list. */
export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds, keeps `low ≤ value ≤ high`, and clamps into what is possible for this call. */
export function finish(
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
 * What the holdout calls of one bucket and policy say: how many tokens each ran past the point
 * where the policy would have stopped it (`final - stopAt`), sorted, and their mean.
 */
export interface HoldoutSummary {
  /** `final - stopAt` of every sample, ascending. */
  remaining: readonly number[];
  /** Mean of `remaining`. */
  meanRemaining: number;
  /** The final lengths of the samples, ascending, with suffix sums (see {@link LengthSummary}). */
  finals: LengthSummary;
}

function pushTo(groups: Map<string, number[]>, key: string, value: number): void {
  let group = groups.get(key);
  if (group === undefined) {
    group = [];
    groups.set(key, group);
  }
  group.push(value);
}

/**
 * Groups holdout samples by policy and stop kind (under `policyKindKey`), and pools them by the
 * kind of their stop (under `kindPoolKey`), and summarises each group (one pass and one sort per
 * group). Built once per change of the history, not per call.
 */
export function summarizeHoldouts(samples: readonly HoldoutSample[]): Map<string, HoldoutSummary> {
  const groups = new Map<string, number[]>();
  const finals = new Map<string, number[]>();
  for (const sample of samples) {
    const remaining = Math.max(0, sample.final - sample.stopAt);
    const kind = sample.kind ?? 'complete';
    const policy = policyKindKey(sample.policy, kind);
    const pool = kindPoolKey(kind);
    pushTo(groups, policy, remaining);
    pushTo(groups, pool, remaining);
    pushTo(finals, policy, sample.final);
    pushTo(finals, pool, sample.final);
  }
  const summaries = new Map<string, HoldoutSummary>();
  for (const [key, remaining] of groups) {
    remaining.sort((a, b) => a - b);
    let sum = 0;
    for (const tokens of remaining) sum += tokens;
    summaries.set(key, {
      remaining,
      meanRemaining: sum / remaining.length,
      finals: summarizeLengths(finals.get(key) ?? []),
    });
  }
  return summaries;
}

/**
 * `holdout`: calls of the bucket that ran unstopped tell, for the same policy, how many tokens
 * outputs ran past the point where the policy would have stopped them. A stop at `p` gets
 * `value = p + mean(remaining)` and `[low, high] = p + ` conformal order statistics of the
 * remaining tokens.
 *
 * Why the difference and not a ratio `p · Σfinal / Σstop`: holdout calls are a random share of
 * the calls the policy would stop, so their mean remaining length is an unbiased estimate of the
 * stopped calls' mean, and a sum of these estimates is unbiased for any policy, with no model of
 * how the rest depends on where the stop fell. The ratio assumes the final length grows in
 * proportion to the stop position; where it does not (a stop string that comes early or late
 * regardless of the length), it multiplies the spread of stop positions into every estimate.
 */
export function holdoutEstimate(
  summary: HoldoutSummary | undefined,
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  if (summary === undefined || summary.remaining.length < tuning.minSamples) return undefined;
  const [low, high] = conformalInterval(summary.remaining, tuning.coverage, capRemaining(point));
  const p = point.position;
  return finish(point, p + summary.meanRemaining, p + low, p + high, 'holdout');
}

/** Lengths of a bucket sorted, with suffix sums for conditional means in O(log n). */
export interface LengthSummary {
  /** Ascending. */
  sorted: readonly number[];
  /** `suffixSums[i]` = Σ `sorted[i..]`; one longer than `sorted`, ending in 0. */
  suffixSums: Float64Array;
}

/** Sorts lengths and adds suffix sums. Built once per change of the history, not per call. */
export function summarizeLengths(lengths: readonly number[]): LengthSummary {
  const sorted = [...lengths].sort((a, b) => a - b);
  const suffixSums = new Float64Array(sorted.length + 1);
  for (let i = sorted.length - 1; i >= 0; i--)
    suffixSums[i] = (suffixSums[i + 1] as number) + (sorted[i] as number);
  return { sorted, suffixSums };
}

/** Index of the first element of `sorted` greater than `x`. */
export function firstAbove(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `length-model`: the lengths that calls of the bucket reached, kept only where they are longer
 * than where this call stopped: `value` is their mean (the conditional mean `E[L | L > p]`, so
 * that sums over many calls come out right; a median would understate right-skewed lengths),
 * `[low, high]` their conformal order statistics. This assumes the stop says nothing about the
 * length beyond "longer than here": true for a token cap, optimistic for an answer-complete stop.
 */
export function lengthModelEstimate(
  summary: LengthSummary,
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  const { sorted, suffixSums } = summary;
  const start = firstAbove(sorted, Math.max(point.position, point.outputTokens));
  const longer = sorted.length - start;
  if (longer < tuning.minSamples) return undefined;
  const [lowRank, highRank] = conformalRanks(longer, tuning.coverage);
  const mean = (suffixSums[start] as number) / longer;
  // Ranks among the longer lengths, as ranks in `sorted` (0 stays 0: no order statistic).
  const rank = (r: number) => (r === 0 ? 0 : start + r);
  return finish(
    point,
    mean,
    rankValue(sorted, rank(lowRank), point.outputTokens, point.maxOutputTokens),
    rankValue(sorted, rank(highRank), point.outputTokens, point.maxOutputTokens),
    'length-model',
  );
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

/**
 * `holdout` from fewer samples than `minSamples`: the mean remainder of the holdout calls is
 * unbiased however few they are (they are a random share of the calls the policy would stop),
 * while the length model is biased for a stop that says the answer is done. So the value comes
 * from the samples. Their range would hold a new call with probability only `(n - 1) / (n + 1)`
 * (none at all from one sample), so the interval starts at the tokens produced (the rest is at
 * least nothing) and ends at the largest remainder seen, which a new call stays under with
 * probability `n / (n + 1)`; it is widened to also hold the fallback's (the length model's, or
 * the cap's).
 */
export function fewHoldoutsEstimate(
  summary: HoldoutSummary | undefined,
  point: StopPoint,
  fallback: CounterfactualEstimate | undefined,
): CounterfactualEstimate | undefined {
  if (summary === undefined || summary.remaining.length === 0) return undefined;
  const { remaining } = summary;
  const p = point.position;
  const high = p + (remaining[remaining.length - 1] as number);
  return finish(
    point,
    p + summary.meanRemaining,
    point.outputTokens,
    Math.max(high, fallback?.high ?? high),
    'holdout',
  );
}

/**
 * `holdout` for a runaway stop from fewer than `minSamples` samples of runaway policies: a loop
 * or an overlong output ends where it ends (at the cap, mostly) whatever point the policy caught
 * it at, so the value is the mean final length of those holdout calls that ran longer than
 * here, not this position plus their remainders. The interval is widened to the fallback's
 * (produced tokens to the cap), since a few samples' range cannot hold 90% of new calls.
 */
export function fewRunawayHoldoutsEstimate(
  summary: HoldoutSummary | undefined,
  point: StopPoint,
  fallback: CounterfactualEstimate | undefined,
): CounterfactualEstimate | undefined {
  if (summary === undefined) return undefined;
  const { sorted, suffixSums } = summary.finals;
  const start = firstAbove(sorted, Math.max(point.position, point.outputTokens));
  const longer = sorted.length - start;
  if (longer === 0) return undefined;
  const low = sorted[start] as number;
  const high = sorted[sorted.length - 1] as number;
  return finish(
    point,
    (suffixSums[start] as number) / longer,
    Math.min(low, fallback?.low ?? low),
    Math.max(high, fallback?.high ?? high),
    'holdout',
  );
}

/**
 * A runaway stop (a loop, a length far past similar answers) with too few holdout samples to
 * calibrate it: the output is taken to run on to its cap, so the estimate is the cap, an upper
 * bound (`budget-bound`), with `[low, high]` from the tokens produced to the cap. The cap is the
 * call's `maxOutputTokens`; without one, the lengths at which the provider cut calls of the
 * bucket (finish reason `length`) and are longer than here (value their mean, high their
 * maximum). Undefined when neither is known: nothing is made up. The longest output the bucket
 * has seen is no stand-in: it only says the cap is at least that far, and on AIME outputs that
 * loop to about 32,000 tokens it gave intervals ending near 6,000 that held none of them.
 */
export function runawayEstimate(point: StopPoint, capped: LengthSummary): CounterfactualEstimate | undefined {
  const bound = budgetBound(point);
  if (bound !== undefined) return bound;
  const floor = Math.max(point.position, point.outputTokens);
  const start = firstAbove(capped.sorted, floor);
  const cut = capped.sorted.length - start;
  if (cut > 0) {
    const mean = (capped.suffixSums[start] as number) / cut;
    return finish(point, mean, point.outputTokens, capped.sorted.at(-1) as number, 'budget-bound');
  }
  return undefined;
}
