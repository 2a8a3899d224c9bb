import { describe, expect, it } from 'vitest';
import { chunks, type Delta, feed } from './policy-harness.test-util.js';
import { stopOn } from './stop-on.js';

const answer = (pieces: string[]): Delta[] => pieces.map((delta) => ({ phase: 'answer', delta }));

describe('stopOn', () => {
  it('finds a string split across deltas and cuts before it', () => {
    const fed = feed(stopOn(['STOP']), answer(['Hello ST', 'OP and more']));
    expect(fed.decision?.cutAt).toBe(6);
  });

  it('keeps the match with includeMatch', () => {
    const fed = feed(
      stopOn([/Final answer: .+\n/], { includeMatch: true }),
      answer(['Work.\nFinal ans', 'wer: 42\nThanks']),
    );
    expect(fed.decision?.cutAt).toBe('Work.\nFinal answer: 42\n'.length);
  });

  it('waits for a character after a regex match, so a greedy ending is the same however chunked', () => {
    const text = 'total 1234 apples';
    for (const size of [1, 2, 3, 7, text.length]) {
      const fed = feed(stopOn([/\d+/], { includeMatch: true }), answer(chunks(text, size)));
      expect(fed.decision?.cutAt).toBe('total 1234'.length);
    }
  });

  it('does not act on a regex match at the very end of the output', () => {
    expect(feed(stopOn([/\d+/]), answer(['total 12', '34'])).decision).toBeUndefined();
  });

  it('uses the character before the window as context, so \\b does not match mid-word', () => {
    // With a 3-character window the match "ace" inside "surface" would start the window.
    const policy = stopOn([/\bace\b/], { maxMatchLength: 3 });
    expect(feed(policy, answer(chunks('surface area. ace!', 2))).decision?.cutAt).toBe(
      'surface area. '.length,
    );
    expect(feed(policy, answer(['surf', 'ace area.'])).decision).toBeUndefined();
  });

  it('picks the match that is complete first in the text', () => {
    const fed = feed(stopOn(['needle', /hay\w*/]), answer(['hayneedle!']));
    expect(fed.decision?.cutAt).toBe(0);
    expect(fed.decision?.reason).toMatch(/hay/);
  });

  it('ignores regex matches longer than maxMatchLength', () => {
    const policy = stopOn([/<[^>]*>/], { maxMatchLength: 5 });
    expect(feed(policy, answer(['<abcdefgh> <ab> x'])).decision?.cutAt).toBe('<abcdefgh> '.length);
  });

  it('watches the phase it is told to', () => {
    const deltas: Delta[] = [
      { phase: 'reasoning', delta: 'think STOP' },
      { phase: 'answer', delta: 'say STOP' },
    ];
    expect(feed(stopOn(['STOP']), deltas).decision).toMatchObject({ phase: 'answer', cutAt: 4 });
    expect(feed(stopOn(['STOP'], { phase: 'reasoning' }), deltas).decision).toMatchObject({
      phase: 'reasoning',
      cutAt: 6,
    });
  });

  it('ignores empty deltas (timed checks)', () => {
    expect(feed(stopOn(['x']), answer(['', 'a', ''])).decision).toBeUndefined();
  });

  it('fed on after a decision (shadow, allOf), finds the next regex match instead of repeating one', () => {
    const policy = stopOn([/\d+/], { includeMatch: true });
    const step = (delta: string, deltaOffset: number) =>
      policy.step({ phase: 'answer', delta, deltaOffset } as never)?.cutAt;
    expect(step('a 12 b 7', 0)).toBe('a 12'.length);
    expect(step('8 c', 8)).toBe('a 12 b 78'.length);
    expect(step(' d', 11)).toBeUndefined();
  });
});
