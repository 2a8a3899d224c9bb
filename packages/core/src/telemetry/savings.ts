import type { StopKind } from '../policy.js';
/** How a counterfactual length was estimated, best first. */
export type CounterfactualMethod = 'provider' | 'holdout' | 'length-model' | 'budget-bound' | 'none';

/**
 * An estimate of how many output tokens the call would have produced without the stop:
 * `value` is the point estimate, `[low, high]` an interval meant to hold the true length.
 * For a stopped call it is in tokens as the client counts them (the unit stop positions are
 * measured in; exact for OpenAI models, an approximation for others, see `tokenCounterFor`).
 */
export interface CounterfactualEstimate {
  value: number;
  low: number;
  high: number;
  /**
   * How it was estimated, best first:
   * - `provider`: not an estimate. The provider's own end of the output had already reached the
   *   client when the policy stopped the call (a short output, a fast provider, a slow reader):
   *   the whole output was generated and billed, so the stop saved nothing (`tokensSaved: 0`).
   * - `holdout`: calibrated on calls of the same bucket that ran unstopped with the policies in
   *   shadow: the stop position plus the mean number of tokens those calls ran past the point
   *   where the policy would have stopped them; the interval is a ~90% conformal interval from
   *   those remainders.
   * - `length-model`: lengths seen for similar calls, conditioned on being longer than where this
   *   one stopped; `value` is the conditional mean, the interval ~90% conditional quantiles.
   *   Biased when the stop itself says something about the length (an answer-complete stop).
   * - `budget-bound`: the call's cap (its `maxOutputTokens`, or the client-side token cut). An
   *   UPPER BOUND, not an estimate: `value = high = cap`. `tokensSaved` is then null and
   *   `tokensSavedAtMost` holds the bound.
   * - `none`: the call was not stopped: nothing was saved.
   */
  method: CounterfactualMethod;
  /**
   * Set when the call's own bucket (`metadata.bucket`) had fewer than `minSamples` samples and
   * the estimate borrowed the rest from a wider pool (the model's calls under the profile):
   * `value` then weighs the bucket's own samples as what they are and the pool's mean for the
   * samples missing, and the interval is the pool's, widened to hold the bucket's own samples.
   */
  pooled?: PooledEvidence | undefined;
}

/** Where a {@link CounterfactualEstimate} that borrowed from a wider pool got its evidence. */
export interface PooledEvidence {
  /** The pool borrowed from (`model|profile`). */
  pool: string;
  /** Samples of the call's own bucket that were used (fewer than `minSamples`). */
  bucketSamples: number;
  /** Samples of the pool the interval comes from. */
  poolSamples: number;
}

/** On a holdout call (run unstopped to calibrate estimates): where a policy would have stopped. */
export interface HoldoutRecord {
  /** Output tokens received when the policy decided; undefined when no policy would have stopped. */
  wouldStopAtToken: number | undefined;
  /** The policy that would have stopped the call. */
  policy: string | undefined;
  /**
   * What that stop would have said about the rest of the output, as its savings see it (a cap
   * that would have cut a looping output: `runaway`). Default `complete`.
   */
  kind?: StopKind | undefined;
  /**
   * The provider's end of the output had already reached the client when the policy would have
   * stopped: such a stop saves nothing, and is known to at stop time (method `provider`), so
   * the sample calibrates no estimate.
   */
  providerFinished?: boolean | undefined;
  /**
   * The safety stop (a token cap, a timeout) that ended this holdout call before its natural
   * end. Such a call is no calibration sample (it did not run to its end), so the estimator
   * does not learn from it, and its savings are those of the safety stop, estimated like any
   * other stop's.
   */
  cutBy?: string | undefined;
}

/** A USD interval: `low ≤ high`. */
export interface CostRange {
  low: number;
  high: number;
}

/** What a call saved. Every call-end event carries one; an unstopped call saves zero. */
export interface Savings {
  /** Output tokens the call produced (and was billed for). */
  outputTokens: number;
  /** `provider` when the provider reported the count; `estimated` when counted locally. */
  outputTokensSource: 'provider' | 'estimated';
  /** Undefined when no estimate can be made (a stop with no budget and no history). */
  counterfactualTokens: CounterfactualEstimate | undefined;
  /**
   * Output tokens the stop saved, a point estimate: `counterfactualTokens.value` minus the tokens
   * the call produced (both counted by the client), when the counterfactual is an estimate
   * (`holdout` or `length-model`; `none`: 0 for an unstopped call). `null` when there is no
   * estimate yet, only a bound or nothing (`budget-bound`, or no cap and no history): never an
   * upper bound passed off as a saving. `tokensSavedReason` says why, `tokensSavedAtMost` gives
   * the bound.
   */
  tokensSaved: number | null;
  /**
   * The most the stop can have saved: the smallest cap the call had (the call's
   * `maxOutputTokens` sent to the provider, or the profile's or call's client-side token cut
   * when another policy stopped first) minus the tokens produced. `null` when the call had no
   * cap; 0 for an unstopped call. Summed apart from `tokensSaved` (`stats().total.tokensSavedAtMost`).
   */
  tokensSavedAtMost: number | null;
  /** Why `tokensSaved` is null, with the bound when there is one ("no history for this bucket yet; at most 856"). */
  tokensSavedReason?: string | undefined;
  /**
   * Where `tokensSavedAtMost` came from: `maxOutputTokens` (the call's provider cap) or
   * `token-cut` (the client-side cut: the profile's or the call's `cutAtTokens`).
   */
  boundSource?: 'maxOutputTokens' | 'token-cut' | undefined;
  /**
   * USD saved at the point estimate; null when the model's price is unknown or `tokensSaved` is
   * null (see `costUnknownReason`).
   */
  costSaved: number | null;
  /**
   * USD the stop saved at the two ends of `counterfactualTokens`' interval: `low` prices
   * `counterfactualTokens.low` minus the tokens produced (0 when that is negative), `high`
   * prices `counterfactualTokens.high` minus them. `{ low: 0, high: 0 }` for an unstopped call;
   * `null` exactly when `costSaved` is (same `costUnknownReason`), so also for a `budget-bound`
   * counterfactual: a bound is never priced as a saving. Optional so that custom estimators
   * written before it still type-check; the default estimator always sets it.
   */
  costSavedRange?: CostRange | null | undefined;
  /** Why `costSaved` is null. */
  costUnknownReason?: string | undefined;
  /**
   * `tokensSaved` at the call's own observed token rate (tokens after the first / streaming
   * time); null when `tokensSaved` is, or the rate is unknown (fewer than two tokens).
   */
  timeSavedMs: number | null;
  /** The policy that stopped the call, when one did. */
  stoppedBy: string | undefined;
  /** Present on holdout calls only. */
  holdout?: HoldoutRecord | undefined;
}
