import { describe, expect, it } from 'vitest';
import { recordOutcome } from './record-outcome.test-util.js';
import { summarize } from './summarize.js';

const outcome = recordOutcome;

/** A stop estimated at 300 tokens saved whose interval, [100, 900], misses a true 1,000. */
const missedEstimate = outcome({
  outcome: 'policy-stop',
  stoppedBy: 'p',
  producedTokens: 100,
  estimatedTokensSaved: 300,
  counterfactualLow: 100,
  counterfactualHigh: 900,
});

describe('summarize: the estimate columns', () => {
  it('count as truly saved what the provider no longer generated, not what a cut threw away', () => {
    // A loop caught at token 600 and cut back to 400: tokens 400..600 were generated and billed.
    const stopped = outcome({
      outcome: 'policy-stop',
      stoppedBy: 'repetition(400 chars x3)',
      keptTokens: 400,
      producedTokens: 600,
      estimatedTokensSaved: 350,
      counterfactualLow: 600,
      counterfactualHigh: 1000,
    });
    const summary = summarize([stopped, outcome({})]);
    expect(summary.trueTokensSaved).toBe(400);
    expect(summary.estimatedTokensSaved).toBe(350);
    expect(summary.intervalCoverage).toBe(1);
    // The reduction column is about the kept text: 1 - 1400 / 2000.
    expect(summary.tokenReduction).toBeCloseTo(0.3, 9);
  });

  it('leave calibration outputs and stops without an interval out of coverage', () => {
    const summary = summarize([
      outcome({ outcome: 'policy-stop', stoppedBy: 'p', producedTokens: 100, calibration: true }),
      outcome({ outcome: 'policy-stop', stoppedBy: 'p', producedTokens: 100 }),
      missedEstimate,
    ]);
    expect(summary.trueTokensSaved).toBe(1800);
    expect(summary.intervalCoverage).toBe(0);
    expect(summary.calibrationOutputs).toBe(1);
  });

  it('leave a stop with only a bound out of coverage: its interval runs to the cap and holds by construction', () => {
    // An estimated stop whose interval missed the true 1,000 tokens, and a stop with no headline
    // whose counterfactual is its cap (budget-bound: produced tokens to maxOutputTokens 4,096).
    const summary = summarize([
      missedEstimate,
      outcome({
        outcome: 'policy-stop',
        stoppedBy: 'p',
        producedTokens: 100,
        upperBoundTokensSaved: 3996,
        counterfactualLow: 100,
        counterfactualHigh: 4096,
      }),
    ]);
    expect(summary.intervalCoverage).toBe(0);
    expect(
      summarize([
        outcome({ outcome: 'policy-stop', stoppedBy: 'p', counterfactualLow: 1, counterfactualHigh: 4096 }),
      ]).intervalCoverage,
    ).toBeNull();
  });

  it("give the estimate's sampling error from the spread and number of each policy's calibration remainders", () => {
    const stop = (policy: string, estimate: number | undefined) =>
      outcome({
        outcome: 'policy-stop',
        stoppedBy: policy,
        producedTokens: 100,
        estimatedTokensSaved: estimate,
      });
    const sample = (policy: string, remaining: number) => outcome({ holdoutSample: { policy, remaining } });
    const calibration = [
      sample('a', 0),
      sample('a', 100),
      sample('a', 200),
      sample('b', 10),
      sample('b', 10),
    ];
    // Policy a: remainders with sd 100 from 3 samples, so its mean rest is known to 100 / √3,
    // shared by its two stops with a headline (the third has none); policy b's remainders do not
    // spread. Against 200 + 10 estimated.
    const summary = summarize(
      [stop('a', 100), stop('a', 100), stop('a', undefined), stop('b', 10)],
      calibration,
    );
    expect(summary.estimateSamplingError).toBeCloseTo((2 * 100) / Math.sqrt(3) / 210, 9);
    // Calls that gave no sample (no would-be stop) do not count.
    const padded = summarize([stop('a', 100), stop('a', 100), stop('b', 10)], [...calibration, outcome({})]);
    expect(padded.estimateSamplingError).toBeCloseTo(summary.estimateSamplingError as number, 9);
    // One sample has no spread to measure; no headline, nothing to be wrong about.
    expect(summarize([stop('a', 100)], [sample('a', 5)]).estimateSamplingError).toBeNull();
    expect(summarize([stop('a', undefined)], calibration).estimateSamplingError).toBeNull();
  });
});
