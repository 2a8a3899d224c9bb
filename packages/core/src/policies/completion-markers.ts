/**
 * Scanners for the prose markers of a finished answer: a closed `\boxed{...}`, "the answer is
 * X" and "Final answer: X". Fed one character at a time with O(1) work and bounded buffers.
 */

const boxedOpen = '\\boxed{';

/** Finds `\boxed{...}` and reports the character that closes it (braces balanced, nested ok). */
export class BoxedScanner {
  private matched = 0;
  private depth = 0;

  reset(): void {
    this.matched = 0;
    this.depth = 0;
  }

  /** True outside a box with no `\boxed{` begun: then only a backslash changes anything. */
  get idle(): boolean {
    return this.matched === 0 && this.depth === 0;
  }

  /** True when this character is the `}` that closes a `\boxed{`. */
  push(code: number): boolean {
    if (this.depth > 0) {
      // Raw brace counting, as answer extractors do: escaped `\{ \}` come in pairs anyway.
      if (code === 123) this.depth += 1;
      else if (code === 125) {
        this.depth -= 1;
        return this.depth === 0;
      }
      return false;
    }
    if (code === boxedOpen.charCodeAt(this.matched)) {
      this.matched += 1;
      if (this.matched === boxedOpen.length) {
        this.matched = 0;
        this.depth = 1;
      }
    } else {
      this.matched = code === 92 ? 1 : 0;
    }
    return false;
  }
}

/** Which phrase marker found an answer. */
export type PhraseMarker = 'answer-is' | 'final-answer';

/** An answer span found after a phrase marker. */
export interface PhraseHit {
  marker: PhraseMarker;
  /** Offset of the answer's first character. */
  spanStart: number;
}

// Words that make "the answer is ..." something other than an answer ("is not", "is that").
const notAnAnswer = new Set(
  'not that to because since probably likely possibly unclear unknown still wrong incorrect correct right different either neither also given as in at on if when whether what which how why where who'.split(
    ' ',
  ),
);
// A sentence with one of these before "answer is" is a hypothesis, not a conclusion.
const hedged =
  /\b(?:if|whether|suppose|supposing|assume|assuming|not|check|verify|maybe|perhaps|think|guess|probably|might|could|unless|wait|hmm)\b|\?/;
