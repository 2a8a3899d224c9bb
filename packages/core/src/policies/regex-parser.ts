/**
 * A small parser of JavaScript regex syntax, down to the structure {@link regexHazard} needs:
 * sequences, alternatives, repeats with their bounds, lookarounds, and the set of characters
 * each atom can match (as code-unit ranges, `i` folding ASCII letters; property escapes and
 * `v`-flag set operations count as "any character", which only makes the checks stricter).
 */

/** An inclusive range of code units. */
export type Range = readonly [number, number];

/** A set of UTF-16 code units (or code points in unicode mode), as sorted ranges. */
export interface CharSet {
  readonly ranges: readonly Range[];
}

/** A node of the parsed regex. */
export type Node =
  | { kind: 'chars'; set: CharSet }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[]; start: number; end: number }
  | { kind: 'look'; body: Node }
  | { kind: 'repeat'; body: Node; min: number; max: number; start: number; end: number }
  | { kind: 'empty' };

const maxCode = 0x10ffff;
const anyChar: CharSet = { ranges: [[0, maxCode]] };
/** The empty set. */
export const noChar: CharSet = { ranges: [] };
const digit: CharSet = { ranges: [[48, 57]] };
const word: CharSet = {
  ranges: [
    [48, 57],
    [65, 90],
    [95, 95],
    [97, 122],
  ],
};
const space: CharSet = {
  ranges: [
    [9, 13],
    [32, 32],
    [160, 160],
    [5760, 5760],
    [8192, 8202],
    [8232, 8233],
    [8239, 8239],
    [8287, 8287],
    [12288, 12288],
    [65279, 65279],
  ],
};
const lineTerminators: CharSet = {
  ranges: [
    [10, 10],
    [13, 13],
    [8232, 8233],
  ],
};

function single(code: number): CharSet {
  return { ranges: [[code, code]] };
}

/** The union of character sets, as merged sorted ranges. */
export function union(...sets: CharSet[]): CharSet {
  const all = sets.flatMap((set) => set.ranges).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [lo, hi] of all) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return { ranges: merged };
}

function complement(set: CharSet): CharSet {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of union(set).ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= maxCode) out.push([next, maxCode]);
  return { ranges: out };
}

/** True when two sets share a character. */
export function overlaps(a: CharSet, b: CharSet): boolean {
  return a.ranges.some(([alo, ahi]) => b.ranges.some(([blo, bhi]) => alo <= bhi && blo <= ahi));
}

/** The other case of the ASCII letters in `set`, as the `i` flag adds them. */
function shiftLetters(set: CharSet): CharSet {
  const out: Range[] = [];
  for (const [lo, hi] of set.ranges) {
    const upperLo = Math.max(lo, 65);
    const upperHi = Math.min(hi, 90);
    if (upperLo <= upperHi) out.push([upperLo + 32, upperHi + 32]);
    const lowerLo = Math.max(lo, 97);
    const lowerHi = Math.min(hi, 122);
    if (lowerLo <= lowerHi) out.push([lowerLo - 32, lowerHi - 32]);
  }
  return { ranges: out };
}

/** Parses the subset of regex structure the checks need; the source is known to be valid. */
export class RegexParser {
  private pos = 0;
  backreference: string | undefined;
  private readonly unicode: boolean;
  private readonly ignoreCase: boolean;
  private readonly dotAll: boolean;
  private readonly unicodeSets: boolean;

  constructor(
    private readonly src: string,
    flags: string,
  ) {
    this.unicode = flags.includes('u') || flags.includes('v');
    this.unicodeSets = flags.includes('v');
    this.ignoreCase = flags.includes('i');
    this.dotAll = flags.includes('s');
  }

  parse(): Node {
    return this.alternation();
  }

