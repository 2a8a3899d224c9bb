import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { balancedSettings, realtimeSettings } from '../profiles/presets.js';
import { isHedged, statementIn } from './answer-candidates.js';
import { type AnswerConvergenceOptions, answerConvergence, givenValues } from './answer-convergence.js';
import { isValueLike, normalizeAnswer } from './answer-normalize.js';
import { chunks, type Delta, feed, runWith, testCall } from './policy-harness.test-util.js';

const filler = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `Step ${i}: we expand the product and collect the terms of degree ${i} carefully.`,
  ).join('\n');

function run(reasoning: string, options: AnswerConvergenceOptions, answer = '') {
  const deltas: Delta[] = [
    ...chunks(reasoning, 7).map((delta): Delta => ({ phase: 'reasoning', delta })),
    ...chunks(answer, 7).map((delta): Delta => ({ phase: 'answer', delta })),
  ];
  return feed(answerConvergence(options), deltas).decision;
}

describe('statementIn', () => {
  it.each([
    ['So the answer is $\\frac{3}{4}$.', 'answer-is', '\\frac{3}{4}'],
    ['Therefore, the final answer is \\( 27 \\).', 'answer-is', '27'],
    ['So, the constant term is indeed \\(-125\\).', 'conclusion', '-125'],
    ['Therefore, 8 + 9 + 10 = 27.', 'conclusion', '27'],
    ['So, 10 ÷ (2/3) = 10 × (3/2) = 15.', 'conclusion', '15'],
    [
      'Thus \\[ \\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}} \\]',
      'boxed',
      '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}',
    ],
    ["I think that's the answer.", 'endorsement', undefined],
  ])('reads %j', (line, form, value) => {
    expect(statementIn(line)).toEqual(value === undefined ? { form } : { form, value });
  });

  it.each([
    'Wait, so the answer is 5?',
    'But then the total is 12.',
    'Let me check: so the sum is 12.',
    'Alternatively, the answer is 7.',
    'Hmm, so x = 4.',
    'So, y = -1 or y = 5.',
    'Therefore, the roots are x = 5, x = 7, and x = 3.',
    'So, for x ≥ -1, f(x) ranges from 0 at x = 0 to -1 at x = -1.',
    'So, the cubic factors as (x - 6)(x^2 + x - 2) = 0',
    'So, 27 is a multiple of 3.',
    'So, n = 2k + 1.',
    'The sum is 12.',
    'So the answer is 5, which we now double the size of.',
  ])('finds nothing in %j', (line) => {
    expect(statementIn(line)).toBeUndefined();
  });

  it('spots hedges as whole words only', () => {
    expect(isHedged('But then')).toBe(true);
    expect(isHedged('The butterfly count is 4.')).toBe(false);
    expect(isHedged('Is that right?')).toBe(true);
  });
});

describe('normalizeAnswer', () => {
  it.each([
    ['\\frac{3}{4}', '3/4'],
    ['\\dfrac34', '3/4'],
    ['$3/4$', '3/4'],
    ['-125.', '-125'],
    ['\\( -125 \\)', '-125'],
    ['1,000', '1000'],
    ['12.0', '12'],
    ['x = 5', '5'],
    ['90^\\circ', '90'],
    ['\\text{5 cm}', '5cm'],
    ['(3, π/2)', '(3,\\pi/2)'],
    ['\\frac{\\sqrt{3}}{3}', '\\sqrt{3}/3'],
  ])('%j becomes %j', (raw, normal) => {
    expect(normalizeAnswer(raw)).toBe(normal);
  });

  it('tells values from expressions', () => {
    expect(isValueLike('\\frac{\\sqrt{3}}{2}')).toBe(true);
    expect(isValueLike('(3, \\frac{\\pi}{2})')).toBe(true);
    expect(isValueLike('12 \\text{ cm}')).toBe(true);
    expect(isValueLike('x + 2')).toBe(false);
    expect(isValueLike('a multiple of 3')).toBe(false);
    expect(isValueLike('')).toBe(false);
  });
});

