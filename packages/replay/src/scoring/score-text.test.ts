import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../traces/load-traces.js';
import { sampleTracesDir } from '../traces/trace-paths.js';
import { isScorable } from '../traces/trace-record.js';
import { mathAnswer, normalizeMath } from './math-scorer.js';
import { numberAnswer } from './number-scorer.js';
import { pyFloat, pyStrip } from './python-text.js';
import { scoreText } from './score-text.js';
import { textVariants } from './text-variants.js';

// What the reference scorers.py says of the committed sample (written by make-sample.py).
const expectedAccuracy = new Map(
  readFileSync(join(sampleTracesDir, 'expected', 'accuracy.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([file, outputs, accuracy]) => [file, { outputs: Number(outputs), accuracy: Number(accuracy) }]),
);
const expectedVerdicts = new Map(
  readFileSync(join(sampleTracesDir, 'expected', 'verdicts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { file: string; id: string; verdicts: Record<string, boolean> })
    .map((row) => [`${row.file}\t${row.id}`, row.verdicts]),
);
const sample = await loadTraces({ path: sampleTracesDir });

describe('scoreText on the committed sample', () => {
  it('covers every shared trace file and every scorer', () => {
    expect(sample.map((file) => file.name)).toEqual([...expectedAccuracy.keys()]);
    const scorers = new Set(sample.flatMap((file) => file.records.map((record) => record.scorer)));
    expect([...scorers].sort()).toEqual(['choice', 'math', 'number']);
  });

  it.each(sample.map((file) => [file.name, file] as const))(
    '%s: full-output accuracy equals scorers.py',
    (name, file) => {
      const records = file.records.filter(isScorable);
      const correct = records.filter((record) =>
        scoreText({ record, text: record.output, reasoning: record.reasoning }),
      ).length;
      const expected = expectedAccuracy.get(name);
      expect(records.length).toBe(expected?.outputs);
      expect((correct / records.length).toFixed(4)).toBe(expected?.accuracy.toFixed(4));
    },
  );

  it('gives the verdict of scorers.py on every record, full and cut at 7 points', () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const file of sample) {
      for (const record of file.records.filter(isScorable)) {
        const verdicts = expectedVerdicts.get(`${file.name}\t${record.id}`);
        expect(verdicts, record.id).toBeDefined();
        for (const variant of textVariants(record)) {
          compared += 1;
          const got = scoreText({ record, text: variant.text, reasoning: variant.reasoning });
          if (got !== verdicts?.[variant.name]) mismatches.push(`${record.id} ${variant.name}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });
});

describe('scorer rules', () => {
  const number = { scorer: 'number' as const, gold: '1234' };
  const choice = { scorer: 'choice' as const, gold: 'C' };
  const math = { scorer: 'math' as const, gold: '\\frac{1}{2}' };

  it('number: last \\boxed{}, else after "answer is", else the last sentence, else the last number', () => {
    expect(numberAnswer('So \\boxed{12} then \\boxed{1,234.} units')).toBe(1234);
    expect(numberAnswer('The answer is 7 apples, not 9.')).toBe(7);
    expect(numberAnswer('First 3. Then we get 5 apples. Total: 8 pears.')).toBe(8);
    expect(numberAnswer('We have 4 and 6. No figures here!')).toBe(6);
    expect(numberAnswer('No digits.')).toBeUndefined();
    // An unclosed box reads to the end of the text.
    expect(numberAnswer('\\boxed{42')).toBe(42);
    expect(scoreText({ record: number, text: 'The answer is 1,234.' })).toBe(true);
    expect(scoreText({ record: number, text: 'The answer is 1,235.' })).toBe(false);
  });

  it('number: Unicode digits and whitespace read as Python reads them', () => {
    // Python's \d matches Arabic-Indic digits and float() converts them.
    expect(numberAnswer('The answer is ١٢٣٤')).toBe(1234);
    // \x1c is white space to Python's str.split and \s, not to JavaScript's \s.
    expect(numberAnswer('It is 5.\x1cThen 9 more')).toBe(9);
  });

  it('choice: the FIRST "answer is (X)"; none is wrong', () => {
    expect(scoreText({ record: choice, text: 'the answer is (C). Or the answer is (D).' })).toBe(true);
    expect(scoreText({ record: choice, text: 'the answer is (D). Or the answer is (C).' })).toBe(false);
    expect(scoreText({ record: choice, text: 'the answer is C' })).toBe(true);
    expect(scoreText({ record: choice, text: 'I think (C)' })).toBe(false);
  });

  it('math: reads the reasoning only when the answer text is empty', () => {
    expect(scoreText({ record: math, text: '', reasoning: 'so \\boxed{\\dfrac12}' })).toBe(true);
    expect(scoreText({ record: math, text: 'no box here', reasoning: 'so \\boxed{\\dfrac12}' })).toBe(false);
    expect(scoreText({ record: math, text: 'The answer is 0.5.' })).toBe(true);
    expect(scoreText({ record: math, text: 'x = 1/2 is the root' })).toBe(false);
    // A box that never closes reads as no answer (unlike the number scorer).
    expect(mathAnswer('so \\boxed{\\frac{1}{2}')).toBeUndefined();
  });

  it('math: normalises both sides', () => {
    expect(normalizeMath(' \\text{(A)} ')).toBe('(A)');
    expect(normalizeMath('x = 12.00')).toBe('12');
    expect(normalizeMath('\\left( 3, \\frac{\\pi}{2} \\right)')).toBe('(3,\\frac{\\pi}{2})');
    expect(normalizeMath('90^\\circ')).toBe('90');
    expect(normalizeMath('a_{5}')).toBe('a_5');
    expect(normalizeMath('-3/4')).toBe('\\frac{-3}{4}');
    expect(normalizeMath('\\theta=\\$5')).toBe('\\5');
    expect(scoreText({ record: { scorer: 'math', gold: '-\\frac{3}{4}' }, text: '\\boxed{-0.75}' })).toBe(
      true,
    );
  });

  it('python float and strip semantics', () => {
    expect(pyFloat('1_000')).toBe(1000);
    expect(pyFloat('0x10')).toBeUndefined();
    expect(pyFloat('')).toBeUndefined();
    expect(pyFloat('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(pyFloat('.5')).toBe(0.5);
    expect(pyFloat('e5')).toBeUndefined();
    expect(pyStrip('\x85 a \ufeff')).toBe('a \ufeff');
  });
});
