import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { type AnswerCompleteOptions, answerComplete } from './answer-complete.js';
import { chunks, feed } from './policy-harness.test-util.js';

/** What answerComplete keeps of `text` streamed in 3-character deltas (undefined: no stop). */
function kept(text: string, options: AnswerCompleteOptions = {}): string | undefined {
  const fed = feed(
    answerComplete({ quietChars: 0, ...options }),
    chunks(text, 3).map((delta) => ({ phase: 'answer' as const, delta })),
  );
  return fed.decision ? text.slice(0, fed.decision.cutAt) : undefined;
}

describe('answerComplete: boxed', () => {
  it('keeps the closing \\] of a display block around the boxed answer', () => {
    const text = 'Thus the number is:\n\n\\[\n\\boxed{400}\n\\]\n\nSo the final answer is 400 bees.';
    expect(kept(text)).toBe('Thus the number is:\n\n\\[\n\\boxed{400}\n\\]');
  });

  it('keeps $$ display math closed', () => {
    expect(kept('So $$\n\\boxed{7}\n$$\nThat is all.\n')).toBe('So $$\n\\boxed{7}\n$$');
  });

  it('handles nested braces and stops at the end of the sentence', () => {
    const text = 'So the result is \\boxed{\\frac{1}{2^{3}}}. We can verify this by plugging in.';
    expect(kept(text)).toBe('So the result is \\boxed{\\frac{1}{2^{3}}}.');
  });

  it('does not stop on a boxed that never closes', () => {
    expect(kept('The answer: \\boxed{\\frac{1}{2}\nand then more text\n')).toBeUndefined();
  });

  it('stops anyway after graceChars when the line never ends, at a word boundary', () => {
    const text = `\\boxed{5} ${'word '.repeat(30)}`;
    const cut = kept(text, { graceChars: 40 }) ?? '';
    expect(cut.startsWith('\\boxed{5}')).toBe(true);
    expect(cut.length).toBeGreaterThanOrEqual(40);
    expect(cut.endsWith(' ') || text[cut.length] === ' ').toBe(true);
  });
});

describe('answerComplete: answer phrases', () => {
  it('stops after "The answer is (X)." at the end of the sentence', () => {
    expect(kept('Step 1... The answer is (B). Because the derivative is positive.')).toBe(
      'Step 1... The answer is (B).',
    );
  });

  it('does not count a decimal point as a sentence end', () => {
    expect(kept('The answer is 3.5 cm. More text follows.')).toBe('The answer is 3.5 cm.');
  });

  it('ignores hypothetical and negated statements', () => {
    expect(
      kept('If the answer is 5, then x = 3.\nMaybe the answer is 4.\nThe answer is not 5.\n'),
    ).toBeUndefined();
  });

  it('ignores an answer that runs on into a clause', () => {
    expect(
      kept('So the answer is \\(7\\), which can also be written as 7.0 for clarity. More.\n'),
    ).toBeUndefined();
  });

  it('finds "Final answer:" and a "Final Answer" heading with the answer on a later line', () => {
    expect(kept('Work.\nFinal answer: 7\nThanks for asking')).toBe('Work.\nFinal answer: 7');
    expect(kept('### Final Answer\n\n\\[ \\boxed{12} \\]\nExtra')).toBe(
      '### Final Answer\n\n\\[ \\boxed{12} \\]',
    );
    expect(kept('**Answer:** 24\nbye')).toBe('**Answer:** 24');
  });

  it('does not treat "final answer" in running prose as a marker', () => {
    expect(
      kept('Before giving the final answer, check the units.\nDone.', { markers: ['final-answer'] }),
    ).toBeUndefined();
  });

  it('only uses the markers it is given', () => {
    expect(kept('The answer is 5.\nMore.', { markers: ['boxed'] })).toBeUndefined();
    expect(kept('The answer is \\boxed{5}.\nMore.', { markers: [] })).toBeUndefined();
  });
});

