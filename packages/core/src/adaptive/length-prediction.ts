import { censoredQuantile, upperQuantileLevel, type WeightedLengthSample } from './length-estimate.js';
import type { LengthSample } from './length-history.js';

/** Which history a prediction came from. */
export type PredictionLevel = 'user' | 'fine' | 'coarse' | 'prior' | 'none';

/** A phase's predicted length, before the call. */
export interface LengthPrediction {
  readonly phase: 'reasoning' | 'answer';
  /** The history key used (undefined for `prior` and `none`). */
  readonly key: string | undefined;
  /**
   * `user`: the user's own lengths pooled with the bucket's; `fine`: the bucket with the
   * prompt's size class; `coarse`: the bucket without it; `prior`: no history, the configured
   * prior; `none`: no history and no prior, so no budget (the conservative default).
   */
  readonly level: PredictionLevel;
  /** The quantile of the length (its upper confidence bound), in tokens (undefined for `none`). */
  readonly quantileTokens: number | undefined;
  /** True when the history does not reach the quantile and `quantileTokens` is a lower bound. */
  readonly lowerBound: boolean;
  readonly naturals: number;
  readonly censored: number;
  /** `quantileTokens × slack` (or the prior): multiplied by `view.budgetScale` during the call. */
  readonly baseBudget: number | undefined;
}

/** The samples of one phase under each key, as loaded from the store. */
export interface PhaseHistory {
  readonly user: readonly LengthSample[];
  readonly fine: readonly LengthSample[];
  readonly coarse: readonly LengthSample[];
}

/** Settings a prediction needs (validated by the policy factory). */
export interface PredictionSettings {
  readonly quantile: number;
  readonly confidence: number;
  readonly slack: number;
  readonly minSamples: number;
  readonly userWeight: number;
  readonly priorTokens: number | undefined;
}

const weighted = (samples: readonly LengthSample[], weight: number): WeightedLengthSample[] =>
  samples.map((sample) => ({
    tokens: sample.tokens,
    censored: sample.censored,
    runaway: sample.runaway,
    weight,
  }));

/**
 * Predicts a phase's length budget from its history, trying the finest level with at least
 * `minSamples` natural ends and enough of them to bound the quantile from above with
 * `confidence` (see {@link upperQuantileLevel}): the user's lengths pooled with their bucket's (the user's count
 * `userWeight` times), then the bucket with the prompt's size class, then without it, then the
 * prior. The quantile is a Kaplan–Meier one, so calls cut short count as "at least this long".
 */
export function predictLength(
  phase: 'reasoning' | 'answer',
  history: PhaseHistory,
  keys: { user: string | undefined; fine: string; coarse: string },
  settings: PredictionSettings,
): LengthPrediction {
  const levels: Array<[PredictionLevel, string | undefined, WeightedLengthSample[]]> = [
    ['user', keys.user, [...weighted(history.fine, 1), ...weighted(history.user, settings.userWeight)]],
    ['fine', keys.fine, weighted(history.fine, 1)],
    ['coarse', keys.coarse, weighted(history.coarse, 1)],
  ];
  for (const [level, key, samples] of levels) {
    if (level === 'user' && (key === undefined || history.user.length === 0)) continue;
    const naturalCount = samples.filter((sample) => !sample.censored).length;
    if (naturalCount < settings.minSamples) continue;
    const bound = upperQuantileLevel(naturalCount, settings.quantile, settings.confidence);
    const found = bound === undefined ? undefined : censoredQuantile(samples, bound);
    if (!found) continue;
    return {
      phase,
      key,
      level,
      quantileTokens: found.tokens,
      lowerBound: found.lowerBound,
      naturals: found.naturals,
      censored: found.censored,
      baseBudget: found.tokens * settings.slack,
    };
  }
  const prior = settings.priorTokens;
  return {
    phase,
    key: undefined,
    level: prior === undefined ? 'none' : 'prior',
    quantileTokens: prior,
    lowerBound: false,
    naturals: 0,
    censored: 0,
    baseBudget: prior,
  };
}
