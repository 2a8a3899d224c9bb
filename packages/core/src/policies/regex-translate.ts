/**
 * Rewrites the source of a JavaScript `RegExp` into RE2 syntax with the same meaning, or says why
 * it cannot. Users write JS regex literals; stopwise runs them on RE2 (re2js), whose syntax is
 * close but not equal: `\s` and `.` cover fewer characters in RE2, `\u` escapes and named groups
 * are spelled differently, and RE2 has no lookaround or backreference at all (that is what
 * makes it linear-time). Each refusal names the construct and a rewrite.
 */

import { Nullability, RepeatWeights, refuse } from './regex-shape.js';

// JS `\s`: ECMAScript WhiteSpace and LineTerminator. RE2's `\s` is only [\t\n\f\r ].
const spaceRanges =
  '\\t\\n\\x{b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
// JS `.` without the s flag: anything but a line terminator. RE2's `.` only excludes \n.
const notLineTerminator = '[^\\n\\r\\x{2028}\\x{2029}]';

const lookaroundHint =
  'the linear-time engine has no lookahead or lookbehind; match the context itself instead (a match counts once the next character has arrived, so e.g. /answer is [A-Z](?=\\.)/ becomes /answer is [A-Z]\\./), or use \\b for a word edge';
const backrefHint =
  'backreferences need backtracking, which can take exponential time; spell the repeated text out, or match any text in its place';

const hex = (text: string) => /^[0-9a-fA-F]+$/.test(text);
const codePoint = (n: number) => `\\x{${n.toString(16)}}`;

interface Cursor {
  src: string;
  i: number;
  unicode: boolean;
  vMode: boolean;
}

