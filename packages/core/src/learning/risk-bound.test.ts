import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialCdf, lossRateUpperBound } from './risk-bound.js';

describe('lossRateUpperBound', () => {
  it('matches published Clopper-Pearson bounds', () => {
    // The "rule of three": 0 of n at 95% is about 3/n.
    expect(lossRateUpperBound({ lost: 0, observations: 300, confidence: 0.95 })).toBeCloseTo(0.00994, 4);
    // 1 of 100 at 95%, one-sided: 0.04656 (scipy.stats.beta.ppf(0.95, 2, 99)).
    expect(lossRateUpperBound({ lost: 1, observations: 100, confidence: 0.95 })).toBeCloseTo(0.04656, 4);
    // 5 of 50 at 90%, one-sided: 0.17762 (scipy.stats.beta.ppf(0.9, 6, 45)).
    expect(lossRateUpperBound({ lost: 5, observations: 50, confidence: 0.9 })).toBeCloseTo(0.17762, 4);
  });

  it('is 1 with no evidence, grows with losses and shrinks with observations', () => {
    expect(lossRateUpperBound({ lost: 0, observations: 0, confidence: 0.9 })).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 399 }), (n, k) => {
        const lost = Math.min(k, n - 1);
        const bound = lossRateUpperBound({ lost, observations: n, confidence: 0.9 });
        expect(bound).toBeGreaterThanOrEqual(lost / n);
        expect(lossRateUpperBound({ lost: lost + 1, observations: n, confidence: 0.9 })).toBeGreaterThan(
          bound,
        );
        expect(lossRateUpperBound({ lost, observations: n + 1, confidence: 0.9 })).toBeLessThan(bound);
      }),
    );
  });

  it('holds the true rate at least as often as it claims (exact coverage over every outcome)', () => {
    for (const [n, p] of [
      [50, 0.01],
      [200, 0.02],
      [400, 0.1],
    ] as const) {
      // Sum the probability of every count whose bound falls below the true rate.
      let missed = 0;
      for (let k = 0; k <= n; k++) {
        if (lossRateUpperBound({ lost: k, observations: n, confidence: 0.9 }) < p)
          missed += binomialCdf(k, n, p) - (k > 0 ? binomialCdf(k - 1, n, p) : 0);
      }
      expect(missed).toBeLessThanOrEqual(0.1 + 1e-9);
    }
  });

  it('refuses counts that cannot be', () => {
    expect(() => lossRateUpperBound({ lost: 3, observations: 2, confidence: 0.9 })).toThrow(/lost/);
    expect(() => lossRateUpperBound({ lost: 0, observations: 2, confidence: 1 })).toThrow(/confidence/);
  });
});
