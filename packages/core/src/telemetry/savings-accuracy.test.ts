import { describe, expect, it } from 'vitest';
import type { Savings } from './savings.js';
import { savingsAccuracy } from './savings-accuracy.js';

const savings = (outputTokens: number, estimate?: { value: number; low: number; high: number }): Savings => ({
  outputTokens,
  outputTokensSource: 'estimated',
  counterfactualTokens: estimate && { ...estimate, method: 'holdout' },
  tokensSaved: estimate ? estimate.value - outputTokens : null,
  tokensSavedAtMost: null,
  costSaved: null,
  timeSavedMs: null,
  stoppedBy: 'p',
});

describe('savingsAccuracy', () => {
  it('sums estimated and true savings over stopped calls and counts interval hits', () => {
    const accuracy = savingsAccuracy([
      {
        outcome: 'policy-stop',
        savings: savings(10, { value: 50, low: 30, high: 80 }),
        trueOutputTokens: 60,
      }, // covered
      {
        outcome: 'policy-stop',
        savings: savings(20, { value: 40, low: 25, high: 45 }),
        trueOutputTokens: 100,
      }, // missed
      { outcome: 'policy-stop', savings: savings(5), trueOutputTokens: 25 }, // no estimate
      { outcome: 'finish', savings: savings(70), trueOutputTokens: 70 }, // not stopped: ignored
    ]);
    expect(accuracy).toEqual({
      stoppedCalls: 3,
      estimatedTokensSaved: 40 + 20 + 0,
      trueTokensSaved: 50 + 80 + 20,
      aggregateError: (60 - 150) / 150,
      intervalCoverage: 1 / 3,
      methods: { holdout: 2, unestimated: 1 },
    });
  });

  it('counts a stop with only a bound (budget-bound, null headline) as not covered, like one with nothing', () => {
    const bound: Savings = {
      ...savings(10),
      counterfactualTokens: { value: 4096, low: 10, high: 4096, method: 'budget-bound' },
      tokensSavedAtMost: 4086,
    };
    const accuracy = savingsAccuracy([{ outcome: 'policy-stop', savings: bound, trueOutputTokens: 60 }]);
    expect(accuracy.intervalCoverage).toBe(0);
    expect(accuracy.estimatedTokensSaved).toBe(0);
    expect(accuracy.methods).toEqual({ 'budget-bound': 1 });
  });

  it('has no coverage and no error when nothing was stopped', () => {
    const accuracy = savingsAccuracy([{ outcome: 'finish', savings: savings(5), trueOutputTokens: 5 }]);
    expect(accuracy.intervalCoverage).toBeNull();
    expect(accuracy.aggregateError).toBeNull();
  });
});
