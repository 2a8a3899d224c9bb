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

describe('finalAnswer on multiple choice', () => {
  it('reads the letter of a choice, not the option text after it', () => {
    expect(finalAnswer('The answer is J. true, true')).toBe('j');
    expect(finalAnswer('The answer is (A) f(4)')).toBe('a');
    expect(finalAnswer('So the answer is 7.4. Then we check.')).toBe('7.4');
  });
});

describe('finalAnswer across lines and markup', () => {
  it('takes the restatement on the next line, without bold or an unclosed \\text', () => {
    expect(finalAnswer('the correct answer is:\n\n**The answer is (C).**')).toBe('c');
    expect(finalAnswer('the answer is:\n\\[ \\text{The answer is A.')).toBe('a');
  });
});
