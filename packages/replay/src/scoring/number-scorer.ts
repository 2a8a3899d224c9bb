import { closingBrace } from './braces.js';
import { asciiDigits, PY_DIGIT, PY_SPACE, pyFloat, pyRstripChar, pyStrip } from './python-text.js';

// `-?\d[\d,]*\.?\d*` of scorers.py, with Python's Unicode `\d`.
const numberPattern = `-?${PY_DIGIT}[${PY_DIGIT},]*\\.?${PY_DIGIT}*`;
const firstNumber = new RegExp(numberPattern, 'u');
const everyNumber = new RegExp(numberPattern, 'gu');
const sentenceBreak = new RegExp(`(?<=[.!?])[${PY_SPACE}]+`, 'u');

/**
 * Content of the last `\boxed{...}` with balanced braces, to the end of the text when it never
 * closes; undefined when there is none (`_last_boxed` of scorers.py).
 */
export function lastBoxed(text: string): string | undefined {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return undefined;
  const open = at + '\\boxed{'.length - 1;
  const close = closingBrace(text, open);
  return close < 0 ? text.slice(open + 1) : text.slice(open + 1, close);
}

/**
 * The number the `number` scorer reads in `text`: the first number of the last `\boxed{}`, else
 * of the text after the last "answer is", else of the last sentence; failing that the last
 * number anywhere. Undefined when the text has no number.
 */
export function numberAnswer(text: string): number | undefined {
  let span = lastBoxed(text);
  if (span === undefined) {
    if (text.includes('answer is')) {
      span = text.slice(text.lastIndexOf('answer is') + 'answer is'.length);
    } else {
      const parts = pyStrip(text)
        .split(sentenceBreak)
        .filter((part) => part.length > 0);
      span = parts.at(-1) ?? '';
    }
  }
  let match = firstNumber.exec(span)?.[0];
  if (match === undefined) {
    const found = text.match(everyNumber);
    match = found?.at(-1);
  }
  if (match === undefined) return undefined;
  return pyFloat(pyRstripChar(asciiDigits(match).replace(/,/g, ''), '.'));
}

/** The `number` scorer: the number read from `text` is within 1e-3 of `gold`. */
export function scoreNumber(gold: string, text: string): boolean {
  const predicted = numberAnswer(text);
  const expected = pyFloat(gold);
  return predicted !== undefined && expected !== undefined && Math.abs(predicted - expected) < 1e-3;
}
