import { describe, expect, it } from 'vitest';
import { finalAnswer } from './final-answer.js';

describe('finalAnswer', () => {
  it('reads boxed answers, stated answers, then the last number, normalised', () => {
    expect(finalAnswer('so x = 3, and \\boxed{\\frac{1}{2}} is it')).toBe('\\frac{1}{2}');
    expect(finalAnswer('The answer is (C).\nThanks')).toBe('c');
    expect(finalAnswer('Final answer: 1,234 apples.')).toBe('1234apples');
    expect(finalAnswer('We get 12 then 15')).toBe('15');
    expect(finalAnswer('No numbers here')).toBeUndefined();
  });

  it('ignores a box still open and takes the one before it', () => {
    expect(finalAnswer('\\boxed{7} wait, \\boxed{8')).toBe('7');
  });

  it('says two formats of one answer are the same', () => {
    expect(finalAnswer('the answer is $42$.')).toBe(finalAnswer('\\boxed{42}'));
  });
});
