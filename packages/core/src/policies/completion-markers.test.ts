import { describe, expect, it } from 'vitest';
import { AnswerPhraseScanner } from './completion-markers.js';

/** Whether "the answer is" at the end of `text` counts as a statement of the answer. */
function states(text: string): boolean {
  const scanner = new AnswerPhraseScanner({ answerIs: true, finalAnswer: true });
  let hit = false;
  for (let index = 0; index < text.length; index += 1) {
    if (scanner.push(text.charCodeAt(index), index, false)) hit = true;
  }
  return hit;
}

describe('AnswerPhraseScanner', () => {
  it('reads a hedge in the last 160 characters of the sentence, and no further back', () => {
    // "if " + 147 characters + " answer is": the "i" of "if" is the 160th character back.
    expect(states(`if ${'x'.repeat(147)} answer is 5.`)).toBe(false);
    expect(states(`if ${'x'.repeat(148)} answer is 5.`)).toBe(true);
    expect(states(`?${'x'.repeat(149)} answer is 5.`)).toBe(false);
    expect(states(`?${'x'.repeat(150)} answer is 5.`)).toBe(true);
  });

  it('reads a hedge only in the current sentence: after a line end or a blank after . ! ?', () => {
    expect(states('Maybe so. The answer is 5.')).toBe(true);
    expect(states('Maybe so.The answer is 5.')).toBe(false);
    expect(states('If so\nthe answer is 5.')).toBe(true);
    expect(states('Is it? The answer is 5.')).toBe(true);
    expect(states('Is it?The answer is 5.')).toBe(false);
  });
});
