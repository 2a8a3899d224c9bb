/**
 * Small per-character trackers shared by the output-side policies. Each sees the text one UTF-16
 * code unit at a time, so its state after a given prefix does not depend on how that prefix was
 * split into deltas (the basis of chunk-boundary invariance), and each keeps O(1) state.
 */

const wordPattern = /[\p{L}\p{M}\p{N}\p{Pc}]/u;

/** True when the code point is a word character (letter, mark, number, connector) in any script. */
export function isWordCodePoint(codePoint: number): boolean {
  if (codePoint < 128) {
    return (
      (codePoint >= 48 && codePoint <= 57) ||
      (codePoint >= 65 && codePoint <= 90) ||
      (codePoint >= 97 && codePoint <= 122) ||
      codePoint === 95
    );
  }
  return wordPattern.test(String.fromCodePoint(codePoint));
}

// Word characters below 128 (digits, letters, `_`), for runs of ASCII text.
const asciiWord = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) asciiWord[code] = isWordCodePoint(code) ? 1 : 0;

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Remembers the last offset where a cut would not split a word or a surrogate pair. After
 * `push(code, index)`, `last` is the greatest clean offset ≤ `index` (the offset between the
 * previous character and this one counts once both are known).
 */
export class BoundaryTracker {
  /** The greatest known clean cut offset. */
  last = 0;
  private previousWord = false;
  private pendingHigh = -1;

  reset(): void {
    this.last = 0;
    this.previousWord = false;
    this.pendingHigh = -1;
  }

  push(code: number, index: number): void {
    if (isLow(code) && this.pendingHigh >= 0) {
      // The second half of a pair: the offset before it is never clean.
      const word = isWordCodePoint(0x10000 + ((this.pendingHigh - 0xd800) << 10) + (code - 0xdc00));
      if (!(word && this.previousWord)) this.last = index - 1;
      this.previousWord = word;
      this.pendingHigh = -1;
      return;
    }
    if (isHigh(code)) {
      this.pendingHigh = code;
      return;
    }
    this.pendingHigh = -1;
    const word = isWordCodePoint(code);
    if (!(word && this.previousWord)) this.last = index;
    this.previousWord = word;
  }

  /**
   * `push` for each character of `text` in `[from, to)`, all below 128, the character at `i`
   * being at offset `offset + i`. The clean offset is the last one in the run not inside a word:
   * found from the run's end, at the cost of its last word rather than of the whole run.
   */
  pushAscii(text: string, from: number, to: number, offset: number): void {
    if (from >= to) return;
    let word = asciiWord[text.charCodeAt(to - 1)] === 1;
    const lastWord = word;
    for (let i = to - 1; i >= from; i -= 1) {
      const before = i > from ? asciiWord[text.charCodeAt(i - 1)] === 1 : this.previousWord;
      if (!(word && before)) {
        this.last = offset + i;
        break;
      }
      word = before;
    }
    this.previousWord = lastWord;
    this.pendingHigh = -1;
  }
}

/**
 * Tracks whether the text is inside LaTeX math: display math (`\[ \]`, `$$ $$`, any
 * `\begin{..}`/`\end{..}` environment) and inline `\( \)` (reset at each line end, so an
 * unclosed one cannot swallow the rest). A backslash counts as escaping when an odd run of
 * backslashes precedes the character, so `\\[2pt]` (a LaTeX line break) is not `\[`.
 */
export class MathModeTracker {
  /** Inside `\[ \]` or `$$ $$`. */
  display = false;
  /** Depth of `\begin{..}` environments. */
  environments = 0;
  /** Inside `\( \)` on this line. */
  inline = false;
  private backslashes = 0;
  private dollar = false;
  private command = '';

  reset(): void {
    this.display = false;
    this.environments = 0;
    this.inline = false;
    this.backslashes = 0;
    this.dollar = false;
    this.command = '';
  }

  /** True inside any math: where a line or sentence end does not end a statement. */
  get inMath(): boolean {
    return this.display || this.environments > 0 || this.inline;
  }

  /**
   * True when no escape, command or `$` is in progress: then a character other than a backslash, `$`,
   * `{` or a line end changes nothing here (see `CompletionScanner`'s fast path).
   */
  get idle(): boolean {
    return this.backslashes === 0 && this.command === '' && !this.dollar;
  }

  /** True inside display math or an environment: where a line end does not end a statement. */
  get inDisplay(): boolean {
    return this.display || this.environments > 0;
  }

  push(code: number): void {
    const escaped = this.backslashes % 2 === 1;
    this.trackCommand(code, escaped);
    if (escaped) {
      if (code === 91 /* [ */) this.display = true;
      else if (code === 93 /* ] */) this.display = false;
      else if (code === 40 /* ( */) this.inline = true;
      else if (code === 41 /* ) */) this.inline = false;
    } else if (code === 36 /* $ */) {
      if (this.dollar) {
        this.display = !this.display;
        this.dollar = false;
      } else {
        this.dollar = true;
      }
    }
    if (code !== 36 || escaped) this.dollar = false;
    if (code === 10) this.inline = false;
    this.backslashes = code === 92 ? this.backslashes + 1 : 0;
  }

  private trackCommand(code: number, escaped: boolean): void {
    // Collects the letters of a command after a backslash, to spot \begin{ and \end{.
    if (escaped && code >= 97 && code <= 122) {
      this.command = String.fromCharCode(code);
      return;
    }
    if (this.command !== '' && code >= 97 && code <= 122 && this.command.length < 6) {
      this.command += String.fromCharCode(code);
      return;
    }
    if (code === 123 /* { */) {
      if (this.command === 'begin') this.environments += 1;
      else if (this.command === 'end') this.environments = Math.max(0, this.environments - 1);
    }
    this.command = '';
  }
}
