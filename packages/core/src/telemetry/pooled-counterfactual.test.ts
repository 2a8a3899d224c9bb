import { beforeAll, describe, expect, it } from 'vitest';
import { createSavingsEstimator, type SavingsInput } from './estimate-savings.js';
import { loadPriceData } from './prices.js';
import { createSavingsHistory } from './savings-history.js';
import { heldOutCall, policyStop } from './savings-input.test-util.js';

const stop = policyStop({ model: 'm', bucket: 'small', position: 50 });

/** A holdout call of `bucket` (of model `m` unless given) that `p` would have stopped at `stopAt`. */
function holdout(bucket: string, stopAt: number, final: number, model = 'm'): SavingsInput {
  return heldOutCall({ ...stop, model, metadata: { bucket } }, stopAt, final);
}

/** A call of `bucket` that ran to its own end with `final` tokens (no policy would have stopped it). */
function finished(bucket: string, final: number): SavingsInput {
  return { ...holdout(bucket, 0, final), holdout: undefined };
}

beforeAll(() => loadPriceData());

describe('a small bucket borrows from its model pool', () => {
  it('counts its own few samples as what they are and the pool mean for the rest', () => {
    const history = createSavingsHistory();
    const estimate = createSavingsEstimator({ history, minSamples: 10 });
    // Other buckets of model m: remainders 100..290 past a would-be stop at 50.
    for (let i = 0; i < 20; i++) estimate(holdout(`other-${i % 3}`, 50, 150 + i * 10));
    // The small bucket: two remainders, 400 and 500.
    estimate(holdout('small', 50, 450));
    estimate(holdout('small', 50, 550));
    // Recorded in the bucket and in the model's pool (m, no profile), not elsewhere.
    expect(history.holdouts('small')).toHaveLength(2);
    expect(history.holdouts('m|-')).toHaveLength(22);

    const savings = estimate(stop);
    // The pool (22 samples, the small bucket's included) has mean 4800 / 22; two own samples
    // (mean 450) stand for themselves and the pool mean for the eight missing.
    const poolMean = 4800 / 22;
    const value = Math.round(50 + (2 * 450 + 8 * poolMean) / 10);
    expect(savings.counterfactualTokens).toEqual({
      value,
      // Both of the bucket's samples fell outside the pool's interval when they came (400 and
      // 500 past the stop, against the pool's 100..290), so the bucket's intervals now ask for
      // 99% (see adaptive-coverage.ts): one-sided, from the 50 tokens produced to the largest.
      low: 50,
      high: 550,
      method: 'holdout',
      pooled: { pool: 'm|-', bucketSamples: 2, poolSamples: 22 },
    });
    expect(savings.tokensSaved).toBe(value - 50);
  });

  it('stops borrowing once the bucket has minSamples of its own', () => {
    const estimate = createSavingsEstimator({ minSamples: 10 });
    for (let i = 0; i < 20; i++) estimate(holdout('other', 50, 150 + i * 10));
    for (let i = 0; i < 10; i++) estimate(holdout('small', 50, 450));
    const savings = estimate(stop);
    // Its own ten samples (all 400 past the stop), one-sided below 19 samples at 90%.
    expect(savings.counterfactualTokens).toEqual({ value: 450, low: 50, high: 450, method: 'holdout' });
  });

  it('never borrows from another model: a bucket with no evidence of its own has only a bound', () => {
    const estimate = createSavingsEstimator({ minSamples: 10 });
    for (let i = 0; i < 20; i++) estimate(holdout('other', 50, 150 + i * 10, 'another-model'));
    const savings = estimate({ ...stop, maxOutputTokens: 1000 });
    expect(savings.tokensSaved).toBeNull();
    expect(savings.tokensSavedAtMost).toBe(950);
    expect(savings.counterfactualTokens?.pooled).toBeUndefined();
  });

  it('gives a call without a bucket of its own its model pool, with nothing to borrow from', () => {
    const history = createSavingsHistory();
    const estimate = createSavingsEstimator({ history, minSamples: 10 });
    for (let i = 0; i < 3; i++) estimate({ ...holdout('', 50, 150 + i * 10), metadata: {} });
    expect(history.holdouts('m|-')).toHaveLength(3);
    const savings = estimate({ ...stop, metadata: {} });
    // Three samples of its own: the few-holdouts estimate (their mean), not a pooled one.
    expect(savings.counterfactualTokens).toMatchObject({ value: 160, method: 'holdout' });
    expect(savings.counterfactualTokens?.pooled).toBeUndefined();
  });

  it('borrows the length model of a cap stop the same way', () => {
    const estimate = createSavingsEstimator({ minSamples: 10 });
    // The model pool: 20 calls of other buckets that ended at 100..2000 tokens; the small
    // bucket: two that ended at 3000 and 4000.
    for (let i = 1; i <= 20; i++) estimate(finished(`other-${i % 2}`, i * 100));
    estimate(finished('small', 3000));
    estimate(finished('small', 4000));
    const capStop = { ...stop, stopKind: 'cap' as const, stopPosition: 1000, receivedTokens: 1000 };
    const savings = estimate({
      ...capStop,
      usage: { ...capStop.usage, outputTokens: 1000 },
    });
    // Longer than 1000 in the pool: 1100..2000 (10) and the bucket's own 3000 and 4000.
    const poolLonger = [1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 3000, 4000];
    const poolMean = poolLonger.reduce((a, b) => a + b, 0) / poolLonger.length;
    const value = Math.round((2 * 3500 + 8 * poolMean) / 10);
    expect(savings.counterfactualTokens).toEqual({
      value,
      // 12 longer lengths are too few for a lower order statistic at 90%: from the 1000
      // produced to the largest.
      low: 1000,
      high: 4000,
      method: 'length-model',
      pooled: { pool: 'm|-', bucketSamples: 2, poolSamples: 12 },
    });
  });
});
