import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phraseMatcher } from './phrase-matcher.js';

/**
 * What phrases matched before the word edges moved out of the pattern: one case-insensitive
 * Unicode RegExp with the edges as characters, capture group 1 the phrase as found.
 */
function reference(phrase: string, text: string): string | undefined {
  const body = phrase
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}_])(${body})(?:[^\\p{L}\\p{N}_]|$)`, 'iu').exec(text)?.[1];
}

// Pieces that sit on both sides of a word edge: letters of several scripts and cases, digits,
// `_`, an astral letter and an astral symbol, white space and punctuation.
const piece = fc.constantFrom(
  'a',
  'B',
  'ab',
  'Ab',
  'é',
  'É',
  'ß',
  'π',
  'Π',
  '1',
  '٣',
  '_',
  '𝐀',
  '🙂',
  ' ',
  '  ',
  '\n',
  '-',
  '.',
  ';',
  'K',
);
const text = fc.array(piece, { maxLength: 14 }).map((pieces) => pieces.join(''));
const phrase = fc
  .array(fc.constantFrom('a', 'ab', 'B', 'é', 'π', '1', 'k', 'a-b', 'tl;dr', 'x.y'), {
    minLength: 1,
    maxLength: 3,
  })
  .map((words) => words.join(' '));

describe('phraseMatcher', () => {
  it('finds what the one-RegExp form found, on random texts', () => {
    fc.assert(
      fc.property(phrase, text, (p, t) => {
        expect(phraseMatcher(p).find(t)).toBe(reference(p, t));
        expect(phraseMatcher(p).test(t)).toBe(reference(p, t) !== undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it('matches whole words in any case, with any white space between them', () => {
    const matcher = phraseMatcher('step by step');
    expect(matcher.find('Think Step  by\nSTEP.')).toBe('Step  by\nSTEP');
    expect(matcher.find('steps by step')).toBeUndefined();
    expect(phraseMatcher('explain').find('explained, then explain')).toBe('explain');
    // A letter outside ASCII continues a word; the Kelvin sign folds to k, as in a Unicode RegExp.
    expect(phraseMatcher('ok').find('éok, oK')).toBe('oK');
    expect(phraseMatcher('k').find('\u212a')).toBe('\u212a');
  });

  it('is the same after a match, a miss, or a text that ended mid-search (no state kept)', () => {
    const matcher = phraseMatcher('ab');
    expect(matcher.find('xab ab')).toBe('ab');
    expect(matcher.find('abx')).toBeUndefined();
    expect(matcher.find('ab')).toBe('ab');
  });
});
