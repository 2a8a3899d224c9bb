import { describe, expect, it } from 'vitest';
import { isWordBoundary, safeCutIndex } from './text-boundary.js';

describe('text boundaries', () => {
  it('safeCutIndex never splits a surrogate pair and clamps', () => {
    const text = 'a😀b';
    expect(safeCutIndex(text, 2)).toBe(1);
    expect(safeCutIndex(text, 3)).toBe(3);
    expect(safeCutIndex(text, -4)).toBe(0);
    expect(safeCutIndex(text, 99)).toBe(4);
  });

  it('isWordBoundary is false only inside a word, in any script', () => {
    expect(isWordBoundary('hello world', 5)).toBe(true);
    expect(isWordBoundary('hello world', 3)).toBe(false);
    expect(isWordBoundary('naïve', 3)).toBe(false);
    expect(isWordBoundary('日本語', 1)).toBe(false);
    expect(isWordBoundary('x = 42.', 6)).toBe(true);
  });
});
