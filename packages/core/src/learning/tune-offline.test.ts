import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { defineProfile } from '../profiles/define-profile.js';
import { type RecordedCall, tuneOffline } from './tune-offline.js';

/**
 * Recorded calls of one task: a worked answer stated early ("So the answer is N."), then a
 * recheck that, in some outputs, changes its mind. A stop right after the first statement saves
 * the recheck and loses exactly the answers that changed.
 */
function traffic(count: number, changedEvery: number): RecordedCall[] {
  return Array.from({ length: count }, (_, i) => {
    const first = 10 + (i % 7);
    const final = changedEvery > 0 && i % changedEvery === 0 ? first + 1 : first;
    return {
      id: `call-${i}`,
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `What is ${first} plus zero? End with "the answer is".` }],
      output: `We compute it. So the answer is ${first}.\n\nLet me double-check each step once more, carefully, line by line, to be sure nothing was missed in the arithmetic or the reading of the question. ${'Checking again. '.repeat(20)}So the answer is ${final}.`,
    };
  });
}

describe('tuneOffline', () => {
  it('certifies the aggressive steps on traffic whose first answer stands, and writes a loadable profile', async () => {
    const tuned = await tuneOffline({
      records: traffic(600, 0),
      profile: 'balanced',
      learn: { risk: 0.02, confidence: 0.9, minSamples: 100 },
    });
    expect(tuned.pooled.step).toBe(tuned.ladder.length - 1);
    expect(tuned.report.pooled.tokenReduction).toBeGreaterThan(0);
    expect(tuned.report.pooled.lossRate).toBe(0);
    const profile = defineProfile('offline-tuned-test', tuned.definition);
    expect(profile.name).toBe('offline-tuned-test');
  });

  it('stays conservative where stopping early loses answers, and reports the loss on held-out calls', async () => {
    // One output in ten changes its answer after the first statement.
    const tuned = await tuneOffline({
      records: traffic(600, 10),
      profile: 'balanced',
      learn: { risk: 0.02, confidence: 0.9, minSamples: 100 },
    });
    // Every step keeps balanced's "the answer is" marker, so none is within the risk: the tuner
    // takes the most conservative step and the held-out report shows what it costs.
    expect(tuned.pooled.standings.every((standing) => !standing.passes)).toBe(true);
    expect(tuned.pooled.step).toBe(0);
    expect(tuned.report.static.records).toBeGreaterThan(50);
    expect(tuned.report.pooled.lossRate).toBeGreaterThan(0.05);
    expect(tuned.report.pooled.lossRate).toBeLessThan(0.15);
  });

  it("replays adaptive length's budgets from the lengths of the records before, as a live client would", async () => {
    // One task: short answers, and one output in forty (under the budget's 95th percentile) that
    // rambles for about 1,500 tokens before the same answer. A budget learnt from the records
    // before cuts the ramblers (and their answer, stated last); with no history there is no
    // budget and nothing to cut.
    const records: RecordedCall[] = Array.from({ length: 800 }, (_, i) => ({
      id: `len-${i}`,
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Name the capital of France, in one sentence.' }],
      output:
        i % 40 === 39
          ? `${Array.from({ length: 300 }, (_, k) => `Point ${k} about history.`).join(' ')} The answer is Paris.`
          : 'The capital of France is Paris, on the Seine. The answer is Paris.',
    }));
    const tuned = await tuneOffline({ records, profile: 'balanced', learn: { minSamples: 50 } });
    const home = tuned.report.static;
    // The held-out ramblers are cut: most of their tokens saved, and each cut loses its answer.
    expect(home.tokenReduction).toBeGreaterThan(0.3);
    expect(home.lossRate).toBeGreaterThan(0);
    expect(home.lossRate).toBeLessThan(0.1);
  });

  it('refuses an empty record list and a bad held-out share', async () => {
    await expect(tuneOffline({ records: [], profile: 'balanced' })).rejects.toThrow(ConfigError);
    await expect(
      tuneOffline({ records: traffic(5, 0), profile: 'balanced', heldOutShare: 1 }),
    ).rejects.toThrow(/heldOutShare/);
  });

  it('refuses a misspelt learn option and a malformed record, naming them', async () => {
    await expect(
      tuneOffline({ records: traffic(5, 0), profile: 'balanced', learn: { minSample: 5 } as never }),
    ).rejects.toThrow(/learn\.minSample.*minSamples/);
    const records = traffic(5, 0);
    const broken: RecordedCall[] = records.map((record, i) =>
      i === 3 ? ({ ...record, output: undefined } as never) : record,
    );
    await expect(tuneOffline({ records: broken, profile: 'balanced' })).rejects.toThrow(
      /records\[3\]\.output.*must be a string, got undefined/,
    );
  });
});