describe('answerComplete: restatements (quietChars)', () => {
  it('moves the stop to a restatement that follows within the quiet window', () => {
    const text =
      'Thus n is:\n\\[ \\boxed{17} \\]\n\nThe answer is (F).\n\nExtra commentary that goes on and on.';
    const fed = feed(
      answerComplete({ quietChars: 30 }),
      chunks(text, 4).map((delta) => ({ phase: 'answer' as const, delta })),
    );
    expect(text.slice(0, fed.decision?.cutAt)).toBe('Thus n is:\n\\[ \\boxed{17} \\]\n\nThe answer is (F).');
  });

  it('does not stop while boxed intermediate results keep coming within the window', () => {
    const text = 'a = \\boxed{3}, next b = \\boxed{4}, so a + b = \\boxed{7}.';
    expect(
      feed(answerComplete({ quietChars: 40 }), [{ phase: 'answer', delta: text }]).decision,
    ).toBeUndefined();
  });

  it('cuts back to the end of the answer once the window has passed quietly', () => {
    const text = `The answer is 42.\n${'Unrelated text. '.repeat(10)}`;
    const fed = feed(
      answerComplete({ quietChars: 50 }),
      chunks(text, 5).map((delta) => ({ phase: 'answer' as const, delta })),
    );
    expect(fed.decision?.cutAt).toBe('The answer is 42.'.length);
  });
});

describe('answerComplete: code fences and JSON', () => {
  it('stops after the first closed code block, language tag and inner backticks notwithstanding', () => {
    const text = 'Here:\n```python\nprint("```")\nx = 1\n```\nThis prints three backticks.';
    expect(kept(text, { markers: ['code-fence'] })).toBe('Here:\n```python\nprint("```")\nx = 1\n```');
  });

  it('needs a closing fence at least as long as the opening one', () => {
    const text = '````md\n```\ninner\n```\n````\ndone';
    expect(kept(text, { markers: ['code-fence'] })).toBe('````md\n```\ninner\n```\n````');
  });

  it('ignores markers inside code', () => {
    expect(
      kept('```\n// the answer is 5.\n\\boxed{5}\n', { markers: ['boxed', 'answer-is'] }),
    ).toBeUndefined();
  });

  it('stops at the end of a top-level JSON value, strings with braces and escapes handled', () => {
    const text =
      'Result:\n{"a": "}{", "b": [1, 2.5e3, {"c": null}], "d": "say \\"hi\\" \\u00e9"}\nHope this helps';
    expect(kept(text, { markers: ['json'] })).toBe(
      'Result:\n{"a": "}{", "b": [1, 2.5e3, {"c": null}], "d": "say \\"hi\\" \\u00e9"}',
    );
  });

  it('keeps the closing fence of a ```json block', () => {
    const text = 'Sure:\n```json\n[{"x": true}, false]\n```\nLet me know!';
    expect(kept(text, { markers: ['json'] })).toBe('Sure:\n```json\n[{"x": true}, false]\n```');
  });

  it('needs the value to end its line, so a bracket in prose is not taken for JSON', () => {
    expect(kept('[1] Smith et al. said so.\nAnd [2] too.\n', { markers: ['json'] })).toBeUndefined();
    expect(kept('See {this} and that.\n', { markers: ['json'] })).toBeUndefined();
  });
});

describe('answerComplete: options and phases', () => {
  it('validates its options with ConfigErrors naming the field', () => {
    const field = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'not a ConfigError';
      }
      return 'no error';
    };
    expect(field(() => answerComplete({ markers: 'boxed' as never }))).toBe('answerComplete.markers');
    expect(field(() => answerComplete({ markers: [] }))).toBe('no error');
    expect(field(() => answerComplete({ markers: ['boxed', 'nope' as never] }))).toBe(
      'answerComplete.markers[1]',
    );
    expect(field(() => answerComplete({ graceChars: 0 }))).toBe('answerComplete.graceChars');
    expect(field(() => answerComplete({ quietChars: -1 }))).toBe('answerComplete.quietChars');
    expect(field(() => answerComplete({ phase: 'both' as never }))).toBe('answerComplete.phase');
  });

  it('watches only the answer by default', () => {
    const deltas = [
      { phase: 'reasoning' as const, delta: 'Maybe \\boxed{3}.\nHmm.\n' },
      { phase: 'answer' as const, delta: 'So \\boxed{4}.\nDone.\n' },
    ];
    expect(feed(answerComplete({ quietChars: 0 }), deltas).decision).toMatchObject({
      phase: 'answer',
      cutAt: 'So \\boxed{4}.'.length,
    });
  });

  it('resets between calls', () => {
    const policy = answerComplete({ quietChars: 0 });
    const text = [{ phase: 'answer' as const, delta: 'The answer is 5.\nMore.' }];
    expect(feed(policy, text).decision?.cutAt).toBe(16);
    expect(feed(policy, text).decision?.cutAt).toBe(16);
  });
});
