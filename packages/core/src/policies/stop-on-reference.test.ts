/**
 * stopOn on the linear-time engine against a reference: for random patterns (in the syntax the
 * translation covers), random texts and random chunkings, a stop is the match JS's own RegExp
 * finds in the whole text (same start, same end), and it is the same however the text is split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { feed, splitAt, splitPoints } from './policy-harness.test-util.js';
import { regexSource } from './regex-source.test-util.js';
import { stopOn } from './stop-on.js';

const atom = fc.constantFrom(
  'a',
  'b',
  'c',
  ' ',
  '1',
  '\\n',
  '\\.',
  '[ab]',
  '[^a]',
  '[a-c1]',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '\\d',
  '.',
  '\\bb',
  'a\\b',
  '\\Bc',
);

const pattern = regexSource({
  atom,
  quantifier: fc
    .tuple(fc.constantFrom('*', '+', '?', '{1,2}', '{2}'), fc.boolean())
    .map(([q, lazy]) => `${q}${lazy ? '?' : ''}`),
  captures: true,
});

const text = fc
  .array(fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '1', '.', '\n', '\r', '\u00a0', '🙂'), {
    maxLength: 30,
  })
  .map((chars) => chars.join(''));

/** The start and end stopOn decides on `pieces`, or undefined. */
function stream(regex: RegExp, pieces: string[]) {
  const deltas = pieces.map((delta) => ({ phase: 'answer' as const, delta }));
  const start = feed(stopOn([regex]), deltas).decision;
  const end = feed(stopOn([regex], { includeMatch: true }), deltas).decision;
  return start && end ? { start: start.cutAt, end: end.cutAt, decidedAt: start.decidedAt } : undefined;
}

describe('stopOn agrees with JS RegExp and is chunk-boundary invariant', () => {
  it('on random patterns, texts and splits', () => {
    let stops = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        pattern,
        fc.constantFrom('', 'i', 'm', 's', 'u'),
        text.chain((t) => fc.tuple(fc.constant(t), splitPoints(t.length))),
        (source, flags, [t, cuts]) => {
          const regex = new RegExp(source, flags);
          try {
            stopOn([regex]);
          } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            refused += 1;
            expect(error.message).toMatch(/empty string/); // the only refusal this syntax can meet
            return;
          }
          const once = stream(regex, [t]);
          const oneByOne = stream(regex, Array.from(t));
          const split = stream(regex, splitAt(t, cuts));
          expect(oneByOne).toEqual(once);
          expect(split).toEqual(once);
          if (once === undefined) return;
          stops += 1;
          // The reference: the first match JS finds in the whole text, followed by a character.
          // The engine reads whole characters (code points) as JS does with the u flag, so a
          // "." never takes half a surrogate pair.
          const found = new RegExp(source, flags.includes('u') ? flags : `${flags}u`).exec(t);
          expect(found, `${regex} on ${JSON.stringify(t)}`).not.toBeNull();
          const start = found?.index ?? -1;
          expect({ start, end: start + (found?.[0].length ?? 0) }).toEqual({
            start: once.start,
            end: once.end,
          });
          expect(once.end).toBeLessThan(t.length);
        },
      ),
      { numRuns: 2000 },
    );
    expect(stops).toBeGreaterThan(200);
    expect(refused).toBeLessThan(1500);
  });
});
