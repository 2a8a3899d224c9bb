import type { Outcome } from '../stream-part.js';
import type { CounterfactualMethod, Savings } from './savings.js';

/** One replayed call: what stopwise reported, and the truth the replay knows. */
export interface SavingsTruth {
  outcome: Outcome;
  savings: Savings;
  /**
   * Output tokens the call would have produced unstopped: the recorded output's full length
   * (capped at the call's `maxOutputTokens` when it had one), in the same count as
   * `savings.outputTokens`.
   */
  trueOutputTokens: number;
}

/** How close the savings estimates came to the truth over a set of calls. */
export interface SavingsAccuracy {
  /** Calls a policy stopped: the only ones with something to estimate. */
  stoppedCalls: number;
  /** Σ `savings.tokensSaved` over stopped calls (a call without an estimate adds 0). */
  estimatedTokensSaved: number;
  /** Σ (`trueOutputTokens` − `savings.outputTokens`) over stopped calls. */
  trueTokensSaved: number;
  /** `(estimated − true) / true`; null when nothing was truly saved. */
  aggregateError: number | null;
  /**
   * Share of stopped calls whose `[low, high]` held `trueOutputTokens` (0..1), a stop without a
   * point estimate (none, or only a bound) counting as a miss; null with no stopped calls.
   */
  intervalCoverage: number | null;
  /** Stopped calls by the method their estimate used (`unestimated`: no estimate at all). */
  methods: Partial<Record<CounterfactualMethod | 'unestimated', number>>;
}

/**
 * Scores savings estimates against known full lengths: the benchmark's `estimatedTokensSaved`,
 * `trueTokensSaved` and `intervalCoverage` columns, and the honesty test's assertions. A stopped
 * call without an estimate (no counterfactual, or only a bound) counts as 0 tokens estimated and
 * as not covered, so missing estimates make the figures worse, never better.
 */
export function savingsAccuracy(calls: readonly SavingsTruth[]): SavingsAccuracy {
  let stoppedCalls = 0;
  let estimated = 0;
  let truth = 0;
  let covered = 0;
  const methods: SavingsAccuracy['methods'] = {};
  for (const call of calls) {
    if (call.outcome !== 'policy-stop') continue;
    stoppedCalls += 1;
    const { savings } = call;
    const cf = savings.counterfactualTokens;
    const method = cf?.method ?? 'unestimated';
    methods[method] = (methods[method] ?? 0) + 1;
    estimated += savings.tokensSaved ?? 0;
    truth += Math.max(0, call.trueOutputTokens - savings.outputTokens);
    // A stop with a null headline has at most a bound (`budget-bound`: produced tokens to the
    // cap), whose interval holds every output within the cap: scored as a hit it would pass
    // for calibration. Like a stop with nothing, it counts as not covered.
    const hasEstimate = cf !== undefined && savings.tokensSaved != null;
    if (hasEstimate && cf.low <= call.trueOutputTokens && call.trueOutputTokens <= cf.high) covered += 1;
  }
  return {
    stoppedCalls,
    estimatedTokensSaved: estimated,
    trueTokensSaved: truth,
    aggregateError: truth > 0 ? (estimated - truth) / truth : null,
    intervalCoverage: stoppedCalls > 0 ? covered / stoppedCalls : null,
    methods,
  };
}
