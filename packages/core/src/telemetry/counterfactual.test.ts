import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  budgetBound,
  conformalInterval,
  holdoutEstimate,
  lengthModelEstimate,
  median,
  summarizeHoldouts,
  summarizeLengths,
} from './counterfactual.js';
import { policyKindKey } from './kind-pool.js';
import { lcg } from './savings-input.test-util.js';

const tuning = { minSamples: 10, coverage: 0.9 };
const point = (position: number, maxOutputTokens?: number) => ({
  position,
  outputTokens: position,
  maxOutputTokens,
});

/** How often the 90% interval from `samples` skewed draws held one more draw, over `trials`. */
function heldShare({ samples, trials, seed }: { samples: number; trials: number; seed: number }): number {
  const random = lcg(seed);
  let held = 0;
  for (let t = 0; t < trials; t++) {
    const draws = Array.from({ length: samples + 1 }, () => Math.exp(random() * 3));
    const fresh = draws.pop() as number;
    const [low, high] = conformalInterval(
      draws.sort((a, b) => a - b),
      0.9,
    );
    if (low <= fresh && fresh <= high) held += 1;
  }
  return held / trials;
}

describe('conformalInterval', () => {
  it('takes the k-th order statistics with k = floor((n + 1) * (1 - coverage) / 2)', () => {
    const sorted = Array.from({ length: 99 }, (_, i) => i + 1); // 1..99
    // k = floor(100 * 0.1 / 2) = 5: the 5th smallest and the 5th largest.
    expect(conformalInterval(sorted, 0.9)).toEqual([5, 95]);
    // Too few samples for k ≥ 1 at this coverage: from nothing left to the largest sample.
    expect(conformalInterval([3, 7, 9], 0.9)).toEqual([0, 9]);
    // At 50% three samples are enough for k = 1: their range.
    expect(conformalInterval([3, 7, 9], 0.5)).toEqual([3, 9]);
  });

  it('holds the nominal rate from fewer samples than two order statistics need', () => {
    // 12 samples at 90%: their range would hold the 13th only 11 times in 13 (0.85).
    expect(heldShare({ samples: 12, trials: 4000, seed: 7 })).toBeGreaterThanOrEqual(0.9);
  });

  it('holds a fresh sample from the same distribution at least at the nominal rate', () => {
    // Exchangeable draws: over many trials the interval from 39 samples holds the 40th ≥ 90%.
    expect(heldShare({ samples: 39, trials: 2000, seed: 1 })).toBeGreaterThanOrEqual(0.88);
  });

  it('median of odd and even lists', () => {
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 4, 10])).toBe(3);
  });
});

