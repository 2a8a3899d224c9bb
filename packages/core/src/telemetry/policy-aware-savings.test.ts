import { describe, expect, it } from 'vitest';
import { adaptiveLength } from '../adaptive/adaptive-length.js';
import { maxTokens } from '../policies/max-tokens.js';
import { repetition } from '../policies/repetition.js';
import { stopOn } from '../policies/stop-on.js';
import type { StopKind, StreamView } from '../policy.js';
import { createSavingsEstimator, type SavingsInput } from './estimate-savings.js';
import { kindPoolKey } from './kind-pool.js';
import { createSavingsHistory } from './savings-history.js';

/**
 * How a stop is estimated when its bucket has fewer than `minSamples` holdout samples of the
 * stopping policy: by what the stop says about the rest of the output (`StopDecision.kind`).
 */

const loop = 'repetition(400 chars x3)';
const answer = 'stopOn("The answer is")';

/** The kinds the shipped policies declare (checked against the policies below). */
const kinds: Record<string, StopKind> = {
  [loop]: 'runaway',
  'adaptiveLength(q0.95 × 2)': 'runaway',
  'maxTokens(100)': 'cap',
};
const kindOf = (policy: string): StopKind => kinds[policy] ?? 'complete';

const stop = (policy: string, position: number, extra: Partial<SavingsInput> = {}): SavingsInput => ({
  outcome: 'policy-stop',
  model: 'm',
  usage: { inputTokens: 10, outputTokens: position, source: 'estimated', inputSource: 'provider' },
  keptTokens: position,
  maxOutputTokens: undefined,
  stoppedBy: policy,
  stopKind: kindOf(policy),
  durationMs: 1000,
  timeToFirstTokenMs: 100,
  metadata: { bucket: 'b' },
  context: undefined,
  receivedTokens: position,
  stopPosition: position,
  ...extra,
});

/** A call that ran to its end: naturally, or cut by the provider's cap (`natural: false`). */
const finished = (tokens: number, extra: Partial<SavingsInput> = {}): SavingsInput => ({
  ...stop('-', tokens),
  outcome: 'finish',
  stoppedBy: undefined,
  stopKind: undefined,
  stopPosition: undefined,
  natural: true,
  ...extra,
});

const heldOut = (policy: string, stopAt: number, final: number, natural = true): SavingsInput =>
  finished(final, { natural, holdout: { wouldStopAtToken: stopAt, policy, kind: kindOf(policy) } });

/** 30 natural answers of 200..490 tokens: what a length model learns from. */
function withNaturalLengths(estimate: ReturnType<typeof createSavingsEstimator>): void {
  for (let i = 0; i < 30; i++) estimate(finished(200 + i * 10));
}

/** The first decision a policy makes on `text` fed in 7-character deltas. */
function decisionOn(policy: ReturnType<typeof repetition>, text: string, tokensPerChar = 1) {
  policy.start?.({
    model: 'm',
    messages: [],
    prompt: '',
    user: undefined,
    profile: undefined,
    maxOutputTokens: undefined,
    metadata: {},
    report: () => {},
  });
  for (let offset = 0; offset < text.length; offset += 7) {
    const delta = text.slice(offset, offset + 7);
    const tokens = Math.ceil((offset + delta.length) * tokensPerChar);
    const view = {
      phase: 'answer',
      delta,
      deltaOffset: offset,
      tokens,
      phaseTokens: tokens,
      elapsedMs: 0,
      budgetScale: 1,
      logprobs: undefined,
      text: text.slice(0, offset + delta.length),
      reasoning: '',
    } satisfies StreamView;
    const decision = policy.step(view);
    if (decision) return decision;
  }
  return undefined;
}

