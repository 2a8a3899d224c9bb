import { closingBrace } from './braces.js';
import {
  PY_DIGIT,
  PY_SPACE,
  PY_WORD,
  pyFloat,
  pyInt,
  pyRstripChar,
  pyStrip,
  pyTrueDivide,
} from './python-text.js';

const statedAnswer = new RegExp(`answer (?:is|should be)[${PY_SPACE}]*:?[${PY_SPACE}]*\\$?([^\\n$]+)`, 'gu');
const plainNumber = new RegExp(`-?${PY_DIGIT}+(?:\\.${PY_DIGIT}+)?`, 'gu');

/**
 * The answer the `math` scorer reads in `text` (`_math_answer` of scorers.py): the content of the
 * last `\boxed{...}` (undefined when it never closes), else the text after the last "answer is" /
 * "answer should be" to the line end, else the last number.
 */
export function mathAnswer(text: string): string | undefined {
  const at = text.lastIndexOf('\\boxed');
  if (at < 0) {
    let last: string | undefined;
    for (const match of text.matchAll(statedAnswer)) last = match[1];
    if (last !== undefined) return pyRstripChar(pyStrip(last), '.');
    return text.match(plainNumber)?.at(-1);
  }
  const open = text.indexOf('{', at);
  if (open < 0) return undefined;
  const close = closingBrace(text, open);
  return close < 0 ? undefined : text.slice(open + 1, close);
}

// Literal replacements of `_normalize`, applied in this order (order matters: `\left` before `\,`).
const replacements: ReadonlyArray<readonly [string, string]> = [
  ['\\left', ''],
  ['\\right', ''],
  ['\\!', ''],
  ['\\,', ''],
  ['\\;', ''],
  ['\\ ', ''],
  ['dfrac', 'frac'],
  ['tfrac', 'frac'],
  ['$', ''],
  ['^\\circ', ''],
  ['^{\\circ}', ''],
  ['\\%', ''],
  ['%', ''],
  ['\\(', ''],
  ['\\)', ''],
  ['\\displaystyle', ''],
];
const textWrapper = /\\text\{([^}]*)\}/gu;
const anySpace = new RegExp(`[${PY_SPACE}]+`, 'gu');
const shortFrac = new RegExp(`\\\\frac(${PY_DIGIT})(${PY_DIGIT})`, 'gu');
const braceSubscript = new RegExp(`_\\{([${PY_WORD}]+)\\}`, 'gu');
const slashFraction = new RegExp(`(?<![${PY_WORD}}])(-?${PY_DIGIT}+)/(${PY_DIGIT}+)`, 'gu');
const variablePrefix = /^([a-z]|\\theta)=/u;
const zeroDecimals = new RegExp(`^-?${PY_DIGIT}+\\.0+$`, 'u');

/** Normalises a math answer or gold the way `_normalize` of scorers.py does. */
export function normalizeMath(answer: string | undefined): string | undefined {
  if (answer === undefined) return undefined;
  // `$` in a replacement string is special in JavaScript; a function keeps the text literal.
  let s = pyStrip(answer).replace(textWrapper, (_, inner: string) => inner);
  for (const [from, to] of replacements) s = s.replaceAll(from, () => to);
  s = pyRstripChar(s.replace(anySpace, ''), '.');
  s = s.replace(shortFrac, (_, a: string, b: string) => `\\frac{${a}}{${b}}`);
  s = s.replace(braceSubscript, (_, inner: string) => `_${inner}`);
  s = s.replace(slashFraction, (_, a: string, b: string) => `\\frac{${a}}{${b}}`);
  s = s.replace(variablePrefix, '');
  if (zeroDecimals.test(s)) s = s.split('.')[0] ?? s;
  return s;
}

const fraction = new RegExp(`^(-?)\\\\frac\\{(-?${PY_DIGIT}+)\\}\\{(${PY_DIGIT}+)\\}$`, 'u');

/** A normalised answer read as a number (`_as_number`): integers, decimals, `\frac{a}{b}`. */
export function mathNumber(s: string): number | undefined {
  const match = fraction.exec(s);
  if (match) {
    const numerator = pyInt(match[2] ?? '');
    const denominator = pyInt(match[3] ?? '');
    if (numerator === undefined || denominator === undefined) return undefined;
    const signed = match[1] ? -numerator : numerator;
    return pyTrueDivide(signed, denominator);
  }
  return pyFloat(s.replaceAll(',', ''));
}

/**
 * The `math` scorer: the normalised answer equals the normalised gold, or both read as numbers
 * within 1e-6.
 */
export function scoreMath(gold: string, text: string): boolean {
  const predicted = normalizeMath(mathAnswer(text));
  const expected = normalizeMath(gold);
  if (predicted === undefined) return false;
  if (predicted === expected) return true;
  const a = mathNumber(predicted);
  const b = expected === undefined ? undefined : mathNumber(expected);
  return a !== undefined && b !== undefined && Math.abs(a - b) < 1e-6;
}
