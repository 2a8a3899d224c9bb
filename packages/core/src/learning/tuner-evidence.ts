import type { StepEvidence } from './choose-step.js';

/** What one call's observations add to one step of a bucket. */
export interface StepDelta {
  readonly step: number;
  readonly observations: number;
  readonly lost: number;
  readonly tokensSaved: number;
}

/** A step's evidence with the tokens its stops would have saved. */
export interface StepTotals extends StepEvidence {
  readonly tokensSaved: number;
}

/**
 * Where the tuner keeps its counts: per bucket key and ladder step, additive counters. Reads are
 * synchronous (a call's start must not wait); an implementation over a shared store keeps a
 * local replica. The memory implementation is {@link createMemoryTunerEvidence}.
 */
export interface TunerEvidence {
  add(bucket: string, deltas: readonly StepDelta[], contributor?: string | undefined): void;
  /** Totals per step of `bucket` (`steps` long; zeros where nothing was seen). */
  read(bucket: string, steps: number): StepTotals[];
  /**
   * Distinct contributors (named users) whose observations the bucket holds, up to a bound; 0
   * when every observation came from calls that named no user.
   */
  contributors(bucket: string): number;
}

/** Options of {@link createMemoryTunerEvidence}. */
export interface MemoryTunerEvidenceOptions {
  /** Buckets kept; the least recently written is dropped past this. Default 10,000. */
  maxBuckets?: number | undefined;
}

const maxContributorsTracked = 64;

/** The in-memory {@link TunerEvidence}: bounded by buckets, counters only. */
export function createMemoryTunerEvidence(options: MemoryTunerEvidenceOptions = {}): TunerEvidence {
  const maxBuckets = options.maxBuckets ?? 10_000;
  const buckets = new Map<string, { steps: Map<number, StepTotals>; contributors: Set<string> }>();
  return {
    add(bucket, deltas, contributor) {
      let entry = buckets.get(bucket);
      if (entry === undefined) {
        if (buckets.size >= maxBuckets) {
          const oldest = buckets.keys().next().value as string;
          buckets.delete(oldest);
        }
        entry = { steps: new Map(), contributors: new Set() };
      } else buckets.delete(bucket);
      // Re-inserted so the map's order is the order of last writes (oldest first).
      buckets.set(bucket, entry);
      for (const delta of deltas) {
        const before = entry.steps.get(delta.step) ?? { observations: 0, lost: 0, tokensSaved: 0 };
        entry.steps.set(delta.step, {
          observations: before.observations + delta.observations,
          lost: before.lost + delta.lost,
          tokensSaved: before.tokensSaved + delta.tokensSaved,
        });
      }
      if (contributor !== undefined && entry.contributors.size < maxContributorsTracked)
        entry.contributors.add(contributor);
    },
    read(bucket, steps) {
      const entry = buckets.get(bucket);
      return Array.from(
        { length: steps },
        (_, step) => entry?.steps.get(step) ?? { observations: 0, lost: 0, tokensSaved: 0 },
      );
    },
    contributors(bucket) {
      return buckets.get(bucket)?.contributors.size ?? 0;
    },
  };
}