const answerLine = /^[\s#*_>]*answer\s*[*_]*:$/;

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

/** Lower-cases ASCII letters; the markers and hedge words are ASCII. */
function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/**
 * The last `size` character codes seen, in a ring: kept as numbers, so feeding a character costs
 * no string work; the text is only built when a marker needs it.
 */
class RecentCodes {
  // A power-of-two ring (a mask, not a division, per character), of which `size` are used. A
  // plain array: a typed array this size lives outside the heap and cost more to allocate, on
  // every call, than the whole scan.
  private readonly codes: number[];
  private readonly mask: number;
  private next = 0;
  /** Characters held (at most `size`). */
  length = 0;

  constructor(private readonly size: number) {
    this.codes = new Array<number>(2 ** Math.ceil(Math.log2(size))).fill(0);
    this.mask = this.codes.length - 1;
  }

  push(code: number): void {
    this.codes[this.next] = code;
    this.next = (this.next + 1) & this.mask;
    if (this.length < this.size) this.length += 1;
  }

  /** `push` of each character of `text` in `[from, to)`, ASCII letters lower-cased. */
  pushLowered(text: string, from: number, to: number): void {
    const { codes, mask } = this;
    let next = this.next;
    for (let i = from; i < to; i += 1) {
      codes[next] = lowerAscii(text.charCodeAt(i));
      next = (next + 1) & mask;
    }
    this.next = next;
    this.length = Math.min(this.size, this.length + Math.max(0, to - from));
  }

  /** The code `back` characters before the last (0: the last); -1 beyond what is held. */
  at(back: number): number {
    if (back >= this.length) return -1;
    return this.codes[(this.next - 1 - back) & this.mask] as number;
  }

  /** True when the last characters are `word`, with no letter right before it. */
  endsWithWord(word: string): boolean {
    for (let i = 0; i < word.length; i += 1) {
      if (this.at(i) !== word.charCodeAt(word.length - 1 - i)) return false;
    }
    const before = this.at(word.length);
    return !(before >= 97 && before <= 122);
  }

  /** The last `count` characters (at most what is held) as a string. */
  tail(count: number): string {
    let text = '';
    for (let back = Math.min(count, this.length) - 1; back >= 0; back -= 1) {
      text += String.fromCharCode(this.at(back));
    }
    return text;
  }

  clear(): void {
    this.next = 0;
    this.length = 0;
  }
}

const sentenceChars = 160;
const lineChars = 48;

/**
 * Finds "the answer is X" (not hedged: no "if", "maybe", "not" ... earlier in the sentence, and
 * X not starting with "not", "that", "to" ...) and "Final answer: X" / "Answer: X" (X on the
 * same line, or on the next non-blank line after a "Final Answer" heading), and reports where X
 * starts. Markers inside math are ignored.
 */
export class AnswerPhraseScanner {
  // The last characters (lower-cased) and the start of the current line: enough to read back
  // what a marker needs. One more than a sentence's 160: where the oldest sentence held begins
  // depends on the character before it.
  private readonly recent = new RecentCodes(sentenceChars + 1);
  private readonly line = new RecentCodes(lineChars);
  private state: 'idle' | 'is-gap' | 'is-word' | 'final-gap' | 'span-gap' | 'next-line' = 'idle';
  private word = '';
  private wordStart = 0;

  constructor(private readonly enabled: { answerIs: boolean; finalAnswer: boolean }) {}

  reset(): void {
    this.recent.clear();
    this.line.clear();
    this.state = 'idle';
  }

  /** True when no marker is being read: then a character only goes into the recent text. */
  get idle(): boolean {
    return this.state === 'idle';
  }

  /**
   * The lower-cased code `back` characters before the last one fed (0: the last); -1 beyond
   * what is held.
   */
  recentCode(back: number): number {
    return this.recent.at(back);
  }

  /** Feeds the character at `index`; returns the answer span when one starts. */
  push(code: number, index: number, inMath: boolean): PhraseHit | undefined {
    const lower = lowerAscii(code);
    this.remember(code, lower);
    if (this.state !== 'idle') {
      const hit = this.advance(code, lower, index);
      if (hit) return hit;
    }
    // Only the last letter of "answer is", of "final answer", or the colon of "Answer:" can
    // complete a marker.
    if (!inMath && (code === 115 || code === 114 || code === 58)) this.detect(code);
    return undefined;
  }

  /**
   * What `push` does for each character of `text` in `[from, to)` (all below 128, none a line
   * end) read while {@link idle} that cannot complete a marker: they only go into the recent
   * text (see `CompletionScanner`'s fast path).
   */
  rememberAscii(text: string, from: number, to: number): void {
    if (from >= to) return;
    this.recent.pushLowered(text, from, to);
    // The line's first 48 characters (see `remember`).
    const room = lineChars - this.line.length;
    if (room > 0) this.line.pushLowered(text, from, Math.min(to, from + room));
  }

  private remember(code: number, lower: number): void {
    this.recent.push(lower);
    // The line's first 48 characters: enough to recognise an "Answer:" heading.
    if (code === 10) this.line.clear();
    else if (this.line.length < lineChars) this.line.push(lower);
  }

  /**
   * How many of the last characters (at most 160) belong to the current sentence: since the
   * last line end, or blank after `.`, `!` or `?`. Worked out when a marker needs it, not kept
   * up to date for every character.
   */
  private sentenceLength(): number {
    const recent = this.recent;
    const held = Math.min(recent.length, sentenceChars);
    for (let back = 0; back < held; back += 1) {
      const code = recent.at(back);
      if (code === 10) return back;
      const before = recent.at(back + 1);
      if (isBlank(code) && (before === 46 || before === 33 || before === 63)) return back;
    }
    return held;
  }

  private advance(code: number, lower: number, index: number): PhraseHit | undefined {
    switch (this.state) {
      case 'is-gap':
        if (isBlank(code) || code === 58) return undefined;
        if (code === 10) this.state = 'idle';
        else if (isLetter(code)) {
          this.state = 'is-word';
          this.word = String.fromCharCode(lower);
          this.wordStart = index;
        } else return this.fire('answer-is', index);
        return undefined;
      case 'is-word':
        if (isLetter(code) && this.word.length < 16) {
          this.word += String.fromCharCode(lower);
          return undefined;
        }
        if (notAnAnswer.has(this.word)) {
          this.state = 'idle';
          return undefined;
        }
        return this.fire('answer-is', this.wordStart);
      case 'final-gap':
        if (isBlank(code) || code === 42 || code === 95) return undefined;
        this.state = code === 58 ? 'span-gap' : code === 10 ? 'next-line' : 'idle';
        return undefined;
      case 'span-gap':
        if (isBlank(code) || code === 42 || code === 95) return undefined;
        if (code === 10) {
          this.state = 'next-line';
          return undefined;
        }
        return this.fire('final-answer', index);
      case 'next-line':
        if (isBlank(code) || code === 10) return undefined;
        return this.fire('final-answer', index);
      default:
        return undefined;
    }
  }

  private fire(marker: PhraseMarker, spanStart: number): PhraseHit {
    this.state = 'idle';
    return { marker, spanStart };
  }

  private detect(code: number): void {
    // Cheap rejections first: most 's' are not preceded by "i ", most 'r' not by "we".
    const recent = this.recent;
    if (code === 115 && recent.at(1) !== 105) return;
    if (code === 114 && (recent.at(1) !== 101 || recent.at(2) !== 119)) return;
    if (
      this.enabled.answerIs &&
      code === 115 &&
      this.recent.endsWithWord('answer is') &&
      !hedged.test(this.recent.tail(this.sentenceLength()))
    ) {
      this.state = 'is-gap';
    } else if (this.enabled.finalAnswer && code === 114 && this.recent.endsWithWord('final answer')) {
      this.state = 'final-gap';
    } else if (
      this.enabled.finalAnswer &&
      code === 58 &&
      // The heading is the line's start, up to this colon: its first 48 characters end in one.
      this.line.at(0) === 58 &&
      answerLine.test(this.line.tail(lineChars))
    ) {
      this.state = 'span-gap';
    }
  }
}
