/**
 * Chunk-boundary invariance: however a provider splits the same output into deltas (inside a
 * surrogate pair, inside a marker, one character at a time or all at once), every output-side
 * policy stops at the same place. Runs through `createClient` and the scripted provider, so the
 * real runner's views, cut and trim are exercised, on a sample of recorded model outputs.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyOf } from '../combinators.js';
import type { StopPolicy } from '../policy.js';
import { balancedSettings, realtimeSettings } from '../profiles/presets.js';
import { answerComplete } from './answer-complete.js';
import type { AnswerConvergenceOptions } from './answer-convergence.js';
import { answerConvergence } from './answer-convergence.js';
import {
  type Delta,
  feed,
  keptOf,
  type Output,
  outputDeltas,
  runWith,
  splitAt,
  splitPoints,
} from './policy-harness.test-util.js';
import { repetition } from './repetition.js';
import { stopOn } from './stop-on.js';

interface Fixture extends Output {
  id: string;
}

const fixtures: Fixture[] = readFileSync(
  new URL('./__fixtures__/trace-sample.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Fixture);

const policies: Record<string, () => StopPolicy> = {
  stopOn: () =>
    stopOn(
      [
        '\n\n\n',
        'Therefore, the',
        /answer is \(?[A-J]\)?[.\n]/,
        /\\boxed\{-?\d+\}/,
        /\bverify\b/i,
        /Final answer: \d+/,
      ],
      {
        phase: 'any',
        includeMatch: true,
      },
    ),
  answerComplete: () => answerComplete({ quietChars: 300 }),
  repetition: () => repetition(),
  answerConvergence: () => answerConvergence(realtimeSettings.answerConvergence as AnswerConvergenceOptions),
  'answerConvergence(balanced)': () =>
    answerConvergence(balancedSettings.answerConvergence as AnswerConvergenceOptions),
  // A chain: when two policies decide on the same delta, the one that would have decided first
  // on any split must win, not the first in chain order.
  'anyOf(stopOn, answerComplete, repetition)': () =>
    anyOf(
      stopOn([/\bverify\b/i, 'Therefore, the'], { phase: 'any' }),
      answerComplete({ quietChars: 0 }),
      repetition({ minRepeatChars: 60 }),
    ),
};

/** Puts an astral character (a surrogate pair) at every paragraph break, on both sides alike. */
function withEmoji(output: Output): Output {
  const decorate = (text: string) => text.replaceAll('\n\n', '\n\n🙂 ');
  return {
    reasoning: output.reasoning === undefined ? undefined : decorate(output.reasoning),
    output: decorate(output.output),
  };
}

const whole = (output: Output): Delta[] => outputDeltas(output, { reasoning: [], answer: [] });

describe.each(Object.entries(policies))('%s is chunk-boundary invariant', (_, make) => {
  it('stops on some of the sample (the property below is not vacuous)', async () => {
    const results = await Promise.all(fixtures.map((fixture) => runWith(make(), whole(fixture))));
    expect(results.filter((result) => result.outcome === 'policy-stop').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the same text for any split of a recorded output', async () => {
    const reference = new Map<string, ReturnType<typeof keptOf>>();
    const referenceOf = async (index: number, emoji: boolean) => {
      const key = `${index}:${emoji}`;
      if (!reference.has(key)) {
        const output = emoji ? withEmoji(fixtures[index] as Fixture) : (fixtures[index] as Fixture);
        reference.set(key, keptOf(await runWith(make(), whole(output))));
      }
      return reference.get(key) as ReturnType<typeof keptOf>;
    };
    const arbitrary = fc
      .tuple(fc.integer({ min: 0, max: fixtures.length - 1 }), fc.boolean())
      .chain(([index, emoji]) => {
        const output = emoji ? withEmoji(fixtures[index] as Fixture) : (fixtures[index] as Fixture);
        return fc.record({
          index: fc.constant(index),
          emoji: fc.constant(emoji),
          reasoning: splitPoints(output.reasoning?.length ?? 0),
          answer: splitPoints(output.output.length),
        });
      });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ index, emoji, reasoning, answer }) => {
        const output = emoji ? withEmoji(fixtures[index] as Fixture) : (fixtures[index] as Fixture);
        const result = await runWith(make(), outputDeltas(output, { reasoning, answer }));
        expect(keptOf(result)).toEqual(await referenceOf(index, emoji));
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the same text when every character arrives alone', () => {
    for (const fixture of fixtures) {
      const oneByOne = outputDeltas(fixture, {
        reasoning: Array.from({ length: fixture.reasoning?.length ?? 0 }, (_, i) => i),
        answer: Array.from({ length: fixture.output.length }, (_, i) => i),
      });
      const split = feed(make(), oneByOne).decision;
      const once = feed(make(), whole(fixture)).decision;
      expect({ id: fixture.id, phase: split?.phase, cutAt: split?.cutAt, answer: split?.answer }).toEqual({
        id: fixture.id,
        phase: once?.phase,
        cutAt: once?.cutAt,
        answer: once?.answer,
      });
    }
  });
});