describe('stop kinds', () => {
  it('the shipped policies say what their stops mean: loops run away, caps cap, the rest complete', () => {
    const looping = `Start. ${'Let me check this again, carefully, one more time. '.repeat(40)}`;
    expect(decisionOn(repetition(), looping)?.kind).toBe('runaway');
    expect(decisionOn(maxTokens(100), 'word '.repeat(200))?.kind).toBe('cap');
    expect(decisionOn(stopOn(['The answer is']), 'So. The answer is 4.')?.kind ?? 'complete').toBe(
      'complete',
    );
    const budgeted = adaptiveLength({ priorTokens: 50, graceTokens: 10 });
    expect(decisionOn(budgeted, 'One sentence here. '.repeat(40))?.kind).toBe('runaway');
    expect(kindPoolKey('runaway')).not.toBe(kindPoolKey('complete'));
  });
});

describe('runaway stops without calibration', () => {
  it("take the call's maxOutputTokens as the length, an upper bound (not the headline), not the length model's short figure", () => {
    const estimate = createSavingsEstimator();
    withNaturalLengths(estimate);
    const savings = estimate(stop(loop, 150, { maxOutputTokens: 4096 }));
    expect(savings.counterfactualTokens).toEqual({
      value: 4096,
      low: 150,
      high: 4096,
      method: 'budget-bound',
    });
    // The cap is a bound, not an estimate: no headline until holdouts calibrate runaway stops.
    expect(savings.tokensSaved).toBeNull();
    expect(savings.tokensSavedAtMost).toBe(3946);
    // A token cap at the same point gets the length model ("longer than here" is all it says).
    expect(
      estimate(stop('maxTokens(100)', 150, { maxOutputTokens: 4096 })).counterfactualTokens?.method,
    ).toBe('length-model');
  });

  it('without maxOutputTokens, take the lengths at which the provider cut calls of the bucket', () => {
    const estimate = createSavingsEstimator();
    withNaturalLengths(estimate);
    for (const cut of [3000, 3100, 3200]) estimate(finished(cut, { natural: false }));
    const savings = estimate(stop(loop, 150));
    expect(savings.counterfactualTokens).toEqual({
      value: 3100,
      low: 150,
      high: 3200,
      method: 'budget-bound',
    });
  });

  it('a call cut at its own maxOutputTokens is no sign of where the provider cuts calls without one', () => {
    const estimate = createSavingsEstimator();
    withNaturalLengths(estimate);
    for (const cut of [2000, 2000, 2000]) estimate(finished(cut, { natural: false, maxOutputTokens: 2000 }));
    // A loop of a call without a cap: the provider's default may be far past 2,000.
    expect(estimate(stop(loop, 150)).counterfactualTokens).toBeUndefined();
    estimate(finished(16_384, { natural: false }));
    expect(estimate(stop(loop, 150)).counterfactualTokens).toMatchObject({
      high: 16_384,
      method: 'budget-bound',
    });
  });

  it('without any cap known, make nothing up: the longest natural end is no bound on a loop', () => {
    const estimate = createSavingsEstimator();
    expect(estimate(stop(loop, 150)).counterfactualTokens).toBeUndefined();
    withNaturalLengths(estimate);
    const savings = estimate(stop(loop, 150));
    // A loop runs on to the cap; outputs that ended on their own say nothing of where that is.
    expect(savings.counterfactualTokens).toBeUndefined();
    expect(savings.tokensSaved).toBeNull();
    expect(savings.tokensSavedAtMost).toBeNull();
    expect(savings.tokensSavedReason).toMatch(/no cap to bound it \(set maxOutputTokens\)/);
  });

  it('with a few runaway holdouts, take their mean final length (loops end where they end), interval widened to the cap', () => {
    const estimate = createSavingsEstimator();
    withNaturalLengths(estimate);
    // Three loops caught at different points all ran to about the cap; one adaptive-length
    // stop (another runaway policy) too: the class is pooled.
    estimate(heldOut(loop, 500, 4000, false));
    estimate(heldOut(loop, 1500, 4096, false));
    estimate(heldOut('adaptiveLength(q0.95 × 2)', 2500, 3904, false));
    const early = estimate(stop(loop, 300, { maxOutputTokens: 4096 })).counterfactualTokens;
    expect(early).toEqual({ value: 4000, low: 300, high: 4096, method: 'holdout' });
    // Only finals longer than where this call stopped count.
    const late = estimate(stop(loop, 3950, { maxOutputTokens: 4096 })).counterfactualTokens;
    expect(late?.value).toBe(4048);
  });
});

