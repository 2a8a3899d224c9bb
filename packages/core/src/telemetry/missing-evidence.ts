import type { StopKind } from '../policy.js';
import type { Buckets } from './choose-counterfactual.js';
import { type CounterfactualTuning, firstAbove, type StopPoint } from './counterfactual.js';
import type { SavingsSummaries } from './savings-summaries.js';

/** What a stop with no estimate lacks when its bucket has seen nothing at all. */
export const noHistoryYet = 'no history for this bucket yet (holdout calls or finished calls of its kind)';

/**
 * Why a stop got no point estimate, in terms of the evidence its kind needs (see
 * `counterfactualOf`): a bucket that has seen calls is not told it has "no history" when what it
 * lacks is holdout calls of one kind, or calls that ran as far as this one was cut.
 */
export function missingEvidence(
  summaries: SavingsSummaries,
  { own }: Buckets,
  kind: StopKind | undefined,
  point: StopPoint,
  tuning: CounterfactualTuning,
): string {
  const lengths = summaries.lengths(own).sorted;
  if (lengths.length === 0) return noHistoryYet;
  const floor = Math.max(point.position, point.outputTokens);
  switch (kind ?? 'complete') {
    case 'runaway':
      return `no holdout call of this bucket has yet run away past ${floor} tokens (a loop, an overlong answer): nothing shows where such an output ends`;
    case 'cap': {
      const longer = lengths.length - firstAbove(lengths, floor);
      return `${longer} of the ${tuning.minSamples} calls of this bucket needed have run past ${floor} tokens (holdout calls or calls that ended on their own)`;
    }
    case 'complete':
      return 'no holdout call of this bucket has yet measured how far an answer runs on after a stop like this one';
  }
}