describe('splits inside markers and surrogate pairs (synthetic outputs)', () => {
  const pieces = [
    'The answer is (B). ',
    '\\boxed{\\frac{1}{2}}',
    '\\[\n\\boxed{42}\n\\]\n',
    'Final answer: 7\n',
    'Final answer: 1234\n',
    'We are verifying it. ',
    'Now verify. ',
    'So, the total is 42.\n',
    "I think that's the answer.\n",
    '```json\n{"a": "}{", "b": [1, 2]}\n```\n',
    '😀🙂 emoji 👍🏽 text. ',
    'Let me check this step again.\n',
    'a loop line that repeats itself over and over again 🔁\n'.repeat(12),
    'word ',
    '\n\n',
  ];
  const text = fc
    .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 25 })
    .map((parts) => parts.join(''));
  // The convergence presets hold for more text than these outputs have (they would rarely stop,
  // making the property vacuous); the recorded sample above covers them.
  const { answerConvergence: _realtime, 'answerConvergence(balanced)': _balanced, ...short } = policies;
  const synthetic: Record<string, () => StopPolicy> = {
    ...short,
    'answerComplete(code, json)': () =>
      answerComplete({ markers: ['code-fence', 'json', 'boxed'], quietChars: 20 }),
    'repetition(short)': () => repetition({ minRepeatChars: 60 }),
    'answerConvergence(2, hold 0)': () =>
      answerConvergence({ confirmations: 2, holdTokens: 0, phase: 'any' }),
    'answerConvergence(2, hold 30)': () =>
      answerConvergence({ confirmations: 2, holdTokens: 30, phase: 'any' }),
  };

  it.each(Object.entries(synthetic))('%s cuts at the same offset for any split', (_, make) => {
    let stops = 0;
    fc.assert(
      fc.property(
        text.chain((t) => fc.tuple(fc.constant(t), splitPoints(t.length))),
        fc.constantFrom<'answer' | 'reasoning'>('answer', 'reasoning'),
        ([t, cuts], phase) => {
          const once = feed(make(), [{ phase, delta: t }]).decision;
          const split = feed(
            make(),
            splitAt(t, cuts).map((delta) => ({ phase, delta })),
          ).decision;
          if (once) stops += 1;
          expect(split?.cutAt).toBe(once?.cutAt);
          expect(split?.answer).toBe(once?.answer);
        },
      ),
      { numRuns: 150 },
    );
    expect(stops).toBeGreaterThanOrEqual(3);
  });

  it('the runner never keeps half a surrogate pair, whatever the split', async () => {
    const output = { output: `${'🙂 The answer is (B). '}${'x'.repeat(400)}` };
    await fc.assert(
      fc.asyncProperty(splitPoints(output.output.length, [1, 2, 20, 21]), async (cuts) => {
        const result = await runWith(
          answerComplete({ quietChars: 0 }),
          outputDeltas(output, { reasoning: [], answer: cuts }),
        );
        expect(result.text).toBe('🙂 The answer is (B).');
      }),
      { numRuns: 60 },
    );
  });
});