describe('completion stops with few holdout samples', () => {
  it('take the mean remainder of the samples (unbiased), not the length model, with the wider of both intervals', () => {
    const estimate = createSavingsEstimator();
    withNaturalLengths(estimate);
    // The length model's view of a stop at 150 (what a cap there would get): only its interval is used.
    const lengthModel = estimate(stop('maxTokens(100)', 150)).counterfactualTokens;
    expect(lengthModel?.method).toBe('length-model');
    // With no holdout sample, a completion stop has no headline: the length model overstates it.
    expect(estimate(stop(answer, 150)).tokensSaved).toBeNull();
    // Four holdout calls: the answer's ending left 2..8 tokens.
    for (const [stopAt, final] of [
      [100, 102],
      [300, 304],
      [250, 256],
      [180, 188],
    ] as const)
      estimate(heldOut(answer, stopAt, final));
    const savings = estimate(stop(answer, 150));
    expect(savings.counterfactualTokens?.method).toBe('holdout');
    expect(savings.counterfactualTokens?.value).toBe(155);
    expect(savings.tokensSaved).toBe(5);
    // Four samples' range would hold a new call only 3 times in 5: the interval starts at the
    // tokens produced (the rest is at least nothing) and ends at the length model's high.
    expect(savings.counterfactualTokens?.low).toBe(150);
    expect(savings.counterfactualTokens?.high).toBe(lengthModel?.high);
  });

  it('pool the holdouts of every completion policy of the bucket once the class has minSamples', () => {
    const estimate = createSavingsEstimator({ minSamples: 4 });
    estimate(heldOut(answer, 100, 110));
    estimate(heldOut(answer, 100, 120));
    estimate(heldOut('answerComplete(answer-is)', 100, 130));
    estimate(heldOut('answerComplete(answer-is)', 100, 140));
    // A loop's holdout is another class: it does not join the pool.
    estimate(heldOut(loop, 100, 4000));
    const savings = estimate(stop('answerConvergence(3 agreeing, 400 tokens)', 50));
    // Four samples: one-sided, from the tokens produced to the largest remainder.
    expect(savings.counterfactualTokens).toEqual({ value: 75, low: 50, high: 90, method: 'holdout' });
  });
});

describe('cap stops', () => {
  it('keep the length model (the stop says only "longer than here") when holdouts are few', () => {
    const estimate = createSavingsEstimator();
    withNaturalLengths(estimate);
    estimate(heldOut('maxTokens(100)', 100, 105));
    const savings = estimate(stop('maxTokens(100)', 100));
    expect(savings.counterfactualTokens?.method).toBe('length-model');
    // The mean of the 31 lengths over 100 (the holdout call's 105 among them).
    expect(savings.counterfactualTokens?.value).toBe(337);
  });

  it("learn from the cap's own samples of the same kind: loops cut by the cap apart from the rest", () => {
    const estimate = createSavingsEstimator();
    // Ten holdout calls the cap would have cut mid-answer (they ran on 50 more tokens), and ten
    // it would have cut mid-loop (kind runaway, as the runner reports them: they ran to 4,000).
    for (let i = 0; i < 10; i++) {
      estimate(
        finished(150, {
          natural: true,
          holdout: { wouldStopAtToken: 100, policy: 'maxTokens(100)', kind: 'cap' },
        }),
      );
      estimate(
        finished(4000, {
          natural: false,
          holdout: { wouldStopAtToken: 100, policy: 'maxTokens(100)', kind: 'runaway' },
        }),
      );
    }
    const ordinary = estimate(stop('maxTokens(100)', 100));
    expect(ordinary.counterfactualTokens).toMatchObject({ method: 'holdout', value: 150 });
    const looping = estimate(stop('maxTokens(100)', 100, { stopKind: 'runaway' }));
    expect(looping.counterfactualTokens).toMatchObject({ method: 'holdout', value: 4000 });
    // Mixed, every stop of the cap would have been credited with about 2,000 tokens left.
    expect(ordinary.tokensSaved).toBe(50);
  });
});

