import { describe, expect, it } from 'vitest';
import { lastWordEnd, sentenceOrLineEnd } from './clean-cut.js';

describe('clean cuts', () => {
  it('finds the end of a sentence (kept with its mark) or of a line (before the newline)', () => {
    expect(sentenceOrLineEnd('It is done. Then', 0)).toBe(11);
    expect(sentenceOrLineEnd('Really? Yes', 0)).toBe(7);
    expect(sentenceOrLineEnd('a line\nnext', 0)).toBe(6);
  });

  it('skips a period after a digit, a period not followed by white space, and what is before `from`', () => {
    expect(sentenceOrLineEnd('1. First 3.5 is x', 0)).toBe(-1);
    expect(sentenceOrLineEnd('e.g.x', 0)).toBe(-1);
    expect(sentenceOrLineEnd('Done. More. And', 5)).toBe(11);
    // The mark may end one delta and its space begin the next: from = the mark's index.
    expect(sentenceOrLineEnd('word. ', 4)).toBe(5);
    expect(sentenceOrLineEnd('word.', 0)).toBe(-1);
  });

  it('falls back to the last white space', () => {
    expect(lastWordEnd('alpha beta gam')).toBe(10);
    expect(lastWordEnd('nospace')).toBe(-1);
  });
});
