import { censoredQuantile, upperQuantileLevel, type WeightedLengthSample } from './length-estimate.js';
import { type LengthSample, samplesAdded } from './length-history.js';

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

type Sample = LengthSample & { readonly weight?: number | undefined };

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
 * Over a memory store's lists, a prediction is reused until a list has grown by 1/32 of its
 * length (every change under 32 samples).
 */
export function predictLength(
  phase: 'reasoning' | 'answer',
  history: PhaseHistory,
  keys: { user: string | undefined; fine: string; coarse: string },
  settings: PredictionSettings,
): LengthPrediction {
  const { user, fine, coarse } = history;
  const added = [addedCount(user), addedCount(fine), addedCount(coarse)] as const;
  // Only lists whose changes can be counted (the memory store's) are cached.
  if (added[0] === undefined || added[1] === undefined || added[2] === undefined) {
    return computePrediction(phase, history, keys, settings);
  }
  const anchor = fine.length > 0 ? fine : coarse.length > 0 ? coarse : user;
  const entries = cachedPredictions.get(anchor) ?? [];
  const lists = [user, fine, coarse] as const;
  // Plain loops, not closures and `every`: a call predicts twice, before its first token.
  for (const entry of entries) {
    if (sameCall(entry, settings, phase, keys) && fresh(entry, lists, added)) return entry.prediction;
  }
  const prediction = Object.freeze(computePrediction(phase, history, keys, settings));
  const kept = entries.filter((entry) => !sameCall(entry, settings, phase, keys));
  kept.push({ settings, phase, keys, lists, added: added as readonly number[], prediction });
  cachedPredictions.set(anchor, kept.slice(-8));
  return prediction;
}

/** Same settings object, phase and keys (no string built per call). */
function sameCall(
  entry: CachedPrediction,
  settings: PredictionSettings,
  phase: 'reasoning' | 'answer',
  keys: { user: string | undefined; fine: string; coarse: string },
): boolean {
  return (
    entry.settings === settings &&
    entry.phase === phase &&
    entry.keys.fine === keys.fine &&
    entry.keys.coarse === keys.coarse &&
    entry.keys.user === keys.user
  );
}

/** The same lists, none grown too much since the prediction was made. */
function fresh(
  entry: CachedPrediction,
  lists: readonly (readonly LengthSample[])[],
  added: readonly (number | undefined)[],
): boolean {
  for (let i = 0; i < lists.length; i += 1) {
    const list = lists[i] as readonly LengthSample[];
    if (entry.lists[i] !== list) return false;
    if ((added[i] as number) - (entry.added[i] as number) > Math.floor(list.length / refreshEvery))
      return false;
  }
  return true;
}

/** Samples added to a list so far: 0 for an empty frozen list, undefined when unknown. */
function addedCount(list: readonly LengthSample[]): number | undefined {
  return list.length === 0 && Object.isFrozen(list) ? 0 : samplesAdded(list);
}

// A cached prediction is reused until a list has received more than 1/32 of its length in new
// samples: a high quantile over hundreds of lengths barely moves with one more, and recomputing
// (copy, sort, Kaplan-Meier) for every call cost more than the rest of a call's setup. Lists
// under 32 samples, where one sample matters, are recomputed on every change.
const refreshEvery = 32;

interface CachedPrediction {
  readonly settings: PredictionSettings;
  readonly phase: 'reasoning' | 'answer';
  readonly keys: { readonly user: string | undefined; readonly fine: string; readonly coarse: string };
  readonly lists: readonly (readonly LengthSample[])[];
  readonly added: readonly number[];
  readonly prediction: LengthPrediction;
}

/** Predictions by the list they were computed from (the finest non-empty level). */
const cachedPredictions = new WeakMap<readonly LengthSample[], CachedPrediction[]>();

function computePrediction(
  phase: 'reasoning' | 'answer',
  history: PhaseHistory,
  keys: { user: string | undefined; fine: string; coarse: string },
  settings: PredictionSettings,
): LengthPrediction {
  // Levels from the finest; each one's samples are built only when it is tried (most calls stop
  // at the first), and the user level only exists when the call has a user with history.
  const levels: Array<[PredictionLevel, string | undefined, () => readonly Sample[]]> = [];
  if (keys.user !== undefined && history.user.length > 0) {
    const { user } = keys;
    levels.push([
      'user',
      user,
      () => [...weighted(history.fine, 1), ...weighted(history.user, settings.userWeight)],
    ]);
  }
  // Samples without a weight weigh 1: the store's own lists, not a copy.
  levels.push(['fine', keys.fine, () => history.fine]);
  levels.push(['coarse', keys.coarse, () => history.coarse]);
  for (const [level, key, samplesOf] of levels) {
    const samples = samplesOf();
    let naturalCount = 0;
    for (const sample of samples) if (!sample.censored) naturalCount += 1;
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