  private alternation(): Node {
    const start = this.pos;
    const options = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos += 1;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: 'alt', options, start, end: this.pos };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const start = this.pos;
      items.push(this.quantified(this.atom(), start));
    }
    return { kind: 'seq', items };
  }

  private quantified(atom: Node, start: number): Node {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
      this.pos += 1;
    } else if (c === '{') {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!braces) return atom;
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === '' ? Number.POSITIVE_INFINITY : Number(braces[3]);
      this.pos += braces[0].length;
    } else {
      return atom;
    }
    if (this.src[this.pos] === '?') this.pos += 1; // lazy: same structure, same hazards
    return { kind: 'repeat', body: atom, min, max, start, end: this.pos };
  }

  private atom(): Node {
    const c = this.src[this.pos] as string;
    if (c === '(') return this.group();
    if (c === '[') return { kind: 'chars', set: this.charClass() };
    this.pos += 1;
    if (c === '.') return { kind: 'chars', set: this.dotAll ? anyChar : complement(lineTerminators) };
    if (c === '^' || c === '$') return { kind: 'empty' };
    if (c === '\\') return this.escape(false);
    return { kind: 'chars', set: this.literal(this.codeAt(this.pos - 1)) };
  }

  private codeAt(index: number): number {
    const code = this.unicode ? (this.src.codePointAt(index) as number) : this.src.charCodeAt(index);
    if (code > 0xffff) this.pos += 1;
    return code;
  }

  private literal(code: number): CharSet {
    return this.ignoreCase ? union(single(code), shiftLetters(single(code))) : single(code);
  }

  private group(): Node {
    this.pos += 1;
    let look = false;
    if (this.src[this.pos] === '?') {
      const rest = this.src.slice(this.pos);
      if (rest.startsWith('?=') || rest.startsWith('?!')) {
        look = true;
        this.pos += 2;
      } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
        look = true;
        this.pos += 3;
      } else if (rest.startsWith('?<')) {
        this.pos = this.src.indexOf('>', this.pos) + 1;
      } else {
        // `(?:` and modifier groups such as `(?i:`.
        this.pos = this.src.indexOf(':', this.pos) + 1;
      }
    }
    const body = this.alternation();
    this.pos += 1; // ')'
    return look ? { kind: 'look', body } : body;
  }

  private escape(inClass: boolean): Node & { kind: 'chars' | 'empty' } {
    const c = this.src[this.pos] as string;
    this.pos += 1;
    const chars = (set: CharSet) => ({ kind: 'chars' as const, set });
    switch (c) {
      case 'd':
        return chars(digit);
      case 'D':
        return chars(complement(digit));
      case 'w':
        return chars(word);
      case 'W':
        return chars(complement(word));
      case 's':
        return chars(space);
      case 'S':
        return chars(complement(space));
      case 'b':
      case 'B':
        return inClass ? chars(single(8)) : { kind: 'empty' };
      case 'k':
        if (this.src[this.pos] === '<' && !inClass) {
          const end = this.src.indexOf('>', this.pos);
          this.backreference ??= this.src.slice(this.pos - 2, end + 1);
          this.pos = end + 1;
          return { kind: 'empty' };
        }
        return chars(this.literal(107));
      case 'p':
      case 'P':
        if (this.unicode && this.src[this.pos] === '{') {
          this.pos = this.src.indexOf('}', this.pos) + 1;
          return chars(anyChar); // a property class: assume it overlaps everything
        }
        return chars(this.literal(c.charCodeAt(0)));
      default:
        return chars(this.otherEscape(c, inClass));
    }
  }

  private otherEscape(c: string, inClass: boolean): CharSet {
    if (c >= '1' && c <= '9' && !inClass) {
      const digits = /^\d*/.exec(this.src.slice(this.pos))?.[0] ?? '';
      this.backreference ??= `\\${c}${digits}`;
      this.pos += digits.length;
      return noChar;
    }
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, '0': 0 };
    if (c in simple) return single(simple[c] as number);
    if (c === 'x' || c === 'u') {
      const braced =
        c === 'u' && this.src[this.pos] === '{' ? /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos)) : null;
      const hex = braced ?? new RegExp(`^([0-9a-fA-F]{${c === 'x' ? 2 : 4}})`).exec(this.src.slice(this.pos));
      if (hex) {
        this.pos += hex[0].length;
        return this.literal(Number.parseInt(hex[1] as string, 16));
      }
    }
    if (c === 'c' && /[A-Za-z]/.test(this.src[this.pos] ?? '')) {
      this.pos += 1;
      return single(this.src.charCodeAt(this.pos - 1) % 32);
    }
    return this.literal(c.codePointAt(0) as number);
  }

  private charClass(): CharSet {
    this.pos += 1;
    const negate = this.src[this.pos] === '^';
    if (negate) this.pos += 1;
    if (this.unicodeSets) {
      this.skipNestedClass();
      return anyChar; // set operations: assume the worst
    }
    const parts: CharSet[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== ']') {
      const low = this.classAtom();
      if (
        this.src[this.pos] === '-' &&
        this.src[this.pos + 1] !== ']' &&
        low.ranges.length === 1 &&
        isSingle(low)
      ) {
        this.pos += 1;
        const high = this.classAtom();
        const lo = (low.ranges[0] as Range)[0];
        const hi = isSingle(high) ? (high.ranges[0] as Range)[0] : lo;
        parts.push(
          this.ignoreCase
            ? union({ ranges: [[lo, hi]] }, shiftLetters({ ranges: [[lo, hi]] }))
            : { ranges: [[lo, hi]] },
        );
      } else {
        parts.push(low);
      }
    }
    this.pos += 1; // ']'
    const set = union(...parts);
    return negate ? complement(set) : set;
  }

  private classAtom(): CharSet {
    const c = this.src[this.pos] as string;
    this.pos += 1;
    if (c === '\\') {
      const escaped = this.escape(true);
      return escaped.kind === 'chars' ? escaped.set : noChar;
    }
    return this.literal(this.codeAt(this.pos - 1));
  }

  private skipNestedClass(): void {
    let depth = 1;
    while (this.pos < this.src.length && depth > 0) {
      const c = this.src[this.pos];
      if (c === '\\') this.pos += 1;
      else if (c === '[') depth += 1;
      else if (c === ']') depth -= 1;
      this.pos += 1;
    }
  }
}

function isSingle(set: CharSet): boolean {
  const first = set.ranges[0];
  return set.ranges.length === 1 && first !== undefined && first[0] === first[1];
}
