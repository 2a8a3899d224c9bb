/**
 * The upper confidence bound on a loss rate that the tuner holds every step to: after `lost`
 * answers lost in `observations` calls, the loss rate is at most the returned value with
 * probability `confidence`. It is the one-sided Clopper-Pearson bound, exact for a binomial
 * count (no normal approximation, which is far too optimistic at the loss rates that matter,
 * 0-2%): the largest `p` for which seeing `lost` or fewer losses still has probability at least
 * `1 - confidence`.
 *
 * Written here rather than taken from a statistics package: it is one bisection over a binomial
 * tail, and the core must stay dependency-light for edge runtimes.
 */
export function lossRateUpperBound(options: {
  lost: number;
  observations: number;
  confidence: number;
}): number {
  const { lost, observations: n, confidence } = options;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`observations must be an integer ≥ 0, got ${n}`);
  if (!Number.isInteger(lost) || lost < 0 || lost > n) {
    throw new RangeError(`lost must be an integer between 0 and observations (${n}), got ${lost}`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (n === 0 || lost === n) return 1;
  // Every call reads the bounds of its bucket's steps, whose counts rarely change between calls.
  const key = `${lost}/${n}/${confidence}`;
  const known = bounds.get(key);
  if (known !== undefined) return known;
  const bound = computeBound(lost, n, confidence);
  if (bounds.size >= 4096) bounds.clear();
  bounds.set(key, bound);
  return bound;
}

const bounds = new Map<string, number>();

function computeBound(lost: number, n: number, confidence: number): number {
  const alpha = 1 - confidence;
  // With no loss the bound has a closed form: (1 - p)^n = alpha.
  if (lost === 0) return 1 - alpha ** (1 / n);
  // P(X ≤ lost | n, p) falls as p grows: bisect for the p where it equals alpha.
  let low = lost / n;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (binomialCdf(lost, n, mid) > alpha) low = mid;
    else high = mid;
  }
  return high;
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space so large `n` does not underflow. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, i) p^i q^(n-i), term by term: C(n, i) = C(n, i-1) (n - i + 1) / i.
  let logTerm = n * logQ;
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i) + logP - logQ;
    total += Math.exp(logTerm);
  }
  return Math.min(1, total);
}
