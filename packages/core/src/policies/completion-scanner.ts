import type { CompletionMarker } from './answer-complete.js';
import { BoundaryTracker, MathModeTracker } from './char-scan.js';
import { FenceTracker } from './code-fence.js';
import { AnswerPhraseScanner, BoxedScanner } from './completion-markers.js';
import { JsonScanner } from './json-scanner.js';

/** Where an answer statement ends, and the marker that made it one. */
export interface Completion {
  cut: number;
  marker: CompletionMarker;
}

interface Settled extends Completion {
  /** Where the statement was found to end: the quiet window counts from here. */
  from: number;
}

interface Pending {
  marker: CompletionMarker;
  /** Where the marker closed or its answer began: ends are looked for from here. */
  since: number;
  /**
   * `statement`: the end of the sentence or line; `fence`: the closing fence of a JSON block;
   * `line`: the end of the line a JSON value closed on, with nothing else on it.
   */
  until: 'statement' | 'fence' | 'line';
}

function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10;
}

// What a character below 128 can do to a calm scanner (see `CompletionScanner.scan`): nothing
// (`inert`), something (`slow`: a line end, a backslash, `$`, `{`, `[`, control characters), or,
// where phrases are read, complete a marker: the `s` of "answer is", the `r` of "final answer",
// the colon of "Answer:".
const slow = 0;
const inert = 1;
const letterS = 2;
const letterR = 3;
const colon = 4;
const classes = new Uint8Array(128);
for (let code = 32; code < 127; code += 1) classes[code] = inert;
classes[9] = inert;
classes[13] = inert;
for (const code of [36, 91, 92, 123]) classes[code] = slow;
classes[115] = letterS;
classes[114] = letterR;
classes[58] = colon;

/**
 * Scans one phase's text a character at a time. A marker opens a pending stop, which lands at
 * the end of the marker's sentence or line, never inside display math (`\[ \]`, `$$`,
 * environments): so a boxed answer keeps its closing `\]` and what an answer extractor reads
 * (the last `\boxed{}`, the text after "answer is") is unchanged by the cut.
 */
export class CompletionScanner {
  private readonly math = new MathModeTracker();
  private readonly bounds = new BoundaryTracker();
  private readonly fence = new FenceTracker();
  private readonly boxed = new BoxedScanner();
  private readonly phrases: AnswerPhraseScanner;
  private readonly json = new JsonScanner();
  private pending: Pending | undefined;
  private settled: Settled | undefined;
  private previous = 0;
  private beforePrevious = 0;
  private previousIndex = -1;
  private lineBlank = true;
  /** Nothing in progress (see {@link calmNow}): most characters then only move the trackers on. */
  private calm = false;

  // Read for every character: plain booleans, not set lookups.
  private readonly watches: { codeFence: boolean; json: boolean; boxed: boolean };

  constructor(
    markers: ReadonlySet<CompletionMarker>,
    private readonly grace: number,
    private readonly quiet: number,
  ) {
    this.watches = {
      codeFence: markers.has('code-fence'),
      json: markers.has('json'),
      boxed: markers.has('boxed'),
    };
    this.phrases = new AnswerPhraseScanner({
      answerIs: markers.has('answer-is'),
      finalAnswer: markers.has('final-answer'),
    });
  }

  reset(): void {
    for (const part of [this.math, this.bounds, this.fence, this.boxed, this.phrases, this.json])
      part.reset();
    this.pending = undefined;
    this.settled = undefined;
    this.previous = 0;
    this.beforePrevious = 0;
    this.previousIndex = -1;
    this.lineBlank = true;
    this.calm = false;
  }

  /**
   * Feeds `delta`, whose first character is at `offset`; once the answer has settled, returns
   * the stop and the offset just after the character that decided it.
   *
   * Most text is prose with no marker, fence, math or JSON in progress: then most characters
   * change nothing but the word boundary, the recent text phrases are read from, and the
   * previous characters. Runs of them take a fast path that does exactly that, a loop per
   * tracker (see {@link calmRun}); any other character goes through {@link push}, after which
   * calm is checked again. The state after each character is the one `push` alone would leave.
   */
  scan(delta: string, offset: number): { completion: Completion; decidedAt: number } | undefined {
    let i = 0;
    while (i < delta.length) {
      if (this.calm) {
        i = this.calmRun(delta, i, offset);
        if (i >= delta.length) break;
      }
      const completion = this.push(delta.charCodeAt(i), offset + i);
      if (completion) {
        this.calm = false;
        return { completion, decidedAt: offset + i + 1 };
      }
      this.calm = this.calmNow();
      i += 1;
    }
    return undefined;
  }

  /** Nothing in progress: no marker pending or settled, no fence line, escape, box or JSON value. */
  private calmNow(): boolean {
    return (
      this.pending === undefined &&
      this.settled === undefined &&
      this.fence.midLine &&
      this.math.idle &&
      this.boxed.idle &&
      !this.json.active &&
      this.phrases.idle
    );
  }

