import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseStep, type StepEvidence } from './choose-step.js';
import { lossRateUpperBound } from './risk-bound.js';

const settings = { risk: 0.02, confidence: 0.9, minSamples: 50 };
const steps = (...losses: number[]): StepEvidence[] => losses.map((lost) => ({ observations: 300, lost }));

describe('chooseStep', () => {
  it("keeps the profile's own step until the evidence is enough", () => {
    const choice = chooseStep({ evidence: [{ observations: 10, lost: 0 }], current: 2, home: 2, settings });
    expect(choice.step).toBe(2);
    expect(choice.reason).toMatch(/10 of 50 observations/);
  });

  it('moves toward aggressive one step at a time, up to the last step of the certified prefix', () => {
    // 0 and 1 losses in 300 are certified at 2%; 4 are not (bound ≈ 2.6%), nor is anything after.
    const evidence = steps(0, 0, 1, 4, 0);
    expect(chooseStep({ evidence, current: 0, home: 0, settings }).step).toBe(1);
    expect(chooseStep({ evidence, current: 1, home: 0, settings }).step).toBe(2);
    // Step 4 loses nothing, but step 3 failed first: fixed-sequence testing stops there.
    expect(chooseStep({ evidence, current: 2, home: 0, settings }).step).toBe(2);
  });

  it('falls back at once to the last certified step when the current one fails', () => {
    const choice = chooseStep({ evidence: steps(0, 1, 9, 12), current: 3, home: 1, settings });
    expect(choice.step).toBe(1);
    expect(choice.reason).toMatch(/no longer holds its bound/);
  });

  it('uses the most conservative step when even it loses too much', () => {
    expect(chooseStep({ evidence: steps(20, 30), current: 1, home: 1, settings }).step).toBe(0);
  });

  it('never chooses a step whose bound is above the risk once evidence is in', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            observations: fc.integer({ min: 50, max: 500 }),
            lost: fc.integer({ min: 0, max: 20 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.nat(5),
        (raw, at) => {
          const evidence = raw.map((step) => ({ ...step, lost: Math.min(step.lost, step.observations) }));
          const current = Math.min(at, evidence.length - 1);
          const { step, standings } = chooseStep({ evidence, current, home: current, settings });
          expect(Math.abs(step - current) <= 1 || step < current).toBe(true);
          if (step > 0 || standings[0]?.passes) {
            for (let i = 0; i <= step; i++) {
              const { observations, lost } = evidence[i] as StepEvidence;
              expect(lossRateUpperBound({ lost, observations, confidence: 0.9 })).toBeLessThanOrEqual(0.02);
            }
          }
        },
      ),
    );
  });
});
