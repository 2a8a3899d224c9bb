import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSavingsEstimator, type SavingsInput } from './estimate-savings.js';
import { heldOutCall, policyStop } from './savings-input.test-util.js';

// $1 per output token: the cost saved is the tokens saved, so the two can be compared exactly.
const prices = { m: { outputPerMTok: 1_000_000, currency: 'USD' as const } };

/** One call the estimator sees: a holdout, a call that ended on its own or at its cap, or a stop. */
const call = fc.record({
  type: fc.constantFrom('holdout', 'natural', 'capped', 'stop', 'stop-after-finish', 'abort'),
  kind: fc.constantFrom('complete', 'cap', 'runaway'),
  position: fc.integer({ min: 0, max: 300 }),
  /** Tokens received after the policy decided, before the abort landed. */
  late: fc.integer({ min: 0, max: 50 }),
  rest: fc.integer({ min: 0, max: 500 }),
  maxOutputTokens: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  tokenCut: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  bucket: fc.constantFrom('a', 'b', ''),
  ttft: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
  durationMs: fc.integer({ min: 0, max: 3000 }),
  providerCount: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
});
type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

function inputOf(c: Call): SavingsInput {
  const received = c.position + c.late;
  const stop = policyStop({
    model: 'm',
    bucket: c.bucket,
    position: c.position,
    extra: {
      stopKind: c.kind,
      maxOutputTokens: c.maxOutputTokens,
      tokenCut: c.tokenCut,
      receivedTokens: received,
      durationMs: c.durationMs,
      timeToFirstTokenMs: c.ttft,
      usage: {
        inputTokens: 10,
        outputTokens: c.providerCount ?? received,
        source: c.providerCount === undefined ? 'estimated' : 'provider',
        inputSource: 'provider',
      },
    },
  });
  switch (c.type) {
    case 'holdout': {
      const held = heldOutCall(stop, c.position, c.position + c.rest);
      return { ...held, holdout: { wouldStopAtToken: c.position, policy: 'p', kind: c.kind } };
    }
    case 'natural':
    case 'capped':
      return {
        ...heldOutCall(stop, 0, c.position + c.rest),
        holdout: undefined,
        natural: c.type === 'natural',
      };
    case 'stop-after-finish':
      return { ...stop, providerFinished: true };
    case 'abort':
      return { ...stop, outcome: 'abort', stoppedBy: undefined, stopPosition: undefined };
    case 'stop':
      return stop;
  }
}

describe('savings invariants over any history of calls', () => {
  it('keep low ≤ value ≤ high, the headline within its bound, and the cost range around the cost', () => {
    fc.assert(
      fc.property(
        fc.array(call, { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (calls, minSamples, coverage) => {
          const estimate = createSavingsEstimator({ prices, minSamples, coverage });
          for (const c of calls) {
            const savings = estimate(inputOf(c));
            const cf = savings.counterfactualTokens;
            if (cf) {
              for (const x of [cf.low, cf.value, cf.high]) expect(Number.isFinite(x)).toBe(true);
              expect(cf.low).toBeLessThanOrEqual(cf.value);
              expect(cf.value).toBeLessThanOrEqual(cf.high);
            }
            // A bound is never a headline; a missing headline always says why.
            if (cf?.method === 'budget-bound' || cf === undefined) expect(savings.tokensSaved).toBeNull();
            if (savings.tokensSaved === null) {
              expect(savings.tokensSavedReason).toBeTruthy();
              expect(savings.costSaved).toBeNull();
              expect(savings.timeSavedMs).toBeNull();
            } else {
              expect(savings.tokensSaved).toBeGreaterThanOrEqual(0);
              if (savings.tokensSavedAtMost !== null)
                expect(savings.tokensSaved).toBeLessThanOrEqual(savings.tokensSavedAtMost);
            }
            if (savings.boundSource === 'token-cut' && savings.tokensSavedReason)
              expect(savings.tokensSavedReason).toMatch(/token cut/);
            if (savings.boundSource === 'maxOutputTokens' && savings.tokensSavedReason)
              expect(savings.tokensSavedReason).toMatch(/maxOutputTokens/);
            if (savings.costSaved !== null) {
              const range = savings.costSavedRange;
              expect(range).toBeTruthy();
              expect(savings.costSaved).toBeCloseTo(savings.tokensSaved ?? Number.NaN, 6);
              expect(range?.low ?? Number.NaN).toBeLessThanOrEqual(savings.costSaved + 1e-9);
              expect(range?.high ?? Number.NaN).toBeGreaterThanOrEqual(savings.costSaved - 1e-9);
            }
            if (savings.timeSavedMs !== null) {
              expect(Number.isFinite(savings.timeSavedMs)).toBe(true);
              expect(savings.timeSavedMs).toBeGreaterThanOrEqual(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
