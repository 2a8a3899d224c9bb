import { describe, expect, it } from 'vitest';
import { recordOutcome } from './record-outcome.test-util.js';
import { summarize } from './summarize.js';

const outcome = recordOutcome;

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
      outcome({
        outcome: 'policy-stop',
        stoppedBy: 'p',
        producedTokens: 100,
        counterfactualLow: 100,
        counterfactualHigh: 900,
      }),
    ]);
    expect(summary.trueTokensSaved).toBe(1800);
    expect(summary.intervalCoverage).toBe(0);
    expect(summary.calibrationOutputs).toBe(1);
  });
});