/** A quantifier at `cur.i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy), or undefined. */
function readQuantifier(cur: Cursor): { min: number; max: number; text: string } | undefined {
  const c = cur.src[cur.i];
  let min: number;
  let max: number;
  let length = 1;
  if (c === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
  else if (c === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
  else if (c === '?') [min, max] = [0, 1];
  else if (c === '{') {
    const counted = /^\{(\d+)(,(\d*))?\}/.exec(cur.src.slice(cur.i));
    if (!counted) return undefined; // a literal { without the u flag
    min = Number(counted[1]);
    max = counted[2] === undefined ? min : counted[3] === '' ? Number.POSITIVE_INFINITY : Number(counted[3]);
    length = counted[0].length;
  } else {
    return undefined;
  }
  if (cur.src[cur.i + length] === '?') length += 1;
  const text = cur.src.slice(cur.i, cur.i + length);
  cur.i += length;
  return { min, max, text };
}

/**
 * One escape (`cursor.i` is just after the backslash), as RE2 source. `inClass` changes the
 * meaning of `\b` (a backspace) and how class escapes are spelled.
 */
function translateEscape(cur: Cursor, inClass: boolean): string {
  const { src } = cur;
  const c = src[cur.i] ?? '';
  cur.i += 1;
  switch (c) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
      return `\\${c}`; // ASCII in both engines
    case 's':
      return inClass ? spaceRanges : `[${spaceRanges}]`;
    case 'S':
      if (inClass) refuse('\\S inside a character class', 'write (?:\\S|[...]) with the class apart');
      return `[^${spaceRanges}]`;
    case 'b':
      return inClass ? '\\x{8}' : '\\b';
    case 'B':
      return '\\B';
    case 'n':
      return '\\n';
    case 'r':
      return '\\r';
    case 't':
      return '\\t';
    case 'f':
      return '\\f';
    case 'v':
      return '\\x{b}';
    case '0':
      if (/[0-9]/.test(src[cur.i] ?? '')) refuse('an octal escape', 'write \\xHH instead');
      return '\\x{0}';
    case 'x': {
      const digits = src.slice(cur.i, cur.i + 2);
      if (digits.length === 2 && hex(digits)) {
        cur.i += 2;
        return `\\x{${digits}}`;
      }
      return 'x';
    }
    case 'u':
      return translateUnicodeEscape(cur);
    case 'c': {
      const letter = src[cur.i] ?? '';
      if (/[a-zA-Z]/.test(letter)) {
        cur.i += 1;
        return codePoint(letter.charCodeAt(0) % 32);
      }
      return '\\\\c'; // JS reads a lone \c as a backslash and a c
    }
    case 'k':
      if (src[cur.i] === '<') refuse('a named backreference (\\k<name>)', backrefHint);
      return 'k';
    case 'p':
    case 'P':
      if (!cur.unicode) return c; // without the u flag \p is just "p"
      return translateProperty(cur, c);
    default:
      if (/[1-9]/.test(c)) refuse(`a backreference (\\${c})`, backrefHint);
      // An identity escape: a letter (only without the u flag) stands for itself; punctuation is
      // escaped again, which RE2 also reads as the literal.
      return /[a-zA-Z0-9]/.test(c) || c === '' ? c : `\\${c}`;
  }
}

function translateUnicodeEscape(cur: Cursor): string {
  const { src } = cur;
  if (src[cur.i] === '{' && cur.unicode) {
    const close = src.indexOf('}', cur.i);
    const digits = src.slice(cur.i + 1, close);
    cur.i = close + 1;
    return codePoint(Number.parseInt(digits, 16));
  }
  const digits = src.slice(cur.i, cur.i + 4);
  if (digits.length < 4 || !hex(digits)) return 'u';
  cur.i += 4;
  const unit = Number.parseInt(digits, 16);
  // A surrogate pair spelled as two escapes is one character in a u-mode JS regex and in RE2.
  const low = src.slice(cur.i, cur.i + 6);
  if (unit >= 0xd800 && unit <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(low)) {
    cur.i += 6;
    const lowUnit = Number.parseInt(low.slice(2), 16);
    return codePoint(0x10000 + ((unit - 0xd800) << 10) + (lowUnit - 0xdc00));
  }
  if (unit >= 0xd800 && unit <= 0xdfff) refuse('a lone surrogate escape', 'match whole characters');
  return codePoint(unit);
}

function translateProperty(cur: Cursor, c: string): string {
  const { src } = cur;
  const close = src.indexOf('}', cur.i);
  let name = src.slice(cur.i + 1, close);
  cur.i = close + 1;
  const [key, value] = name.split('=');
  if (value !== undefined) {
    if (key === 'Script' || key === 'sc' || key === 'General_Category' || key === 'gc') name = value;
    else refuse(`the property \\${c}{${name}}`, 'use a general category (\\p{L}) or a script (\\p{Greek})');
  }
  return `\\${c}{${name}}`;
}

function translateClass(cur: Cursor): string {
  const { src } = cur;
  cur.i += 1; // past [
  let negated = false;
  if (src[cur.i] === '^') {
    negated = true;
    cur.i += 1;
  }
  let body = '';
  for (;;) {
    const c = src[cur.i];
    if (c === undefined) refuse('an unterminated class', 'close it with ]');
    if (c === ']') {
      cur.i += 1;
      break;
    }
    if (cur.vMode && (c === '[' || src.startsWith('&&', cur.i) || src.startsWith('--', cur.i))) {
      refuse(
        'v-flag set operations or nested classes',
        'list the characters in one class, or use an alternation',
      );
    }
    if (c === '\\') {
      cur.i += 1;
      if (cur.vMode && src[cur.i] === 'q') refuse('\\q{} strings in a class', 'use an alternation');
      body += translateEscape(cur, true);
      continue;
    }
    // RE2 reads [:alpha:] inside a class as a POSIX class, and ^ anywhere needs no escape in JS.
    body += c === '[' ? '\\[' : c;
    cur.i += 1;
  }
  if (body === '') {
    if (negated) return '(?s:.)'; // [^] is any character
    refuse('an empty class []', 'it can never match; remove it');
  }
  return `[${negated ? '^' : ''}${body}]`;
}

function translateGroupOpen(cur: Cursor): string {
  const { src } = cur;
  cur.i += 1; // past (
  if (src[cur.i] !== '?') return '(';
  const rest = src.slice(cur.i + 1, cur.i + 3);
  if (rest.startsWith('=') || rest.startsWith('!')) refuse(`a lookahead (?${rest[0]}...)`, lookaroundHint);
  if (rest === '<=' || rest === '<!') refuse(`a lookbehind (?${rest}...)`, lookaroundHint);
  if (rest.startsWith(':')) {
    cur.i += 2;
    return '(?:';
  }
  if (rest.startsWith('<')) {
    cur.i += 2;
    return '(?P<';
  }
  // Modifiers such as (?i:...): the engine has them, but `.` here is spelled per the s flag, so
  // only case folding may change inside.
  const modifiers = /^\?(-?[a-z]+(?:-[a-z]+)?):/.exec(src.slice(cur.i))?.[1] ?? '';
  if (modifiers !== '' && /^[i-]+$/.test(modifiers)) {
    cur.i += modifiers.length + 2;
    return `(?${modifiers}:`;
  }
  refuse(
    `the group modifier (?${modifiers}:`,
    'only (?i:...) and (?-i:...) are supported; set s or m on the whole regex',
  );
}

/** A JS regex in RE2 syntax, and what the checks that need no engine found. */
export interface TranslatedRegExp {
  /** The RE2 source, flags folded in. */
  readonly source: string;
  /** Whether it can match the empty string somewhere (`\b`, `x*`, `a|`). */
  readonly matchesEmpty: boolean;
  /** Whether it has `$` meaning the end of the whole text (no m flag). */
  readonly endOfText: boolean;
}

/**
 * The RE2 source of `regex`, with its flags folded in: `i` and `m` as RE2 flags, `s` in how each
 * `.` is written. Throws an `UntranslatableRegExp` (`regex-shape.ts`) for what RE2 cannot
 * express: lookarounds, backreferences, the sticky flag, v-flag set operations, repeat counts
 * over 1000 (alone or multiplied through nested repeats).
 */
export function translateRegExp(regex: RegExp): TranslatedRegExp {
  const { flags } = regex;
  if (flags.includes('y')) {
    refuse('the sticky flag (y)', 'a stop pattern is searched anywhere in the output; drop the y flag');
  }
  const cur: Cursor = {
    src: regex.source,
    i: 0,
    unicode: flags.includes('u') || flags.includes('v'),
    vMode: flags.includes('v'),
  };
  const dotAll = flags.includes('s');
  const nullable = new Nullability();
  const repeats = new RepeatWeights();
  const item = (matchesEmpty: boolean) => {
    nullable.item(matchesEmpty);
    repeats.item();
  };
  let endOfText = false;
  let out = '';
  while (cur.i < cur.src.length) {
    const c = cur.src[cur.i] as string;
    const quantifier = readQuantifier(cur);
    if (quantifier) {
      nullable.quantify(quantifier.min, quantifier.max, quantifier.text);
      repeats.quantify(quantifier.min, quantifier.max, quantifier.text);
      out += quantifier.text;
    } else if (c === '\\') {
      cur.i += 1;
      // \b and \B match no character; every other escape matches one.
      item(cur.src[cur.i] === 'b' || cur.src[cur.i] === 'B');
      out += translateEscape(cur, false);
    } else if (c === '[') {
      item(false);
      out += translateClass(cur);
    } else if (c === '(') {
      nullable.open();
      repeats.open();
      out += translateGroupOpen(cur);
    } else if (c === ')' || c === '|') {
      if (c === ')') {
        nullable.close();
        repeats.close();
      } else nullable.alternative();
      out += c;
      cur.i += 1;
    } else if (c === '.') {
      item(false);
      out += dotAll ? '(?s:.)' : notLineTerminator;
      cur.i += 1;
    } else {
      item(c === '^' || c === '$');
      if (c === '$' && !flags.includes('m')) endOfText = true;
      out += c;
      cur.i += 1;
    }
  }
  const prefix = `${flags.includes('i') ? 'i' : ''}${flags.includes('m') ? 'm' : ''}`;
  const source = prefix === '' ? out : `(?${prefix})${out}`;
  return { source, matchesEmpty: nullable.finish(), endOfText };
}