describe('holdoutEstimate', () => {
  const samples = (ratios: number[], policy = 'p') =>
    ratios.map((ratio) => ({ policy, stopAt: 100, final: 100 * ratio }));
  const summary = (data: ReturnType<typeof samples>, policy = 'p') =>
    summarizeHoldouts(data).get(policyKindKey(policy, 'complete'));

  it('adds the mean of the tokens holdout calls ran past their would-be stop', () => {
    // Remaining tokens 50, 100, 150, 100, 100, 50, 150, 100, 100, 100: mean 100, largest 150.
    // Ten samples are too few for a lower order statistic at 90%: the interval starts at the
    // tokens produced.
    const data = samples([1.5, 2, 2.5, 2, 2, 1.5, 2.5, 2, 2, 2]);
    expect(holdoutEstimate(summary(data), point(40), tuning)).toMatchObject({
      method: 'holdout',
      value: 140,
      low: 40,
      high: 190,
    });
    // With 20 samples (k = 1), the smallest and the largest.
    const twenty = samples([1.5, 2, 2.5, 2, 2, 1.5, 2.5, 2, 2, 2, 1.6, 2, 2.4, 2, 2, 1.6, 2.4, 2, 2, 2]);
    expect(holdoutEstimate(summary(twenty), point(40), tuning)).toMatchObject({ low: 90, high: 190 });
  });

  it('does not scale the estimate with the stop position (a difference, not a ratio)', () => {
    // Stops early or late, the outputs ran on by about the same amount: an early stop must not
    // be credited with a short remainder, nor a late one with a long one.
    const data = [10, 20, 40, 80, 160, 10, 20, 40, 80, 160].map((stopAt) => ({
      policy: 'p',
      stopAt,
      final: stopAt + 300,
    }));
    const fit = summary(data);
    expect(holdoutEstimate(fit, point(10), tuning)?.value).toBe(310);
    expect(holdoutEstimate(fit, point(160), tuning)?.value).toBe(460);
  });

  it('sums to the truth over calls exchangeable with the holdout calls (property)', () => {
    // Whatever the joint law of (stop, final), p + mean(remaining) has the stopped calls' mean:
    // estimating each held-out sample from the others (leave-one-out) sums to the true total.
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ stopAt: fc.integer({ min: 1, max: 400 }), extra: fc.integer({ min: 0, max: 3000 }) }),
          {
            minLength: 12,
            maxLength: 40,
          },
        ),
        (raw) => {
          const data = raw.map(({ stopAt, extra }) => ({ policy: 'p', stopAt, final: stopAt + extra }));
          let estimated = 0;
          let truth = 0;
          for (const [index, call] of data.entries()) {
            const others = summary(data.filter((_, other) => other !== index));
            // Unclamped: read the mean off the summary so rounding does not blur the identity.
            estimated += call.stopAt + (others?.meanRemaining ?? 0);
            truth += call.final;
          }
          // Σ over i of mean(others) = Σ remaining exactly (each sample counted n - 1 times / (n - 1)).
          expect(estimated).toBeCloseTo(truth, 6);
        },
      ),
    );
  });

  it('uses only samples of the same policy, and needs minSamples of them', () => {
    const mixed = [...samples([2, 2, 2, 2, 2], 'p'), ...samples([9, 9, 9, 9, 9], 'q')];
    expect(holdoutEstimate(summary(mixed), point(40), tuning)).toBeUndefined();
    expect(holdoutEstimate(summary(mixed), point(40), { ...tuning, minSamples: 5 })?.value).toBe(140);
    expect(holdoutEstimate(summary(mixed, 'q'), point(40), { ...tuning, minSamples: 5 })?.value).toBe(840);
    expect(holdoutEstimate(undefined, point(40), tuning)).toBeUndefined();
  });

  it('never goes below the tokens produced nor above the provider cap', () => {
    const estimate = holdoutEstimate(
      summary(samples([1, 1, 1, 1, 1, 5, 5, 5, 5, 5])),
      point(50, 120),
      tuning,
    );
    expect(estimate?.low).toBe(50);
    expect(estimate?.high).toBe(120);
    expect(estimate?.value).toBeLessThanOrEqual(120);
  });

  it('keeps low ≤ value ≤ high for any samples (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ stopAt: fc.integer({ min: 1, max: 500 }), extra: fc.integer({ min: 0, max: 5000 }) }),
          { minLength: 10, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 800 }),
        fc.option(fc.integer({ min: 1, max: 4000 }), { nil: undefined }),
        (raw, position, cap) => {
          const data = raw.map(({ stopAt, extra }) => ({ policy: 'p', stopAt, final: stopAt + extra }));
          const estimate = holdoutEstimate(summary(data), point(position, cap), tuning);
          expect(estimate).toBeDefined();
          if (!estimate) return;
          expect(estimate.low).toBeLessThanOrEqual(estimate.value);
          expect(estimate.value).toBeLessThanOrEqual(estimate.high);
          expect(estimate.low).toBeGreaterThanOrEqual(position);
          if (cap !== undefined) expect(estimate.high).toBeLessThanOrEqual(Math.max(cap, position));
        },
      ),
    );
  });
});

describe('lengthModelEstimate', () => {
  it('conditions on lengths longer than where the call stopped, and takes their mean', () => {
    const lengths = [5, 10, 20, 30, ...Array.from({ length: 21 }, (_, i) => 100 + i * 10)]; // 100..300
    const estimate = lengthModelEstimate(summarizeLengths(lengths), point(50), tuning);
    // Only the 21 lengths above 50 count: mean 200, k = floor(22 * 0.05) = 1 → [100, 300].
    expect(estimate).toEqual({ value: 200, low: 100, high: 300, method: 'length-model' });
  });

  it('uses the conditional mean, not the median, for skewed lengths', () => {
    // Ten lengths of 200 and two of 2,000 above the stop: median 200, mean 500.
    const lengths = [...Array.from({ length: 10 }, () => 200), 2000, 2000, 10, 20];
    expect(lengthModelEstimate(summarizeLengths(lengths), point(100), tuning)?.value).toBe(500);
  });

  it('agrees with a direct filter-and-sort for any lengths (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 3000 }),
        (lengths, position) => {
          const longer = lengths.filter((length) => length > position).sort((a, b) => a - b);
          const estimate = lengthModelEstimate(summarizeLengths(lengths), point(position), tuning);
          if (longer.length < tuning.minSamples) {
            expect(estimate).toBeUndefined();
            return;
          }
          const [low, high] = conformalInterval(longer, tuning.coverage);
          const mean = longer.reduce((sum, length) => sum + length, 0) / longer.length;
          // No lower order statistic (too few lengths): the length is at least what was produced.
          const from = low === 0 ? position : low;
          expect(estimate).toEqual({ value: Math.round(mean), low: from, high, method: 'length-model' });
        },
      ),
    );
  });

  it('gives nothing with fewer than minSamples longer lengths', () => {
    const lengths = Array.from({ length: 50 }, (_, i) => i); // all ≤ 49
    expect(lengthModelEstimate(summarizeLengths([...lengths, 60, 70]), point(50), tuning)).toBeUndefined();
  });
});

describe('budgetBound', () => {
  it('is the cap as value and high: an upper bound', () => {
    expect(budgetBound({ position: 40, outputTokens: 42, maxOutputTokens: 500 })).toEqual({
      value: 500,
      low: 42,
      high: 500,
      method: 'budget-bound',
    });
    expect(budgetBound(point(40))).toBeUndefined();
  });
});
