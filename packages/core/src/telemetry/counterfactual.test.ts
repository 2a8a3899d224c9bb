import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  budgetBound,
  conformalInterval,
  holdoutEstimate,
  lengthModelEstimate,
  median,
} from './counterfactual.js';

const tuning = { minSamples: 10, coverage: 0.9 };
const point = (position: number, maxOutputTokens?: number) => ({
  position,
  outputTokens: position,
  maxOutputTokens,
});

describe('conformalInterval', () => {
  it('takes the k-th order statistics with k = floor((n + 1) * (1 - coverage) / 2)', () => {
    const sorted = Array.from({ length: 99 }, (_, i) => i + 1); // 1..99
    // k = floor(100 * 0.1 / 2) = 5: the 5th smallest and the 5th largest.
    expect(conformalInterval(sorted, 0.9)).toEqual([5, 95]);
    // Too few samples for k ≥ 1 at this coverage: the whole range.
    expect(conformalInterval([3, 7, 9], 0.9)).toEqual([3, 9]);
  });

  it('holds a fresh sample from the same distribution at least at the nominal rate', () => {
    // Exchangeable draws: over many trials the interval from 39 samples holds the 40th ≥ 90%.
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let held = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const draws = Array.from({ length: 40 }, () => Math.exp(random() * 3));
      const fresh = draws.pop() as number;
      const [low, high] = conformalInterval(
        draws.sort((a, b) => a - b),
        0.9,
      );
      if (low <= fresh && fresh <= high) held += 1;
    }
    expect(held / trials).toBeGreaterThanOrEqual(0.88);
  });

  it('median of odd and even lists', () => {
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 4, 10])).toBe(3);
  });
});

describe('holdoutEstimate', () => {
  const samples = (ratios: number[], policy = 'p') =>
    ratios.map((ratio) => ({ policy, stopAt: 100, final: 100 * ratio }));

  it('scales the stop position by the pooled ratio Σfinal / Σstop', () => {
    const estimate = holdoutEstimate(samples([1.5, 2, 2.5, 2, 2, 1.5, 2.5, 2, 2, 2]), 'p', point(40), tuning);
    expect(estimate).toMatchObject({ method: 'holdout', value: 80, low: 60, high: 100 });
  });

  it('uses only samples of the same policy, and needs minSamples of them', () => {
    const mixed = [...samples([2, 2, 2, 2, 2], 'p'), ...samples([9, 9, 9, 9, 9], 'q')];
    expect(holdoutEstimate(mixed, 'p', point(40), tuning)).toBeUndefined();
    expect(holdoutEstimate(mixed, 'p', point(40), { ...tuning, minSamples: 5 })?.value).toBe(80);
  });

  it('never goes below the tokens produced nor above the provider cap', () => {
    const estimate = holdoutEstimate(samples([1, 1, 1, 1, 1, 5, 5, 5, 5, 5]), 'p', point(50, 120), tuning);
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
          const estimate = holdoutEstimate(data, 'p', point(position, cap), tuning);
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
  it('conditions on lengths longer than where the call stopped', () => {
    const lengths = [5, 10, 20, 30, ...Array.from({ length: 21 }, (_, i) => 100 + i * 10)]; // 100..300
    const estimate = lengthModelEstimate(lengths, point(50), tuning);
    // Only the 21 lengths above 50 count: median 200, k = floor(22 * 0.05) = 1 → [100, 300].
    expect(estimate).toEqual({ value: 200, low: 100, high: 300, method: 'length-model' });
  });

  it('gives nothing with fewer than minSamples longer lengths', () => {
    const lengths = Array.from({ length: 50 }, (_, i) => i); // all ≤ 49
    expect(lengthModelEstimate([...lengths, 60, 70], point(50), tuning)).toBeUndefined();
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