describe('answerConvergence', () => {
  it('never stops before a first answer, however long the reasoning', () => {
    expect(run(filler(300), { confirmations: 1, holdTokens: 0 })).toBeUndefined();
  });

  it('stops once the same answer is stated enough times, cutting after the last statement', () => {
    const reasoning = [
      filler(5),
      'So, the total is 42.',
      filler(10),
      'Wait, let me double-check the second step.',
      filler(10),
      'Therefore, the total is 42.',
      filler(3),
    ].join('\n');
    const decision = run(reasoning, { confirmations: 2, holdTokens: 100 });
    expect(decision?.answer).toBe('42');
    expect(decision?.cutAt).toBe(
      reasoning.indexOf('Therefore, the total is 42.') + 'Therefore, the total is 42.'.length,
    );
  });

  it('restarts the count when a different answer is stated', () => {
    const reasoning = [
      'So, the total is 42.',
      filler(3),
      'So, the total is 40.',
      filler(3),
      'So, the total is 42.',
      filler(3),
      '',
    ].join('\n');
    expect(run(reasoning, { confirmations: 2, holdTokens: 0 })).toBeUndefined();
    expect(run(reasoning, { confirmations: 1, holdTokens: 0 })?.answer).toBe('42');
  });

  it('ignores statements on hedged lines', () => {
    const reasoning = [
      'So, the total is 42.',
      filler(3),
      'But maybe the total is 42.',
      'Hmm, so the total is 42.',
      '',
    ].join('\n');
    expect(run(reasoning, { confirmations: 2, holdTokens: 0 })).toBeUndefined();
  });

  it('waits for holdTokens without a different answer, then cuts back to the last statement', () => {
    const reasoning = [
      'So, the total is 42.',
      'Therefore, the total is 42.',
      filler(40),
      'So the answer is 42.',
      '',
    ].join('\n');
    const decision = run(reasoning, { confirmations: 2, holdTokens: 200 });
    expect(decision?.cutAt).toBe('So, the total is 42.\nTherefore, the total is 42.'.length);
    expect(run(reasoning, { confirmations: 2, holdTokens: 100_000 })).toBeUndefined();
    const revised = [
      'So, the total is 42.',
      'Therefore, the total is 42.',
      filler(2),
      'So, the total is 41.',
      filler(40),
      '',
    ].join('\n');
    expect(run(revised, { confirmations: 2, holdTokens: 200 })).toBeUndefined();
  });

  it('agrees across notations: \\frac{3}{4}, 3/4 and $\\dfrac34$', () => {
    const reasoning = [
      'So the answer is \\(\\frac{3}{4}\\).',
      filler(2),
      'Therefore, the answer is 3/4.',
      filler(2),
      'So the answer is $\\dfrac34$.',
      '',
    ].join('\n');
    const decision = run(reasoning, { confirmations: 3, holdTokens: 0 });
    expect(decision?.answer).toBe('\\dfrac34');
  });

  it('needs an explicit statement to stop on an answer that is not a plain number', () => {
    const implicit = ['So, the ratio is 3/4.', filler(2), 'Therefore, the ratio is 3/4.', ''].join('\n');
    expect(run(implicit, { confirmations: 2, holdTokens: 0 })).toBeUndefined();
    const explicit = ['So, the ratio is 3/4.', filler(2), 'Therefore, the answer is 3/4.', ''].join('\n');
    expect(run(explicit, { confirmations: 2, holdTokens: 0 })?.answer).toBe('3/4');
  });

  it('does not stop while an earlier explicit answer disagrees', () => {
    const reasoning = [
      'So the answer is 7.',
      filler(2),
      'So, the total is 42.',
      filler(2),
      'Thus, the total is 42.',
      '',
    ].join('\n');
    expect(run(reasoning, { confirmations: 2, holdTokens: 0 })).toBeUndefined();
  });

  it('counts an endorsement as agreeing with the previous statement', () => {
    const reasoning = ['So, the total is 42.', filler(2), "I think that's the answer.", ''].join('\n');
    expect(run(reasoning, { confirmations: 2, holdTokens: 0 })?.cutAt).toBe(
      reasoning.indexOf("I think that's the answer.") + 26,
    );
  });

  it('ends the kept reasoning after the display block of a boxed answer', () => {
    const reasoning = ['So the answer is 9.', filler(2), '\\[', '\\boxed{9}', '\\]', filler(2)].join('\n');
    const decision = run(reasoning, { confirmations: 2, holdTokens: 0 });
    expect(reasoning.slice(0, decision?.cutAt).endsWith('\\boxed{9}\n\\]')).toBe(true);
  });

  it('does not take a restated given of the prompt for a concluded answer', () => {
    // The start of a recorded AIME solution (Sky-T1 14B): the problem's "= 10" restated twice.
    const prompt =
      'There exist real numbers $x$ and $y$, both greater than 1, such that $\\log_x\\left(y^x\\right)=\\log_y\\left(x^{4y}\\right)=10$. Find $xy$.';
    const reasoning = [
      'Applying that property to the first equation:',
      'So, \\( x \\log_x(y) = 10 \\)',
      'Similarly, for the second equation:',
      'So, \\( 4y \\log_y(x) = 10 \\)',
      filler(40),
      'Therefore, xy = 25.',
      filler(40),
      'So the answer is 25.',
      filler(40),
    ].join('\n');
    const options = { confirmations: 2, holdTokens: 150 };
    const deltas = chunks(reasoning, 7).map((delta): Delta => ({ phase: 'reasoning', delta }));
    const call = testCall({ prompt, messages: [{ role: 'user', content: prompt }] });
    const decision = feed(answerConvergence(options), deltas, { call }).decision;
    expect(decision?.answer).toBe('25');
    // Without the prompt, the two restatements converge on the given.
    expect(feed(answerConvergence(options), deltas).decision?.answer).toBe('10');
    // A box or "the answer is" with a given value still counts.
    const boxed = ['So the answer is 10.', filler(40), 'Thus \\boxed{10}.', filler(40)].join('\n');
    const boxedDeltas = chunks(boxed, 7).map((delta): Delta => ({ phase: 'reasoning', delta }));
    expect(feed(answerConvergence(options), boxedDeltas, { call }).decision?.answer).toBe('10');
  });

  it('still lets a restated given end a run of another answer', () => {
    // A recorded AMC solution (Sky-T1 14B) whose prompt says "n = 5": the remainders of
    // 4^10, 5^10 and 6^10 are not two statements of 6 in a row.
    const prompt =
      'For example, ... is one such sequence, with $n = 5$. What is the remainder when $K$ is divided by $10$?';
    const reasoning = [
      'So, \\( 4^{10} \\mod 10 = 6 \\).',
      filler(15),
      'So, \\( 5^{10} \\mod 10 = 5 \\).',
      filler(15),
      'So, \\( 6^{10} \\mod 10 = 6 \\).',
      filler(40),
      'So the answer is 5.',
      filler(20),
      '\\[ \\boxed{5} \\]',
      filler(40),
    ].join('\n');
    const deltas = chunks(reasoning, 7).map((delta): Delta => ({ phase: 'reasoning', delta }));
    const call = testCall({ prompt, messages: [{ role: 'user', content: prompt }] });
    const decision = feed(answerConvergence({ confirmations: 2, holdTokens: 150 }), deltas, {
      call,
    }).decision;
    expect(decision?.answer).toBe('5');
  });

  it('reads the values a prompt sets with "=", not the start of an expression', () => {
    expect([...givenValues('such that $\\log_x(y^x)=10$. Find $xy$.')]).toEqual(['10']);
    expect([...givenValues('If x + y = 7 and xy = -12, find x^2 + y^2.')]).toEqual(['7', '-12']);
    expect([...givenValues('k = \\(5\\) and m = 1.5.')]).toEqual(['5', '1.5']);
    expect([...givenValues('f(x) = 10x + 3, g = 3/4, h = 2\\pi, p = 10^2, q = 4_{10}.')]).toEqual([]);
    expect([...givenValues('What is 2 + 2?')]).toEqual([]);
  });

  it('watches only the reasoning by default', () => {
    const text = ['So, the total is 42.', 'Therefore, the total is 42.', ''].join('\n');
    expect(run('', { confirmations: 2, holdTokens: 0 }, text)).toBeUndefined();
    expect(
      feed(answerConvergence({ confirmations: 2, holdTokens: 0, phase: 'answer' }), [
        { phase: 'answer', delta: text },
      ]).decision?.answer,
    ).toBe('42');
  });

  it('has ordered presets and validates its options', () => {
    const balanced = balancedSettings.answerConvergence as AnswerConvergenceOptions;
    const realtime = realtimeSettings.answerConvergence as AnswerConvergenceOptions;
    expect(balanced.confirmations).toBeGreaterThan(realtime.confirmations as number);
    const field = (options: AnswerConvergenceOptions) => {
      try {
        answerConvergence(options);
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'other';
      }
      return 'none';
    };
    expect(field({ confirmations: 0 })).toBe('answerConvergence.confirmations');
    expect(field({ holdTokens: -5 })).toBe('answerConvergence.holdTokens');
    expect(field({ phase: 'x' as never })).toBe('answerConvergence.phase');
    expect(field(balanced)).toBe('none');
  });

  it('through the runner: the reasoning ends with the answer, the answer phase never starts', async () => {
    const reasoning = ['So, the total is 42.', filler(3), 'Therefore, the total is 42.', filler(30), ''].join(
      '\n',
    );
    const deltas: Delta[] = [
      ...chunks(reasoning, 9).map((delta): Delta => ({ phase: 'reasoning', delta })),
      { phase: 'answer', delta: 'The total is 42.' },
    ];
    const result = await runWith(answerConvergence({ confirmations: 2, holdTokens: 50 }), deltas);
    expect(result.outcome).toBe('policy-stop');
    expect(result.answer).toBe('42');
    expect(result.text).toBe('');
    expect(result.reasoning?.endsWith('Therefore, the total is 42.')).toBe(true);
    expect(result.stop).toMatchObject({ phase: 'reasoning', atChar: result.reasoning?.length });
  });
});
