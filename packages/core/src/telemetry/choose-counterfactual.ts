import type { StopKind } from '../policy.js';
import {
  budgetBound,
  type CounterfactualTuning,
  fewHoldoutsEstimate,
  fewRunawayHoldoutsEstimate,
  holdoutEstimate,
  lengthModelEstimate,
  runawayEstimate,
  type StopPoint,
} from './counterfactual.js';
import { kindPoolKey, policyKindKey } from './kind-pool.js';
import { pooledHoldoutEstimate, pooledLengthEstimate } from './pooled-counterfactual.js';
import type { CounterfactualEstimate } from './savings.js';
import type { SavingsSummaries } from './savings-summaries.js';

/** Where a call's evidence is: its own bucket, and the wider pools it may borrow from. */
export interface Buckets {
  own: string;
  pools: readonly string[];
}

/**
 * `holdout` from the call's own bucket alone once it has `minSamples` samples (of the stopping
 * policy, else of every policy of the stop's kind); else the same borrowed from the first pool
 * that has them (see {@link pooledHoldoutEstimate}).
 */
function holdoutFromEvidence(
  summaries: SavingsSummaries,
  { own, pools }: Buckets,
  keys: readonly [string | undefined, string],
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  for (const key of keys) {
    const calibrated = holdoutEstimate(summaries.holdouts(own, key), point, tuning);
    if (calibrated !== undefined) return calibrated;
  }
  for (const pool of pools) {
    for (const key of keys) {
      const mine = summaries.holdouts(own, key);
      const borrowed = pooledHoldoutEstimate(mine, summaries.holdouts(pool, key), pool, point, tuning);
      if (borrowed !== undefined) return borrowed;
    }
  }
  return undefined;
}

/** The length model from the call's own bucket, else borrowed from the first pool that can. */
function lengthModelFromEvidence(
  summaries: SavingsSummaries,
  { own, pools }: Buckets,
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  const mine = summaries.lengths(own);
  const direct = lengthModelEstimate(mine, point, tuning);
  if (direct !== undefined) return direct;
  for (const pool of pools) {
    const borrowed = pooledLengthEstimate(mine, summaries.lengths(pool), pool, point, tuning);
    if (borrowed !== undefined) return borrowed;
  }
  return undefined;
}

/**
 * The counterfactual of a stop, best evidence first:
 * 1. `holdout` of the stopping policy itself (its stops of this kind: a cap's stops of a looping
 *    output are `runaway`, see the runner), once it has `minSamples` samples; else of every
 *    policy of its kind pooled (`StopDecision.kind`), once they have `minSamples`; else, for a
 *    call in its own bucket (`metadata.bucket`), the same with what the bucket lacks borrowed
 *    from the model's pool;
 * 2. for a runaway stop (a loop, a blown length budget), the cap it would have run on to
 *    (`runawayEstimate`, an upper bound): the length model knows natural ends, which such an
 *    output was not heading for, and would say it had almost nothing left;
 * 3. for a token or time cap, the length model (its assumption holds; borrowing from the
 *    model's pool when the bucket has too few lengths), then the call's cap;
 * 4. for any other stop (a completed answer), the mean of the few holdout samples of its class
 *    when there are some (unbiased, where the length model overstates what a completed answer
 *    had left), its interval widened to the length model's or cap's; else only the cap, a
 *    bound (no headline).
 */
export function counterfactualOf(
  summaries: SavingsSummaries,
  buckets: Buckets,
  { stoppedBy, stopKind }: { stoppedBy: string | undefined; stopKind?: StopKind | undefined },
  point: StopPoint,
  tuning: CounterfactualTuning,
): CounterfactualEstimate | undefined {
  const kind = stopKind ?? 'complete';
  const poolKey = kindPoolKey(kind);
  const policyKey = stoppedBy === undefined ? undefined : policyKindKey(stoppedBy, kind);
  const calibrated = holdoutFromEvidence(summaries, buckets, [policyKey, poolKey], point, tuning);
  if (calibrated !== undefined) return calibrated;
  const { own } = buckets;
  const pooled = summaries.holdouts(own, poolKey);
  if (kind === 'runaway') {
    const cap = runawayEstimate(point, summaries.capped(own));
    return fewRunawayHoldoutsEstimate(pooled, point, cap) ?? cap;
  }
  const lengthModel = lengthModelFromEvidence(summaries, buckets, point, tuning);
  if (kind === 'cap') return lengthModel ?? budgetBound(point);
  // A completed answer has a short rest, which the length model (lengths of whole outputs longer
  // than here) does not know: on AIME it said 10 to 19 times what stopOn('\n\n') saved, since the
  // outputs long enough were those still thinking. So it only widens the interval of a few
  // holdout samples; with none, the stop has a bound and no headline.
  const widen = lengthModel ?? budgetBound(point);
  return fewHoldoutsEstimate(pooled, point, widen) ?? budgetBound(point);
}
