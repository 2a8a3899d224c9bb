import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { TuningLadder } from './ladder.js';
import type { StepObservation } from './observe-ladder.js';
import { Tuner } from './tuner.js';

const ladder: TuningLadder = { steps: [{}, {}, {}, {}, {}], home: 1 };
// True loss rates per step, conservative to aggressive: steps 0-2 are within a 1% risk, 3-4 not.
const lossRates = [0, 0.001, 0.004, 0.04, 0.12];

/** A deterministic random source (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One holdout call's observations: a loss at step k makes every later step lose too. */
function holdout(random: () => number): StepObservation[] {
  const u = random();
  return lossRates.map((rate, step) => ({
    step,
    stop: undefined,
    tokensSaved: step * 10,
    answerKept: u >= rate,
    judged: true,
  }));
}

describe('Tuner', () => {
  it("keeps the profile's step until evidence comes from enough users, then climbs one step at a time to the last safe step", () => {
    const tuner = new Tuner({ risk: 0.01, confidence: 0.9, minSamples: 100, minUsers: 3 });
    const random = seeded(1);
    const keys = (user: string) => ({ bucket: 'gpt-4o|balanced|free/s', user });
    // One user alone, however many calls: the bucket does not move.
    for (let i = 0; i < 2000; i++) tuner.observe(keys('mallory'), holdout(random));
    expect(tuner.stepFor({ bucket: keys('x').bucket, user: undefined }, ladder)).toMatchObject({
      scope: 'profile',
      step: 1,
    });
    for (let i = 0; i < 2000; i++)
      tuner.observe(keys(['ann', 'bob', 'cy'][i % 3] as string), holdout(random));
    const path: number[] = [];
    for (let call = 0; call < 4; call++)
      path.push(tuner.stepFor({ bucket: keys('x').bucket, user: undefined }, ladder).step);
    expect(path).toEqual([2, 2, 2, 2]);
    const explained = tuner.stepFor({ bucket: keys('x').bucket, user: undefined }, ladder);
    expect(explained.scope).toBe('bucket');
    expect(explained.choice.standings[3]?.passes).toBe(false);
    expect(explained.choice.standings[2]?.lossBound).toBeLessThanOrEqual(0.01);
  });

  it('moves a user who marks stopped calls bad toward conservative, and one who marks them good no further than the risk allows', () => {
    const tuner = new Tuner({ risk: 0.01, confidence: 0.9, minSamples: 100, minUsers: 3 });
    const random = seeded(2);
    const bucket = 'm|balanced|free/s';
    for (let i = 0; i < 3000; i++)
      tuner.observe({ bucket, user: ['ann', 'bob', 'cy'][i % 3] }, holdout(random));
    // The bucket sits at step 2; ann complains about every stop at it, bob is always happy.
    for (let i = 0; i < 300; i++) {
      tuner.feedback({ bucket, user: 'ann' }, 2, 5, 'bad');
      tuner.feedback({ bucket, user: 'bob' }, 2, 5, 'good');
    }
    const ann = tuner.stepFor({ bucket, user: 'ann' }, ladder);
    const bob = tuner.stepFor({ bucket, user: 'bob' }, ladder);
    expect(ann.scope).toBe('user');
    expect(ann.step).toBeLessThan(2);
    expect(bob.step).toBe(2);
    // Nobody else is moved by ann's feedback.
    expect(tuner.stepFor({ bucket, user: 'cy' }, ladder).step).toBe(2);
    expect(tuner.stepFor({ bucket, user: undefined }, ladder).step).toBe(2);
  });

  // Found by the bench's feedback simulation: a user's verdicts only cover the steps their calls
  // ran at, so judged alone they left an approving user stuck below the bucket.
  it('a user who approves every stop climbs with the bucket, not below it', () => {
    const tuner = new Tuner({ risk: 0.01, confidence: 0.9, minSamples: 100, minUsers: 3 });
    const random = seeded(3);
    const bucket = 'm|balanced|free/s';
    // bob makes no holdout call: his early verdicts at the profile's step are all he adds.
    for (let i = 0; i < 100; i++) tuner.feedback({ bucket, user: 'bob' }, 1, 5, 'good');
    for (let i = 0; i < 3000; i++)
      tuner.observe({ bucket, user: ['ann', 'cy', 'dee'][i % 3] }, holdout(random));
    const path = { bucket: [] as number[], bob: [] as number[] };
    for (let call = 0; call < 4; call++) {
      path.bucket.push(tuner.stepFor({ bucket, user: undefined }, ladder).step);
      const bob = tuner.stepFor({ bucket, user: 'bob' }, ladder);
      expect(bob.scope).toBe('user');
      path.bob.push(bob.step);
    }
    expect(path.bucket.at(-1)).toBe(2);
    expect(path.bob.at(-1)).toBe(2);
  });

  it("a user's own verdicts do not open the bucket's evidence before it comes from minUsers users", () => {
    const tuner = new Tuner({ risk: 0.01, confidence: 0.9, minSamples: 100, minUsers: 3 });
    const random = seeded(4);
    const bucket = 'm|balanced|free/s';
    // mallory alone fills the bucket with stops that look safe at every step.
    for (let i = 0; i < 3000; i++) tuner.observe({ bucket, user: 'mallory' }, holdout(random));
    // One thumbs-up from bob, who made no holdout call.
    tuner.feedback({ bucket, user: 'bob' }, 1, 5, 'good');
    const bob = (peek: boolean) => tuner.stepFor({ bucket, user: 'bob' }, ladder, peek);
    for (let call = 0; call < 4; call++) expect(bob(false).step).toBe(1);
    expect(bob(true).scope).toBe('user');
    expect(bob(true).totals[2]?.observations).toBe(0);
    // Once two more users' calls back the bucket, bob climbs with it.
    for (let i = 0; i < 3000; i++) tuner.observe({ bucket, user: ['ann', 'cy'][i % 2] }, holdout(random));
    const path: number[] = [];
    for (let call = 0; call < 4; call++) path.push(bob(false).step);
    expect(path.at(-1)).toBe(2);
  });

  it('refuses bad options with a ConfigError naming the field', () => {
    expect(() => new Tuner({ risk: 2 })).toThrow(ConfigError);
    expect(() => new Tuner({ minUsers: 0 })).toThrow(/learn.minUsers/);
  });
});

describe('Tuner, while a bucket waits for enough users', () => {
  it("keeps the profile's step but shows each step's real bound, not 1", () => {
    const tuner = new Tuner({ risk: 0.01, confidence: 0.9, minSamples: 100, minUsers: 3 });
    const clean = ladder.steps.map((_, step) => ({
      step,
      stop: undefined,
      tokensSaved: 5,
      answerKept: true,
      judged: true,
    }));
    for (let i = 0; i < 500; i++) tuner.observe({ bucket: 'b', user: 'mallory' }, clean);
    const tuned = tuner.stepFor({ bucket: 'b', user: undefined }, ladder);
    expect(tuned).toMatchObject({ scope: 'profile', step: ladder.home });
    // The choice explain shows names the step the call runs at, not the standings' own pick.
    expect(tuned.choice.step).toBe(ladder.home);
    expect(tuned.choice.reason).toMatch(/1 of 3 users/);
    // 0 lost in 500: the bound is 1 - 0.1^(1/500), about 0.0046. It read 1 (no evidence at all).
    expect(tuned.choice.standings).toHaveLength(ladder.steps.length);
    expect(tuned.choice.standings[0]?.lossBound).toBeCloseTo(1 - 0.1 ** (1 / 500), 6);
    expect(tuned.choice.standings[0]?.observations).toBe(500);
  });
});
