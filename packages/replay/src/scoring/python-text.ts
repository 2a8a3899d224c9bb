/**
 * Pieces of Python's text semantics that the reference scorers (`scorers.py`) rely on, so the
 * port gives the same verdict on every record: Python's `\s`, `\d` and `\w` are Unicode-aware
 * (JavaScript's are not, or differ), `str.strip()` strips a different set than `String.trim()`,
 * and `float()` / `int()` accept and reject different strings than `Number()`.
 *
 * The classes below were generated from CPython 3.11 (Unicode 14) by enumerating every code
 * point; `\p{Nd}` and `[\p{L}\p{N}_]` equal Python's `\d` and `\w` except for characters added to
 * Unicode after version 14.
 */

/** Python's `\s` (and `str.isspace()`), as a regex character class body. */
export const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Python's `\d` on `str` patterns: any Unicode decimal digit (use with the `u` flag). */
export const PY_DIGIT = '\\p{Nd}';
/** Python's `\w` on `str` patterns, as a class body (use with the `u` flag). */
export const PY_WORD = '\\p{L}\\p{N}_';

const leadingSpace = new RegExp(`^[${PY_SPACE}]+`);
const trailingSpace = new RegExp(`[${PY_SPACE}]+$`);
const unicodeDigit = /\p{Nd}/gu;
const isDigit = /^\p{Nd}$/u;

/** Python's `s.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(leadingSpace, '').replace(trailingSpace, '');
}

/** Python's `s.rstrip(chars)` for a single character. */
export function pyRstripChar(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end -= 1;
  return text.slice(0, end);
}

/**
 * The value 0-9 of a Unicode decimal digit. Every Nd block in Unicode is a run of ten starting at
 * its zero, and adjacent blocks (the mathematical digits) are whole runs too, so the position
 * within the run of consecutive digits, modulo 10, is the value.
 */
function digitValue(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  let start = code;
  while (start > 0 && isDigit.test(String.fromCodePoint(start - 1))) start -= 1;
  return (code - start) % 10;
}

/** Replaces every Unicode decimal digit by its ASCII digit, as Python's number parsing does. */
export function asciiDigits(text: string): string {
  return /[\u0080-\uffff]/.test(text)
    ? text.replace(unicodeDigit, (digit) => String(digitValue(digit)))
    : text;
}

const digits = '[0-9](?:_?[0-9])*';
const floatSyntax = new RegExp(`^[+-]?(?:(?:${digits})?(?:\\.(?:${digits})?)?(?:[eE][+-]?${digits})?)$`);
const specialFloat = /^([+-]?)(inf|infinity|nan)$/i;

/** Python's `float(s)` for a string: the number, or undefined where Python raises ValueError. */
export function pyFloat(text: string): number | undefined {
  const s = asciiDigits(pyStrip(text));
  const special = specialFloat.exec(s);
  if (special) {
    if (special[2]?.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  // The syntax allows an empty mantissa; Python needs a digit before the exponent.
  if (!floatSyntax.test(s) || !/[0-9]/.test(s.split(/[eE]/)[0] ?? '')) return undefined;
  return Number(s.replace(/_/g, ''));
}

// CPython 3.11 refuses to convert a decimal string of more than 4300 digits to int (ValueError).
const maxIntDigits = 4300;

/** Python's `int(s)` for a string of an optional sign and decimal digits; undefined where Python raises. */
export function pyInt(text: string): bigint | undefined {
  const s = asciiDigits(pyStrip(text));
  if (!/^[+-]?[0-9](?:_?[0-9])*$/.test(s)) return undefined;
  const plain = s.replace(/_/g, '');
  if (plain.replace(/^[+-]/, '').length > maxIntDigits) return undefined;
  return BigInt(plain);
}

/** Python's true division `a / b` of two ints, correctly rounded; undefined for a zero divisor. */
export function pyTrueDivide(a: bigint, b: bigint): number | undefined {
  if (b === 0n) return undefined;
  const safe = 2n ** 53n;
  const abs = (n: bigint) => (n < 0n ? -n : n);
  if (abs(a) <= safe && abs(b) <= safe) return Number(a) / Number(b);
  // Large operands: scale the quotient to 64 significant bits before converting, so the one
  // rounding happens in Number(); the last bit can still differ from CPython's in rare ties.
  const negative = a < 0n !== b < 0n;
  const [n, d] = [abs(a), abs(b)];
  const shift = BigInt(Math.max(0, 64 - (n.toString(2).length - d.toString(2).length)));
  const scaled = (n << shift) / d;
  const value = Number(scaled) / 2 ** Number(shift);
  return negative ? -value : value;
}

/** Code points of `text` sliced like Python's `text[:end]` (Python indexes by code point). */
export function pyPrefix(text: string, end: number): string {
  const points = Array.from(text);
  return points.slice(0, end).join('');
}

/** Python's `len(text)`: the number of code points. */
export function pyLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
