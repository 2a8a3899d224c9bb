import { lossRateUpperBound } from './risk-bound.js';

/** What one bucket has seen of one step of a tuning ladder. */
export interface StepEvidence {
  /** Holdout calls replayed at this step (and feedback verdicts on calls run at it). */
  observations: number;
  /** Of those, calls whose answer this step would have lost. */
  lost: number;
}

/** The tuner's bounds: the loss rate a step may have, and how sure the evidence must be. */
export interface RiskSettings {
  /** The highest acceptable rate of lost answers, e.g. 0.01. */
  risk: number;
  /** Confidence of the upper bound, e.g. 0.9. */
  confidence: number;
  /** Observations a step needs before it can be chosen over the profile's own step. */
  minSamples: number;
}

/** One step's standing, as `client.explain` shows it. */
export interface StepStanding extends StepEvidence {
  /** The upper confidence bound on its loss rate (1 with no evidence). */
  lossBound: number;
  /** Whether it passed: enough observations and a bound at most `risk`. */
  passes: boolean;
}

/** The tuner's choice for one bucket, with the evidence behind it. */
export interface StepChoice {
  /** Index into the ladder (0 = most conservative). */
  step: number;
  /** Why this step: in words, for `explain`. */
  reason: string;
  standings: StepStanding[];
}

/**
 * Picks a bucket's step on a ladder ordered from conservative (0) to aggressive, as
 * Learn-then-Test's fixed-sequence procedure does: steps are tested in order from the most
 * conservative, each against `risk` with its own upper bound, and testing stops at the first
 * that fails; every step before it is certified. Because the order is fixed in advance, the
 * chance that any certified step truly loses more than `risk` stays under `1 - confidence`
 * without a multiple-testing correction.
 *
 * Moves: toward aggressive one step at a time (`current + 1` at most), so a bucket's settings
 * change only as fast as fresh evidence at the new step can come in; toward conservative at once
 * to the last certified step (or the profile's `home` step while nothing is certified), since
 * keeping a step whose bound has risen past `risk` is exactly the loss the bound is there to
 * prevent. Before the most conservative step has `minSamples` observations the profile's own
 * step is kept; once it has them and fails, the most conservative step is used.
 */
export function chooseStep(options: {
  evidence: readonly StepEvidence[];
  current: number;
  home: number;
  settings: RiskSettings;
}): StepChoice {
  const { evidence, current, home, settings } = options;
  const standings = evidence.map((step): StepStanding => {
    const lossBound = lossRateUpperBound({
      lost: step.lost,
      observations: step.observations,
      confidence: settings.confidence,
    });
    return {
      ...step,
      lossBound,
      passes: step.observations >= settings.minSamples && lossBound <= settings.risk,
    };
  });
  let certified = -1;
  while (certified + 1 < standings.length && standings[certified + 1]?.passes) certified += 1;
  if (certified < 0) {
    const first = standings[0];
    if (first === undefined || first.observations < settings.minSamples) {
      return {
        step: home,
        reason: `too little evidence yet (${first?.observations ?? 0} of ${settings.minSamples} observations): the profile's own settings`,
        standings,
      };
    }
    // Enough evidence, and even the most conservative step loses more than `risk`: the ladder
    // cannot do better than its first step, and the profile's own step is proven worse.
    return {
      step: 0,
      reason: `even the most conservative step loses more than ${settings.risk} (bound ${first.lossBound.toFixed(4)}): the most conservative step`,
      standings,
    };
  }
  if (certified > current) {
    const step = current + 1;
    return {
      step,
      reason: `steps up to ${certified} lose at most ${settings.risk} with confidence ${settings.confidence}: one step more aggressive than before`,
      standings,
    };
  }
  if (certified < current) {
    return {
      step: certified,
      reason: `step ${current} no longer holds its bound (${standings[current]?.lossBound.toFixed(4)} > ${settings.risk}): back to the last certified step`,
      standings,
    };
  }
  return { step: current, reason: `the most aggressive certified step at risk ${settings.risk}`, standings };
}
