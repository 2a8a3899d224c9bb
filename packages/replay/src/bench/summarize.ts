import type { RecordOutcome } from './run-record.js';

/**
 * Totals of one policy set over one trace file. The first fields are the benchmark's `--json`
 * row (with `traces` and `policy`); accuracies are over the outputs that have a gold answer and
 * are null when none has.
 */
export interface EvaluationSummary {
  outputs: number;
  fullTokens: number;
  keptTokens: number;
  /** `1 - keptTokens / fullTokens`. */
  tokenReduction: number;
  fullAccuracy: number | null;
  keptAccuracy: number | null;
  /** `keptAccuracy - fullAccuracy`. */
  accuracyDelta: number | null;
  /** Calls a policy stopped, calibration outputs excluded: the calls the estimate fields cover. */
  stoppedCalls: number;
  /**
   * Sum of the SDK's headline estimates of tokens saved (`result.savings.tokensSaved`) over
   * stopped calls, calibration outputs excluded (see `calibrationOutputs`). A stop with no
   * estimate yet (a null headline) adds 0: bounds are never in this sum.
   */
  estimatedTokensSaved: number;
  /**
   * Sum of the bounds (`result.savings.tokensSavedAtMost`) over the same stopped calls that had
   * a cap: the most the stops can have saved, reported apart from the estimate.
   */
  upperBoundTokensSaved: number;
  /**
   * What those same stops really saved: the full output's tokens minus the tokens the call
   * produced (`producedTokens`, the unit of the estimates), not minus the kept tokens: text a
   * stop's cut removed had been generated and billed, so it was not saved.
   */
  trueTokensSaved: number;
  /**
   * Share of those stopped calls with a point estimate (a headline) whose true full length lies
   * in the SDK's counterfactual interval `[low, high]`; null when no stopped call had an
   * estimate. A stop with only a bound is left out: its interval (the tokens produced to the
   * cap) is no calibrated interval and would hold the truth by construction.
   */
  intervalCoverage: number | null;
  /**
   * A rough standard error of `estimatedTokensSaved`, relative to it, from calibrating on a
   * sample. The stops of one policy share the mean rest measured on that policy's calibration
   * outputs, so that mean's error (`sd / √m` over its `m` remainders) counts once per stop:
   * `n · sd / √m` per policy, the policies' errors added in quadrature. It ignores pooling and
   * stop kinds, and a tail the calibration outputs do not hold is invisible to it: a guide to
   * how near `trueTokensSaved` a row can be expected to come (about two of these either side),
   * not a bound. Null when no policy with a headline has two calibration remainders.
   */
  estimateSamplingError: number | null;
  /**
   * Outputs that first ran unstopped to calibrate the savings estimates (a holdout), and are
   * therefore left out of the three estimate fields above; 0 when nothing was calibrated.
   */
  calibrationOutputs: number;
  /** Stopped calls by the policy that stopped them. */
  stopsByPolicy: Record<string, number>;
  /** Calls that ended in an error (counted with what they received). */
  errors: number;
}

/**
 * Adds up the outcomes of one policy set over one file. `calibration`: the outcomes of the
 * calibration pass (holdout calls run to their end), for `estimateSamplingError`.
 */
export function summarize(
  outcomes: readonly RecordOutcome[],
  calibration: readonly RecordOutcome[] = [],
): EvaluationSummary {
  let fullTokens = 0;
  let keptTokens = 0;
  let scored = 0;
  let fullRight = 0;
  let keptRight = 0;
  let stoppedCalls = 0;
  let estimated = 0;
  let upperBound = 0;
  let trulySaved = 0;
  let calibrationOutputs = 0;
  let withInterval = 0;
  let covered = 0;
  let errors = 0;
  // Stops with a headline, by the policy that stopped them.
  const headlines = new Map<string, number>();
  const stopsByPolicy: Record<string, number> = {};
  for (const outcome of outcomes) {
    fullTokens += outcome.fullTokens;
    keptTokens += outcome.keptTokens;
    if (outcome.fullCorrect !== undefined) {
      scored += 1;
      if (outcome.fullCorrect) fullRight += 1;
      if (outcome.keptCorrect) keptRight += 1;
    }
    if (outcome.outcome === 'error') errors += 1;
    if (outcome.calibration) calibrationOutputs += 1;
    if (outcome.stoppedBy !== undefined) {
      stopsByPolicy[outcome.stoppedBy] = (stopsByPolicy[outcome.stoppedBy] ?? 0) + 1;
    }
    if (outcome.stoppedBy !== undefined && !outcome.calibration) {
      stoppedCalls += 1;
      estimated += outcome.estimatedTokensSaved ?? 0;
      if (outcome.estimatedTokensSaved !== undefined)
        headlines.set(outcome.stoppedBy, (headlines.get(outcome.stoppedBy) ?? 0) + 1);
      upperBound += outcome.upperBoundTokensSaved ?? 0;
      trulySaved += Math.max(0, outcome.fullTokens - outcome.producedTokens);
      // Only an estimate's interval is scored: a stop with a null headline may still carry the
      // interval of its bound (`budget-bound`, produced tokens to the cap), which holds every
      // output that respects the cap and would pass for calibration it never had.
      if (
        outcome.estimatedTokensSaved !== undefined &&
        outcome.counterfactualLow !== undefined &&
        outcome.counterfactualHigh !== undefined
      ) {
        withInterval += 1;
        if (
          outcome.counterfactualLow <= outcome.fullTokens &&
          outcome.fullTokens <= outcome.counterfactualHigh
        )
          covered += 1;
      }
    }
  }
  const fullAccuracy = scored === 0 ? null : fullRight / scored;
  const keptAccuracy = scored === 0 ? null : keptRight / scored;
  return {
    outputs: outcomes.length,
    fullTokens,
    keptTokens,
    tokenReduction: fullTokens === 0 ? 0 : 1 - keptTokens / fullTokens,
    fullAccuracy,
    keptAccuracy,
    accuracyDelta: fullAccuracy === null || keptAccuracy === null ? null : keptAccuracy - fullAccuracy,
    stoppedCalls,
    estimatedTokensSaved: estimated,
    upperBoundTokensSaved: upperBound,
    trueTokensSaved: trulySaved,
    intervalCoverage: withInterval === 0 ? null : covered / withInterval,
    estimateSamplingError: samplingError(calibration, headlines, estimated),
    calibrationOutputs,
    stopsByPolicy,
    errors,
  };
}

/** See {@link EvaluationSummary.estimateSamplingError}. */
function samplingError(
  calibration: readonly RecordOutcome[],
  headlines: ReadonlyMap<string, number>,
  estimated: number,
): number | null {
  const remainders = new Map<string, number[]>();
  for (const { holdoutSample } of calibration) {
    if (holdoutSample === undefined) continue;
    const list = remainders.get(holdoutSample.policy) ?? [];
    list.push(holdoutSample.remaining);
    remainders.set(holdoutSample.policy, list);
  }
  let variance = 0;
  let measured = false;
  for (const [policy, stops] of headlines) {
    const rests = remainders.get(policy) ?? [];
    const m = rests.length;
    if (m < 2) continue;
    const mean = rests.reduce((sum, rest) => sum + rest, 0) / m;
    const spread = rests.reduce((sum, rest) => sum + (rest - mean) ** 2, 0) / (m - 1);
    variance += (stops * stops * spread) / m;
    measured = true;
  }
  return measured && estimated > 0 ? Math.sqrt(variance) / estimated : null;
}
