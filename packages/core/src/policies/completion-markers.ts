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

/**
 * Finds "the answer is X" (not hedged: no "if", "maybe", "not" ... earlier in the sentence, and
 * X not starting with "not", "that", "to" ...) and "Final answer: X" / "Answer: X" (X on the
 * same line, or on the next non-blank line after a "Final Answer" heading), and reports where X
 * starts. Markers inside math are ignored.
 */
export class AnswerPhraseScanner {
  private recent = '';
  private sentence = '';
  private line = '';
  private state: 'idle' | 'is-gap' | 'is-word' | 'final-gap' | 'span-gap' | 'next-line' = 'idle';
  private word = '';
  private wordStart = 0;
  private previous = 0;

  constructor(private readonly enabled: { answerIs: boolean; finalAnswer: boolean }) {}

  reset(): void {
    this.recent = '';
    this.sentence = '';
    this.line = '';
    this.state = 'idle';
    this.previous = 0;
  }

  /** Feeds the character at `index`; returns the answer span when one starts. */
  push(code: number, index: number, inMath: boolean): PhraseHit | undefined {
    const lower = String.fromCharCode(code).toLowerCase();
    this.remember(code, lower);
    const hit = this.advance(code, lower, index);
    if (hit) return hit;
    if (!inMath) this.detect(code);
    return undefined;
  }

  private remember(code: number, lower: string): void {
    this.recent = (this.recent + lower).slice(-16);
    const sentenceEnd =
      code === 10 ||
      (isBlank(code) && (this.previous === 46 || this.previous === 33 || this.previous === 63));
    this.sentence = sentenceEnd ? '' : (this.sentence + lower).slice(-160);
    this.line = code === 10 ? '' : this.line.length < 48 ? this.line + lower : this.line;
    this.previous = code;
  }

  private advance(code: number, lower: string, index: number): PhraseHit | undefined {
    switch (this.state) {
      case 'is-gap':
        if (isBlank(code) || code === 58) return undefined;
        if (code === 10) this.state = 'idle';
        else if (isLetter(code)) {
          this.state = 'is-word';
          this.word = lower;
          this.wordStart = index;
        } else return this.fire('answer-is', index);
        return undefined;
      case 'is-word':
        if (isLetter(code) && this.word.length < 16) {
          this.word += lower;
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
    const { recent } = this;
    if (
      this.enabled.answerIs &&
      code === 115 &&
      /(?:^|[^a-z])answer is$/.test(recent) &&
      !hedged.test(this.sentence)
    ) {
      this.state = 'is-gap';
    } else if (this.enabled.finalAnswer && code === 114 && /(?:^|[^a-z])final answer$/.test(recent)) {
      this.state = 'final-gap';
    } else if (this.enabled.finalAnswer && code === 58 && answerLine.test(this.line)) {
      this.state = 'span-gap';
    }
  }
}
