import type { LengthSample } from './length-history.js';

/** A {@link LengthSample} with a weight (a user's own samples count more than the bucket's). */
export interface WeightedLengthSample extends LengthSample {
  readonly weight: number;
}

/** What {@link censoredQuantile} found. */
export interface LengthQuantile {
  /**
   * The estimated `q`-quantile of the length, in tokens. When `lowerBound` is true the data do
   * not reach that quantile (too many samples were cut short above the last natural end) and
   * this is the largest length of a call that ended or was complete (not a runaway): the true
   * quantile is at least this.
   */
  readonly tokens: number;
  readonly lowerBound: boolean;
  /** Weighted count of samples that ended on their own. */
  readonly naturals: number;
  /** Weighted count of samples that were cut short (right-censored). */
  readonly censored: number;
}

/**
 * The `q`-quantile of a length distribution from samples some of which were cut short, by the
 * Kaplan–Meier product-limit estimator (weighted). A cut-short sample says only "longer than
 * this": it leaves the risk set without counting as an end, which moves its probability mass onto
 * the natural ends above it. So a stop can only raise (never lower) the estimated quantiles,
 * unlike dropping stopped calls (which biases towards the short calls that escaped every stop)
 * or counting them as ends (which learns from our own cuts and shrinks the budget each time).
 * Returns undefined when there are no samples. A sample without a `weight` weighs 1.
 */
export function censoredQuantile(
  samples: readonly (LengthSample & { readonly weight?: number | undefined })[],
  q: number,
): LengthQuantile | undefined {
  const usable = samples.filter((sample) => (sample.weight ?? 1) > 0 && Number.isFinite(sample.tokens));
  if (usable.length === 0) return undefined;
  // At equal lengths, ends come before cuts: a call cut at t was still running at t. (`usable`
  // is a fresh array: sorted in place.)
  const sorted = usable.sort((a, b) => a.tokens - b.tokens || Number(a.censored) - Number(b.censored));
  let atRisk = 0;
  let naturals = 0;
  let censored = 0;
  for (const sample of sorted) {
    const weight = sample.weight ?? 1;
    atRisk += weight;
    if (sample.censored) censored += weight;
    else naturals += weight;
  }
  let survival = 1;
  let index = 0;
  while (index < sorted.length) {
    const time = (sorted[index] as LengthSample).tokens;
    let ended = 0;
    let left = 0;
    for (; index < sorted.length && (sorted[index] as LengthSample).tokens === time; index++) {
      const sample = sorted[index] as LengthSample & { readonly weight?: number | undefined };
      const weight = sample.weight ?? 1;
      if (!sample.censored) ended += weight;
      left += weight;
    }
    if (ended > 0) {
      survival *= 1 - ended / atRisk;
      // A tiny epsilon so that e.g. q = 0.9 over 10 equal-weight ends lands on the 9th.
      if (1 - survival >= q - 1e-9) return { tokens: time, lowerBound: false, naturals, censored };
    }
    atRisk -= left;
  }
  // Beyond the data. Runaways (cut for length) would raise the budget on every cut if they
  // counted here: the longest call that ended, or whose answer was complete, bounds it instead.
  let longest = 0;
  for (const sample of sorted) if (!sample.runaway) longest = Math.max(longest, sample.tokens);
  return { tokens: longest, lowerBound: true, naturals, censored };
}

/**
 * The quantile level whose estimate is an upper confidence bound for the `q`-quantile, from `n`
 * natural ends: the smallest rank `k` with P(Binomial(n, q) ≤ k - 1) ≥ `confidence`, as a level
 * `k / n`. With few samples the point estimate of a high quantile is too often below the true
 * one (10 samples put q0.95 at the sample maximum, which 40% of the next answers exceed); the
 * bound asks for more evidence first. Undefined when `n` samples cannot give such a bound (the
 * rank would exceed `n`).
 */
export function upperQuantileLevel(n: number, q: number, confidence: number): number | undefined {
  const count = Math.floor(n);
  if (count < 1) return undefined;
  if (confidence <= 0) return q;
  const logQ = Math.log(q);
  const logP = Math.log1p(-q);
  // P(X = j) from the top down, in log space (q near 1 and large n underflow otherwise).
  let logPmf = count * logQ;
  let tail = 0;
  for (let k = count; k >= 0; k--) {
    // tail = P(X ≥ k + 1); rank k + 1 is a bound when P(X ≤ k) = 1 - tail ≥ confidence.
    const pmf = Math.exp(logPmf);
    if (tail + pmf > 1 - confidence) return k + 1 > count ? undefined : (k + 1) / count;
    tail += pmf;
    if (k > 0) logPmf += Math.log(k) - Math.log(count - k + 1) + logP - logQ;
  }
  return 1 / count;
}
