import type { RecordOutcome } from './run-record.js';

/** Calls a cold start covers: the first this many calls of a fresh client. */
export const coldStartCalls = 20;

/** The seed of the cold start's call order: fixed, so runs and policy sets compare. */
export const coldStartSeed = 20261204;

/**
 * What a new user sees of the savings on the first {@link coldStartCalls} calls of a file, on
 * a fresh client with default options (no holdout, empty savings history), one call at a time in
 * a seeded order. The honest-savings target: `estimatedTokensSaved` at most 1.1 times
 * `trueTokensSaved`, so a cold start never inflates the headline.
 */
export interface ColdStartFigures {
  /** Calls run (fewer than {@link coldStartCalls} only for a smaller file). */
  calls: number;
  /** Of those, calls a policy stopped. */
  stoppedCalls: number;
  /** Stopped calls whose headline was a number; the others had none yet (null). */
  headlines: number;
  /** Sum of the headline estimates (`result.savings.tokensSaved`) of the stopped calls. */
  estimatedTokensSaved: number;
  /** Sum of the bounds (`tokensSavedAtMost`) of the stopped calls that had one. */
  upperBoundTokensSaved: number;
  /** What the stopped calls really saved: full output tokens minus tokens produced. */
  trueTokensSaved: number;
}

/** Adds up the outcomes of a cold-start pass (see {@link ColdStartFigures}). */
export function coldStartFigures(outcomes: readonly RecordOutcome[]): ColdStartFigures {
  const figures: ColdStartFigures = {
    calls: outcomes.length,
    stoppedCalls: 0,
    headlines: 0,
    estimatedTokensSaved: 0,
    upperBoundTokensSaved: 0,
    trueTokensSaved: 0,
  };
  for (const outcome of outcomes) {
    if (outcome.stoppedBy === undefined) continue;
    figures.stoppedCalls += 1;
    if (outcome.estimatedTokensSaved !== undefined) {
      figures.headlines += 1;
      figures.estimatedTokensSaved += outcome.estimatedTokensSaved;
    }
    figures.upperBoundTokensSaved += outcome.upperBoundTokensSaved ?? 0;
    figures.trueTokensSaved += Math.max(0, outcome.fullTokens - outcome.producedTokens);
  }
  return figures;
}

/**
 * The cold start's headline over its truth, as the table shows it (`0.84x`); `est/0` when the
 * stops truly saved nothing, `-` when nothing was stopped.
 */
export function coldStartRatio(figures: ColdStartFigures): string {
  if (figures.stoppedCalls === 0) return '-';
  if (figures.trueTokensSaved === 0) return `${Math.round(figures.estimatedTokensSaved)}/0`;
  return `${(figures.estimatedTokensSaved / figures.trueTokensSaved).toFixed(2)}x`;
}
