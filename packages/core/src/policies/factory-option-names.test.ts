import { describe, expect, it } from 'vitest';
import { adaptiveLength } from '../adaptive/adaptive-length.js';
import { ConfigError } from '../errors.js';
import { answerComplete } from './answer-complete.js';
import { answerConvergence } from './answer-convergence.js';
import { maxTokens } from './max-tokens.js';
import { repetition } from './repetition.js';
import { stopOn } from './stop-on.js';
import { timeout } from './timeout.js';

// Plain JavaScript callers get no excess-property check: a misspelt option would be a policy
// that silently runs with its default.
describe('policy factories refuse option names they do not take', () => {
  it.each([
    [
      'repetition',
      () => repetition({ minRepeat: 3 } as never),
      /`repetition.minRepeat`.*did you mean `minRepeats`/,
    ],
    [
      'answerComplete',
      () => answerComplete({ graceChar: 3 } as never),
      /`answerComplete.graceChar`.*did you mean `graceChars`/,
    ],
    [
      'answerConvergence',
      () => answerConvergence({ confirmation: 2 } as never),
      /`answerConvergence.confirmation`.*did you mean `confirmations`/,
    ],
    ['stopOn', () => stopOn(['x'], { phse: 'answer' } as never), /`stopOn.phse`.*did you mean `phase`/],
    ['maxTokens', () => maxTokens(10, { safe: false } as never), /`maxTokens.safe`.*allowed: phase, safety/],
    [
      'timeout',
      () => timeout({ firstTokenMS: 3 } as never),
      /`timeout.firstTokenMS`.*did you mean `firstTokenMs`/,
    ],
    ['adaptiveLength', () => adaptiveLength({ quantil: 0.9 } as never), /quantil/],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });

  it('still takes every documented option', () => {
    expect(repetition({ minRepeatChars: 400, minRepeats: 2, windowChars: 4096, phase: 'any' }).name).toMatch(
      /repetition/,
    );
    expect(stopOn(['x'], { includeMatch: true, maxMatchLength: 8, phase: 'any' }).name).toMatch(/stopOn/);
    expect(maxTokens(10, { phase: 'answer', safety: false }).name).toBe('maxTokens(10, answer)');
    expect(timeout({ firstTokenMs: 1, idleMs: 2, totalMs: 3 }).name).toMatch(/timeout/);
  });
});
