import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { savingsHistoryIn } from '../store/store-views.js';
import { createAdaptiveCoverage } from './adaptive-coverage.js';
import { conformalInterval } from './counterfactual.js';
import { createSavingsEstimator } from './estimate-savings.js';
import { loadPriceData } from './prices.js';
import { heldOutCall, lcg, policyStop } from './savings-input.test-util.js';

describe('createAdaptiveCoverage', () => {
  it('widens a bucket after a miss, narrows it back after hits, never below the nominal coverage', () => {
    const coverage = createAdaptiveCoverage({ coverage: 0.9 });
    expect(coverage.coverageFor('b')).toBe(0.9);
    coverage.observe('b', false);
    // α: 0.1 + 0.05 · (0.1 − 1) = 0.055.
    expect(coverage.coverageFor('b')).toBeCloseTo(0.945, 9);
    // Other buckets are not moved by it.
    expect(coverage.coverageFor('other')).toBe(0.9);
    for (let i = 0; i < 8; i++) coverage.observe('b', true);
    expect(coverage.coverageFor('b')).toBeCloseTo(0.905, 9);
    for (let i = 0; i < 20; i++) coverage.observe('b', true);
    expect(coverage.coverageFor('b')).toBe(0.9);
  });

  it('is shared by the instances of an app through their store, bucket by bucket', () => {
    const store = createMemoryStore();
    // Two instances' estimators over one store: a bucket whose holdout calls run far past its
    // interval (remainders 100..190, then one of 2,000) is widened for both.
    const one = createSavingsEstimator({ history: savingsHistoryIn(store) });
    const other = createSavingsEstimator({ history: savingsHistoryIn(store) });
    for (let i = 0; i < 10; i++) one(holdout(150 + i * 10));
    const before = other(stop).counterfactualTokens;
    one(holdout(2050));
    const after = other(stop).counterfactualTokens;
    expect(before?.method).toBe('holdout');
    // The miss raised the bucket's coverage for both instances: the other's interval now
    // reaches the call's cap, as one from 11 samples must to hold 94.5%.
    expect(after?.high).toBe(4096);
    expect(before?.high).toBeLessThan(300);
    expect(store.counters('savings:drift:coverage')?.shift).toBeCloseTo(0.045, 9);
  });

  it('asks for at most 100%, however many misses', () => {
    const coverage = createAdaptiveCoverage({ coverage: 0.9 });
    for (let i = 0; i < 50; i++) coverage.observe('b', false);
    expect(coverage.coverageFor('b')).toBe(1);
  });
});

/** The stop of `p` at token 50 in bucket `drift`, and the holdout calls of that bucket. */
const stop = policyStop({ model: 'm', bucket: 'drift', position: 50, extra: { maxOutputTokens: 4096 } });

const holdout = (final: number) => heldOutCall(stop, 50, final);

beforeAll(() => loadPriceData());

describe('per-bucket coverage under drift', () => {
  it('keeps a drifting bucket near its nominal coverage, where the fixed conformal interval misses most calls', () => {
    // A bucket whose outputs grow call after call (prompts that get longer): remainders past the
    // stop of 100 + 2t, give or take 30. Exchangeability, which a fixed 90% interval needs, fails.
    const random = lcg(11);
    const noise = () => Math.round((random() - 0.5) * 60);
    const estimate = createSavingsEstimator();
    const past: number[] = [];
    let checked = 0;
    let missed = 0;
    let fixedMissed = 0;
    for (let t = 0; t < 400; t++) {
      const remaining = 100 + 2 * t + noise();
      const interval = estimate(stop).counterfactualTokens;
      if (t >= 100 && interval?.method === 'holdout') {
        checked += 1;
        const final = 50 + remaining;
        if (final < interval.low || final > interval.high) missed += 1;
        const [low, high] = conformalInterval(
          [...past].sort((a, b) => a - b),
          0.9,
        );
        if (remaining < low || remaining > high) fixedMissed += 1;
      }
      estimate(holdout(50 + remaining));
      past.push(remaining);
    }
    expect(checked).toBe(300);
    // The fixed interval from the same samples misses most of the drifting calls...
    expect(fixedMissed / checked).toBeGreaterThan(0.5);
    // ...while the bucket's own checks keep its misses near the nominal 10%.
    expect(missed / checked).toBeLessThanOrEqual(0.15);
  });
});
