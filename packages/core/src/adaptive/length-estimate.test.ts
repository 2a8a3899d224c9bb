import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { censoredQuantile, upperQuantileLevel, type WeightedLengthSample } from './length-estimate.js';

const natural = (tokens: number, weight = 1): WeightedLengthSample => ({ tokens, censored: false, weight });
const cut = (tokens: number, weight = 1): WeightedLengthSample => ({ tokens, censored: true, weight });

describe('censoredQuantile (Kaplan–Meier)', () => {
  it('without censoring is the empirical quantile', () => {
    const samples = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((t) => natural(t));
    expect(censoredQuantile(samples, 0.5)?.tokens).toBe(50);
    expect(censoredQuantile(samples, 0.9)?.tokens).toBe(90);
    expect(censoredQuantile(samples, 0.95)?.tokens).toBe(100);
    expect(censoredQuantile(samples, 0.95)?.lowerBound).toBe(false);
  });

  it('moves a cut-short sample onto the natural ends above it', () => {
    // Naturals alone: median 10. The call cut at 15 ran at least 15 tokens, so half the mass is above 15.
    const found = censoredQuantile([natural(5), natural(10), cut(15), natural(20), natural(30)], 0.5);
    expect(found?.tokens).toBe(20);
    expect(found).toMatchObject({ naturals: 4, censored: 1 });
  });

  it('reports a lower bound when the quantile lies beyond the natural ends', () => {
    const found = censoredQuantile([natural(10), cut(50), cut(60), cut(70)], 0.9);
    expect(found).toMatchObject({ tokens: 70, lowerBound: true });
  });

  it('weights count as repeated samples', () => {
    const weighted = censoredQuantile([natural(10, 1), natural(100, 3)], 0.5);
    const repeated = censoredQuantile([natural(10), natural(100), natural(100), natural(100)], 0.5);
    expect(weighted?.tokens).toBe(repeated?.tokens);
    expect(weighted?.tokens).toBe(100);
  });

  it('is undefined with no usable samples', () => {
    expect(censoredQuantile([], 0.5)).toBeUndefined();
    expect(censoredQuantile([natural(5, 0)], 0.5)).toBeUndefined();
  });

  it('cut-short samples never lower a quantile (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 60 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (ends, cuts, q) => {
          const alone = censoredQuantile(
            ends.map((t) => natural(t)),
            q,
          );
          const withCuts = censoredQuantile([...ends.map((t) => natural(t)), ...cuts.map((t) => cut(t))], q);
          expect(withCuts?.tokens).toBeGreaterThanOrEqual(alone?.tokens ?? 0);
        },
      ),
    );
  });
});

describe('censoredQuantile beyond the data', () => {
  it('bounds the quantile by the longest call that ended or was complete, not by runaways', () => {
    const found = censoredQuantile(
      [
        natural(10),
        natural(20),
        cut(30),
        { tokens: 500, censored: true, runaway: true, weight: 1 },
        { tokens: 900, censored: true, runaway: true, weight: 1 },
      ],
      0.9,
    );
    expect(found).toMatchObject({ tokens: 30, lowerBound: true });
  });
});

describe('upperQuantileLevel', () => {
  it('asks for a higher rank with fewer samples, and for enough samples at all', () => {
    expect(upperQuantileLevel(44, 0.95, 0.9)).toBeUndefined();
    expect(upperQuantileLevel(45, 0.95, 0.9)).toBe(1);
    expect(upperQuantileLevel(100, 0.95, 0.9)).toBe(0.99);
    expect(upperQuantileLevel(10, 0.5, 0.9)).toBe(0.8);
    expect(upperQuantileLevel(1000, 0.5, 0.9)).toBeCloseTo(0.521);
    expect(upperQuantileLevel(20, 0.9, 0)).toBe(0.9);
  });

  it('is a real upper bound: the sample at that rank is at or above the true quantile at least `confidence` of the time', () => {
    // Uniform lengths on [0, 1): the true q-quantile is q.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const trials = 2000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const samples = Array.from({ length: 60 }, () => natural(random()));
      const level = upperQuantileLevel(60, 0.9, 0.9) as number;
      if ((censoredQuantile(samples, level)?.tokens ?? 0) >= 0.9) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.88);
  });
});
