import { beforeAll, describe, expect, it } from 'vitest';
import { createSavingsEstimator, type SavingsInput } from './estimate-savings.js';
import { loadPriceData } from './prices.js';
import { createSavingsHistory, type SavingsHistory } from './savings-history.js';
import { heldOutCall, lcg, policyStop } from './savings-input.test-util.js';

const base = policyStop({ model: 'my-model', bucket: 'b', position: 40 });
// $1 per output token keeps the arithmetic readable.
const prices = { 'my-model': { outputPerMTok: 1_000_000, currency: 'USD' as const } };

const holdout = (stopAt: number, final: number) => heldOutCall(base, stopAt, final);

// The estimator prices synchronously; the runner loads the price data when a call starts.
beforeAll(() => loadPriceData());

describe('createSavingsEstimator', () => {
  it('prices the estimate and both ends of its interval (costSavedRange)', () => {
    const estimate = createSavingsEstimator({ prices });
    // Holdout calls ran 100..190 tokens past a would-be stop at 50.
    for (let i = 0; i < 10; i++) estimate(holdout(50, 150 + i * 10));
    const savings = estimate(base);
    // Ten samples are too few for a lower order statistic at 90%: the interval starts at the
    // tokens produced (40), and the low end of the cost saved is $0.
    expect(savings.counterfactualTokens).toEqual({ value: 185, low: 40, high: 230, method: 'holdout' });
    expect(savings.tokensSaved).toBe(145);
    expect(savings.costSaved).toBeCloseTo(145, 9);
    expect(savings.costSavedRange?.low).toBeCloseTo(0, 9);
    expect(savings.costSavedRange?.high).toBeCloseTo(190, 9);
  });

  it('reports a budget bound as a bound only: no headline tokens, cost or time, the bound apart', () => {
    const savings = createSavingsEstimator({ prices })({ ...base, maxOutputTokens: 400 });
    expect(savings.counterfactualTokens?.method).toBe('budget-bound');
    expect(savings.tokensSaved).toBeNull();
    expect(savings.tokensSavedAtMost).toBe(360);
    expect(savings.tokensSavedReason).toBe(
      "no history for this bucket yet (holdout calls or finished calls of its kind); at most 360 (the call's maxOutputTokens 400)",
    );
    expect(savings.costSaved).toBeNull();
    expect(savings.costSavedRange).toBeNull();
    expect(savings.timeSavedMs).toBeNull();
  });

  it('takes the smaller of the call cap and the token cut as the bound, and clamps estimates under it', () => {
    const estimate = createSavingsEstimator({ prices });
    for (let i = 0; i < 10; i++) estimate(holdout(50, 150 + i * 10));
    const cut = estimate({ ...base, maxOutputTokens: 1000, tokenCut: 120 });
    expect(cut.boundSource).toBe('token-cut');
    expect(cut.tokensSavedAtMost).toBe(80);
    // The holdout estimate (185) cannot exceed the cut: the output would have ended at 120.
    expect(cut.counterfactualTokens).toMatchObject({ value: 120, high: 120, method: 'holdout' });
    expect(cut.tokensSaved).toBe(80);
    const cap = estimate({ ...base, maxOutputTokens: 100, tokenCut: 120 });
    expect(cap.boundSource).toBe('maxOutputTokens');
    expect(cap.tokensSavedAtMost).toBe(60);
  });

  it('has a zero range for an unstopped call, and null with the reason for an unknown price', () => {
    const estimate = createSavingsEstimator();
    expect(estimate({ ...base, outcome: 'finish', stoppedBy: undefined }).costSavedRange).toEqual({
      low: 0,
      high: 0,
    });
    for (let i = 0; i < 10; i++) estimate(holdout(50, 150 + i * 10));
    const unpriced = estimate({ ...base, model: 'no-such-model-anywhere' });
    expect(unpriced.tokensSaved).toBe(145);
    expect(unpriced.costSaved).toBeNull();
    expect(unpriced.costSavedRange).toBeNull();
    expect(unpriced.costUnknownReason).toMatch(/no price for model "no-such-model-anywhere"/);
    // Another model: a bucket of the same model would borrow the model's samples above.
    const unestimated = estimate({ ...base, model: 'other-model', metadata: { bucket: 'empty' } });
    expect(unestimated.costSavedRange).toBeNull();
    expect(unestimated.costUnknownReason).toMatch(/no estimate/);
  });

  it('gives the same savings with cached summaries as with a history that cannot say what changed', () => {
    // The default history has `revision`, so the estimator sorts a bucket's samples once per
    // change; a store without it is re-read on every stop. Over a long random mix of holdouts,
    // finishes and stops in three buckets (past the 50-sample ring, so it wraps), both agree.
    const cached = createSavingsHistory({ samplesPerBucket: 50 });
    const plain = createSavingsHistory({ samplesPerBucket: 50 });
    const uncached: SavingsHistory = {
      recordLength: (bucket, tokens) => plain.recordLength(bucket, tokens),
      recordHoldout: (bucket, sample) => plain.recordHoldout(bucket, sample),
      lengths: (bucket) => plain.lengths(bucket),
      holdouts: (bucket) => plain.holdouts(bucket),
    };
    const fast = createSavingsEstimator({ history: cached });
    const slow = createSavingsEstimator({ history: uncached });
    const random = lcg(7);
    for (let call = 0; call < 3000; call++) {
      const bucket = `b${Math.floor(random() * 3)}`;
      const stopAt = 1 + Math.floor(random() * 80);
      const final = stopAt + Math.floor(random() ** 3 * 2000);
      const kind = random();
      const input: SavingsInput =
        kind < 0.2
          ? { ...holdout(stopAt, final), metadata: { bucket } }
          : kind < 0.5
            ? { ...holdout(stopAt, final), holdout: undefined, metadata: { bucket } }
            : { ...base, stopPosition: stopAt, receivedTokens: stopAt, metadata: { bucket } };
      expect(fast(input)).toEqual(slow(input));
    }
  });
});
