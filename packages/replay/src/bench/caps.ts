import { capSet, type PolicySet } from './policy-sets.js';

/**
 * Quantiles of the full output lengths at which the benchmark sets fixed caps. With no policy
 * at zero reduction and the equal-cut caps, they draw the naive frontier; a cap near the longest
 * outputs would cost a full run to add a point next to `none`.
 */
export const capQuantiles: readonly number[] = [0.25, 0.5, 0.75];

/** The `q` quantile (nearest rank) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Fixed caps at quantiles of a file's full lengths (`cap-p50` keeps at most the median length). */
export function quantileCaps(fullLengths: readonly number[]): PolicySet[] {
  const caps: PolicySet[] = [];
  const seen = new Set<number>();
  for (const q of capQuantiles) {
    const tokens = Math.max(1, quantile(fullLengths, q));
    if (seen.has(tokens)) continue;
    seen.add(tokens);
    caps.push(capSet(`cap-p${Math.round(q * 100)}`, tokens));
  }
  return caps;
}

/** Tokens a fixed cap of `cap` keeps of outputs of these lengths. */
export function keptUnderCap(fullLengths: readonly number[], cap: number): number {
  let kept = 0;
  for (const length of fullLengths) kept += Math.min(length, cap);
  return kept;
}

/**
 * The fixed cap that keeps as many tokens in total as a preset did (`keptTokens`), found by
 * bisection: the naive baseline at equal savings, to compare accuracy at the same cost.
 * Undefined when the preset cut nothing (a cap would have to be the longest output).
 */
export function equalCutCap(fullLengths: readonly number[], keptTokens: number): number | undefined {
  const longest = Math.max(0, ...fullLengths);
  if (keptUnderCap(fullLengths, longest) <= keptTokens) return undefined;
  let low = 1;
  let high = longest;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (keptUnderCap(fullLengths, middle) < keptTokens) low = middle + 1;
    else high = middle;
  }
  // `low` keeps at least `keptTokens`; one less may be closer.
  const above = keptUnderCap(fullLengths, low) - keptTokens;
  const below = low > 1 ? keptTokens - keptUnderCap(fullLengths, low - 1) : Number.POSITIVE_INFINITY;
  return below < above ? low - 1 : low;
}

/** The equal-cut cap set of a preset on one file (undefined when the preset cut nothing). */
export function equalCutSet(
  preset: string,
  fullLengths: readonly number[],
  keptTokens: number,
): PolicySet | undefined {
  const tokens = equalCutCap(fullLengths, keptTokens);
  return tokens === undefined ? undefined : capSet(`cap-eq-${preset}`, tokens, preset);
}
