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
   * Share of those stopped calls whose true full length lies in the SDK's counterfactual
   * interval `[low, high]`; null when no stopped call had an estimate.
   */
  intervalCoverage: number | null;
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

/** Adds up the outcomes of one policy set over one file. */
export function summarize(outcomes: readonly RecordOutcome[]): EvaluationSummary {
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
      upperBound += outcome.upperBoundTokensSaved ?? 0;
      trulySaved += Math.max(0, outcome.fullTokens - outcome.producedTokens);
      if (outcome.counterfactualLow !== undefined && outcome.counterfactualHigh !== undefined) {
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
    calibrationOutputs,
    stopsByPolicy,
    errors,
  };
}