describe('capped lengths in the default history', () => {
  it('are kept apart, with their own revision, and only for calls the provider cut', () => {
    const history = createSavingsHistory({ samplesPerBucket: 2 });
    const estimate = createSavingsEstimator({ history });
    estimate(finished(100));
    expect(history.cappedLengths?.('b')).toEqual([]);
    const before = history.revision?.('b', 'capped');
    estimate(finished(4096, { natural: false }));
    expect(history.cappedLengths?.('b')).toEqual([4096]);
    expect(history.lengths('b')).toEqual([100, 4096]);
    expect(history.revision?.('b', 'capped')).not.toBe(before);
    history.recordCappedLength?.('b', Number.NaN);
    expect(history.cappedLengths?.('b')).toEqual([4096]);
  });

  it('a custom store without them has no cap for a loop, even after a call the provider cut', () => {
    const inner = createSavingsHistory();
    const estimate = createSavingsEstimator({
      history: {
        recordLength: (bucket, tokens) => inner.recordLength(bucket, tokens),
        recordHoldout: (bucket, sample) => inner.recordHoldout(bucket, sample),
        lengths: (bucket) => inner.lengths(bucket),
        holdouts: (bucket) => inner.holdouts(bucket),
      },
    });
    withNaturalLengths(estimate);
    estimate(finished(3000, { natural: false }));
    // Its lengths cannot tell that 3000 was a cut: nothing is taken for the cap.
    expect(estimate(stop(loop, 150)).counterfactualTokens).toBeUndefined();
    // The call's own cap still bounds it.
    expect(estimate(stop(loop, 150, { maxOutputTokens: 4096 })).counterfactualTokens?.high).toBe(4096);
  });
});

describe('the reason a stop has no estimate', () => {
  it('says what the stop kind lacks once the bucket has seen calls, not "no history"', () => {
    const estimate = createSavingsEstimator();
    // An empty bucket has no history at all, and says so.
    expect(estimate(stop(answer, 150, { maxOutputTokens: 1000 })).tokensSavedReason).toBe(
      "no history for this bucket yet (holdout calls or finished calls of its kind); at most 850 (the call's maxOutputTokens 1000)",
    );
    withNaturalLengths(estimate);
    const complete = estimate(stop(answer, 150, { maxOutputTokens: 1000 }));
    expect(complete.tokensSaved).toBeNull();
    expect(complete.tokensSavedReason).toBe(
      "no holdout call of this bucket has yet measured how far an answer runs on after a stop like this one; at most 850 (the call's maxOutputTokens 1000)",
    );
    const runaway = estimate(stop(loop, 150));
    expect(runaway.tokensSavedReason).toBe(
      'no holdout call of this bucket has yet run away past 150 tokens (a loop, an overlong answer): nothing shows where such an output ends, and the call had no cap to bound it (set maxOutputTokens)',
    );
    // A runaway holdout that ended before 150 says nothing of where this one would have.
    estimate(heldOut(loop, 100, 140, true));
    expect(estimate(stop(loop, 150)).tokensSavedReason).toBe(runaway.tokensSavedReason);
    // 30 lengths of 200..490: 4 ran past 455, fewer than the 10 a cap's length model needs.
    const cap = estimate(stop('maxTokens(100)', 455, { maxOutputTokens: 1000 }));
    expect(cap.tokensSaved).toBeNull();
    expect(cap.tokensSavedReason).toBe(
      "4 of the 10 calls of this bucket needed have run past 455 tokens (holdout calls or calls that ended on their own); at most 545 (the call's maxOutputTokens 1000)",
    );
    // The same cap lower down has its 10 and an estimate.
    expect(estimate(stop('maxTokens(100)', 300, { maxOutputTokens: 1000 })).tokensSaved).not.toBeNull();
  });
});
