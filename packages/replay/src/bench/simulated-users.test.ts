import { describe, expect, it } from 'vitest';
import { parsePolicyList, withFeedback } from './policy-sets.js';
import { recordOutcome } from './record-outcome.test-util.js';
import type { RecordOutcome } from './run-record.js';
import { type SimulatedCall, simulatedUserFigures, simulatedUserOf, verdictOf } from './simulated-users.js';

function outcome(fields: Partial<RecordOutcome>): RecordOutcome {
  return recordOutcome({
    fullTokens: 100,
    keptTokens: 60,
    producedTokens: 60,
    fullCorrect: true,
    keptCorrect: true,
    outcome: 'policy-stop',
    stoppedBy: 'answerComplete',
    stopPhase: 'answer',
    ...fields,
  });
}

describe('simulated users', () => {
  it('give verdicts by habit, on stopped calls only', () => {
    const lost = outcome({ keptCorrect: false });
    expect(verdictOf('strict', lost)).toEqual({ correct: false });
    expect(verdictOf('strict', outcome({}))).toEqual({ correct: true });
    // A wrong full output that stayed wrong is not a lost answer.
    expect(verdictOf('strict', outcome({ fullCorrect: false, keptCorrect: false }))).toEqual({
      correct: true,
    });
    expect(verdictOf('approving', lost)).toEqual({ thumbs: 'up' });
    expect(verdictOf('continuing', outcome({}))).toEqual({ continued: true });
    expect(verdictOf('silent', lost)).toBeUndefined();
    expect(verdictOf('strict', outcome({ outcome: 'finish' }))).toBeUndefined();
    expect([0, 1, 2, 3, 4].map(simulatedUserOf)).toEqual([
      'strict',
      'approving',
      'continuing',
      'silent',
      'strict',
    ]);
  });

  it('sum each user apart: calls, losses, verdicts, steps late in the run', () => {
    const calls: SimulatedCall[] = [
      {
        user: 'strict',
        outcome: outcome({ keptCorrect: false }),
        step: 2,
        scope: 'bucket',
        verdictGiven: true,
        verdictAccepted: true,
      },
      {
        user: 'strict',
        outcome: outcome({}),
        step: 1,
        scope: 'user',
        verdictGiven: true,
        verdictAccepted: true,
      },
      {
        user: 'strict',
        outcome: outcome({ outcome: 'finish', keptTokens: 100 }),
        step: 0,
        scope: 'user',
        verdictGiven: false,
        verdictAccepted: false,
      },
      {
        user: 'silent',
        outcome: outcome({}),
        step: 3,
        scope: 'bucket',
        verdictGiven: false,
        verdictAccepted: false,
      },
    ];
    const [strict, approving, continuing, silent] = simulatedUserFigures(calls);
    expect(strict).toMatchObject({
      calls: 3,
      stoppedCalls: 2,
      lostAnswers: 1,
      verdicts: 2,
      acceptedVerdicts: 2,
      finalStep: 0,
      lateMeanStep: 0,
    });
    expect(strict?.ownSettingsShare).toBeCloseTo(2 / 3);
    expect(strict?.tokenReduction).toBeCloseTo(80 / 300);
    expect(approving).toMatchObject({ calls: 0, finalStep: undefined, lateMeanStep: undefined });
    expect(continuing?.calls).toBe(0);
    expect(silent).toMatchObject({ calls: 1, finalStep: 3, ownSettingsShare: 0 });
  });

  it('--feedback turns tuned sets into feedback simulations, or adds tuned:balanced+feedback', () => {
    expect(withFeedback(parsePolicyList('none,tuned:accurate')).map((set) => set.name)).toEqual([
      'none',
      'tuned:accurate+feedback',
    ]);
    expect(withFeedback(parsePolicyList('none')).map((set) => set.name)).toEqual([
      'none',
      'tuned:balanced+feedback',
    ]);
    expect(parsePolicyList('tuned:realtime+feedback')).toEqual([
      { kind: 'tuned', name: 'tuned:realtime+feedback', profile: 'realtime', feedback: true },
    ]);
  });
});