  /**
   * While calm, feeds the characters of `delta` from `from` on that change nothing but what
   * `push` changes for any character (see {@link scan}); returns where they end. Such a
   * character is below 128, of the `inert` class, or `s`, `r` or `:` where the characters before
   * it rule out a marker as `AnswerPhraseScanner.detect` does (which only reads outside fences
   * and math).
   */
  private calmRun(delta: string, from: number, offset: number): number {
    const phrases = this.phrases;
    const read = !this.fence.open && !this.math.inMath;
    let lineBlank = this.lineBlank;
    let end = from;
    for (; end < delta.length; end += 1) {
      const code = delta.charCodeAt(end);
      if (code >= 128) break;
      const kind = classes[code];
      if (kind !== inert) {
        if (kind === slow || (read && kind === colon)) break;
        if (read) {
          // The recent text phrases hold: this run's characters, after what came before it.
          const before = end > from ? lowerAscii(delta.charCodeAt(end - 1)) : phrases.recentCode(0);
          if (kind === letterS && before === 105) break;
          if (kind === letterR && before === 101) {
            const twoBefore =
              end > from + 1
                ? lowerAscii(delta.charCodeAt(end - 2))
                : phrases.recentCode(end === from ? 1 : 0);
            if (twoBefore === 119) break;
          }
        }
      }
      lineBlank = lineBlank && isSpace(code);
    }
    if (end === from) return end;
    this.bounds.pushAscii(delta, from, end, offset);
    // Phrases are not read inside fenced code (see `markersAt`).
    if (!this.fence.open) phrases.rememberAscii(delta, from, end);
    this.lineBlank = lineBlank;
    this.beforePrevious = end - from >= 2 ? delta.charCodeAt(end - 2) : this.previous;
    this.previous = delta.charCodeAt(end - 1);
    this.previousIndex = offset + end - 1;
    return end;
  }

  /** Feeds the character at `index`; returns the stop once the answer has settled. */
  private push(code: number, index: number): Completion | undefined {
    this.bounds.push(code, index);
    if (this.pending && this.trailsOff(this.pending, code)) this.pending = undefined;
    const ended = this.pending && this.endOf(this.pending, code, index);
    if (ended) this.settle(ended, index);
    const fenceEvent = this.fence.push(code, index);
    this.math.push(code);
    const found = this.markersAt(code, index, fenceEvent);
    if (found) this.settle(found, index);
    this.lineBlank = code === 10 || (this.lineBlank && isSpace(code));
    this.beforePrevious = this.previous;
    this.previous = code;
    this.previousIndex = index;
    const settled = this.settled;
    if (settled && !this.pending && index - settled.from >= this.quiet) return settled;
    return undefined;
  }

  private settle(completion: Completion, index: number): void {
    this.pending = undefined;
    this.settled = { ...completion, from: index };
  }

  /**
   * An answer phrase whose answer runs on into a clause (", which ...", ", so ...") is not a
   * final statement: an extractor reading "the text after 'answer is'" would get the clause too.
   */
  private trailsOff(pending: Pending, code: number): boolean {
    if (pending.marker !== 'answer-is' && pending.marker !== 'final-answer') return false;
    const letter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
    return letter && this.previous === 32 && this.beforePrevious === 44 && !this.math.inMath;
  }

  private markersAt(
    code: number,
    index: number,
    fenceEvent: ReturnType<FenceTracker['push']>,
  ): Completion | undefined {
    if (fenceEvent?.type === 'closed') {
      if (this.watches.codeFence) return { cut: fenceEvent.end, marker: 'code-fence' };
      if (this.pending?.until === 'fence') return { cut: fenceEvent.end, marker: 'json' };
    } else if (fenceEvent?.type === 'opened') {
      this.boxed.reset();
      this.phrases.reset();
    }
    if (this.watches.json) {
      const value = this.jsonAt(code, index);
      if (value) return value;
    }
    if (this.fence.open || this.pending) return undefined;
    if (this.watches.boxed && this.boxed.push(code)) {
      this.pending = { marker: 'boxed', since: index + 1, until: 'statement' };
      return undefined;
    }
    const hit = this.phrases.push(code, index, this.math.inMath);
    if (!hit) return undefined;
    this.pending = { marker: hit.marker, since: hit.spanStart, until: 'statement' };
    // The character that revealed the answer's start may itself end the line.
    const ended = this.endOf(this.pending, code, index);
    if (!ended) return undefined;
    this.pending = undefined;
    return ended;
  }

  private jsonAt(code: number, index: number): Completion | undefined {
    if (this.json.active) {
      if (this.json.push(code) !== 'complete') return undefined;
      // A value followed by more text on its line ("[1] Smith et al.") is prose, not the answer.
      this.pending = { marker: 'json', since: index + 1, until: this.fence.open ? 'fence' : 'line' };
      return undefined;
    }
    const info = this.fence.info;
    const jsonFence = !this.fence.open || info === '' || info.startsWith('json');
    if (this.lineBlank && (code === 123 || code === 91) && jsonFence && !this.pending) this.json.begin(code);
    return undefined;
  }

  private endOf(pending: Pending, code: number, index: number): Completion | undefined {
    const { marker, since } = pending;
    if (pending.until === 'fence') {
      return index - since >= this.grace ? { cut: since, marker } : undefined;
    }
    if (pending.until === 'line') {
      if (code === 10) return { cut: since, marker };
      if (!isSpace(code)) this.pending = undefined;
      return undefined;
    }
    if (code === 10 && !this.math.inDisplay) return { cut: index, marker };
    const sentenceEnd = this.previous === 46 || this.previous === 33 || this.previous === 63;
    if (sentenceEnd && isSpace(code) && this.previousIndex >= since && !this.math.inMath)
      return { cut: index, marker };
    if (index - since >= this.grace) return { cut: Math.max(since, this.bounds.last), marker };
    return undefined;
  }
}
