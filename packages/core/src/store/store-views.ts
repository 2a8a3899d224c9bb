import type { LengthHistoryStore, LengthSample } from '../adaptive/length-history.js';
import type { StepDelta, StepTotals, TunerEvidence } from '../learning/tuner-evidence.js';
import {
  type HistoryKind,
  type HoldoutSample,
  isRecordableHoldout,
  isRecordableLength,
  type SavingsHistory,
} from '../telemetry/savings-history.js';
import type { LearningStore, StoreValue } from './learning-store.js';

// The three concepts over one store, each under its own key prefix so they never collide.
const prefixes = { tuner: 'tuner:', length: 'length:', savings: 'savings:' } as const;

const maxContributorsTracked = 64;

/**
 * The tuner's evidence in a {@link LearningStore}: per bucket one set of counters, `<step>:o`
 * (observations), `<step>:l` (lost answers), `<step>:t` (tokens saved), and `u:<user>` for each
 * contributor (up to 64). Many instances add to the same counters.
 */
export function tunerEvidenceIn(store: LearningStore): TunerEvidence {
  return {
    add(bucket, deltas: readonly StepDelta[], contributor) {
      const key = prefixes.tuner + bucket;
      const update: Record<string, number> = {};
      for (const delta of deltas) {
        update[`${delta.step}:o`] = (update[`${delta.step}:o`] ?? 0) + delta.observations;
        update[`${delta.step}:l`] = (update[`${delta.step}:l`] ?? 0) + delta.lost;
        update[`${delta.step}:t`] = (update[`${delta.step}:t`] ?? 0) + delta.tokensSaved;
      }
      if (contributor !== undefined) {
        const known = store.counters(key) ?? {};
        const field = `u:${contributor}`;
        if (field in known || contributorsOf(known) < maxContributorsTracked) update[field] = 0;
      }
      store.increment(key, update);
    },
    read(bucket, steps): StepTotals[] {
      const counters = store.counters(prefixes.tuner + bucket) ?? {};
      return Array.from({ length: steps }, (_, step) => ({
        observations: counters[`${step}:o`] ?? 0,
        lost: counters[`${step}:l`] ?? 0,
        tokensSaved: counters[`${step}:t`] ?? 0,
      }));
    },
    contributors(bucket) {
      return contributorsOf(store.counters(prefixes.tuner + bucket) ?? {});
    },
  };
}

function contributorsOf(counters: Readonly<Record<string, number>>): number {
  let count = 0;
  for (const field in counters) if (field.startsWith('u:')) count += 1;
  return count;
}

/** Options of {@link savingsHistoryIn}. */
export interface StoreSavingsHistoryOptions {
  /** Samples kept per bucket and kind. Default 500, as in memory. */
  samplesPerBucket?: number | undefined;
}

/**
 * The savings estimator's calibration in a {@link LearningStore}: per bucket three lists, the
 * lengths of calls that ended on their own, the lengths the provider's cap cut, and holdout
 * samples (where a policy would have stopped, how long the call ran).
 */
export function savingsHistoryIn(
  store: LearningStore,
  options: StoreSavingsHistoryOptions = {},
): SavingsHistory {
  const max = options.samplesPerBucket ?? 500;
  const key = (bucket: string, kind: HistoryKind) => `${prefixes.savings}${bucket}:${kind}`;
  return {
    // The same checks as the in-memory history: a store-backed client must not learn samples
    // (a NaN length, a would-be stop at token 0) that the default one drops.
    recordLength(bucket, tokens) {
      if (isRecordableLength(tokens)) store.append(key(bucket, 'lengths'), tokens, max);
    },
    recordCappedLength(bucket, tokens) {
      if (isRecordableLength(tokens)) store.append(key(bucket, 'capped'), tokens, max);
    },
    recordHoldout(bucket, sample) {
      if (!isRecordableHoldout(sample)) return;
      const value: Record<string, StoreValue> = {
        policy: sample.policy,
        stopAt: sample.stopAt,
        final: sample.final,
      };
      if (sample.kind !== undefined) value.kind = sample.kind;
      store.append(key(bucket, 'holdouts'), value, max);
    },
    lengths(bucket) {
      return store.list(key(bucket, 'lengths')) as readonly number[];
    },
    cappedLengths(bucket) {
      return store.list(key(bucket, 'capped')) as readonly number[];
    },
    holdouts(bucket) {
      return store.list(key(bucket, 'holdouts')) as unknown as readonly HoldoutSample[];
    },
    coverageShift(bucket) {
      return store.counters(`${prefixes.savings}${bucket}:coverage`)?.shift ?? 0;
    },
    shiftCoverage(bucket, delta) {
      store.increment(`${prefixes.savings}${bucket}:coverage`, { shift: delta });
    },
    revision(bucket, kind) {
      return store.revision(key(bucket, kind));
    },
  };
}

/** Options of {@link lengthHistoryIn}. */
export interface StoreLengthHistoryOptions {
  /** Samples kept per key. Default 256, as in memory. */
  samplesPerKey?: number | undefined;
}

/** Adaptive length's history in a {@link LearningStore}: one list of length samples per key. */
export function lengthHistoryIn(
  store: LearningStore,
  options: StoreLengthHistoryOptions = {},
): LengthHistoryStore {
  const max = options.samplesPerKey ?? 256;
  return {
    get(key) {
      return store.list(prefixes.length + key) as unknown as readonly LengthSample[];
    },
    add(key, sample) {
      const value: Record<string, StoreValue> = { tokens: sample.tokens, censored: sample.censored };
      if (sample.runaway !== undefined) value.runaway = sample.runaway;
      store.append(prefixes.length + key, value, max);
    },
  };
}
