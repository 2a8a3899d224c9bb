/** A fence line, reported at the line's end (only then is it known to be one). */
export type FenceEvent =
  | { type: 'opened'; info: string }
  /** `end` is the offset just after the closing fence's backticks or tildes. */
  | { type: 'closed'; end: number };

const backtick = 96;
const tilde = 126;

/**
 * Tracks Markdown fenced code blocks (CommonMark rules: up to three spaces of indent, a run of at
 * least three backticks or tildes; the closing run uses the same character, is at least as long
 * and has nothing after it but spaces). Fed one character at a time; O(1) state apart from the
 * first 32 characters of an info string.
 */
export class FenceTracker {
  /** Inside a fenced block. */
  open = false;
  /** Info string of the open block (e.g. `json`, `python`), lower-cased. */
  info = '';
  private fenceChar = 0;
  private fenceLength = 0;
  private state: 'indent' | 'run' | 'after' | 'other' = 'indent';
  private indent = 0;
  private runChar = 0;
  private runLength = 0;
  private runEnd = 0;
  private rest = '';
  private restBlank = true;

  /**
   * True in the middle of a line that is not a fence line: then only a line end changes
   * anything here (see `CompletionScanner`'s fast path).
   */
  get midLine(): boolean {
    return this.state === 'other';
  }

  reset(): void {
    this.open = false;
    this.info = '';
    this.state = 'indent';
    this.indent = 0;
  }

  /** Feeds the character at `index`; returns an event when a fence line ends here. */
  push(code: number, index: number): FenceEvent | undefined {
    if (code === 10) return this.endLine();
    switch (this.state) {
      case 'indent':
        if (code === 32 && this.indent < 3) this.indent += 1;
        else if (code === backtick || code === tilde) {
          this.state = 'run';
          this.runChar = code;
          this.runLength = 1;
        } else this.state = 'other';
        break;
      case 'run':
        if (code === this.runChar) this.runLength += 1;
        else this.afterRun(code, index);
        break;
      case 'after':
        this.afterChar(code);
        break;
      default:
        break;
    }
    if (this.state === 'run') this.runEnd = index + 1;
    return undefined;
  }

  private afterRun(code: number, index: number): void {
    if (this.runLength < 3) {
      this.state = 'other';
      return;
    }
    this.state = 'after';
    this.runEnd = index;
    this.rest = '';
    this.restBlank = true;
    this.afterChar(code);
  }

  private afterChar(code: number): void {
    if (code !== 32 && code !== 9 && code !== 13) this.restBlank = false;
    // A backtick fence's info string may not contain a backtick: then it is inline code.
    if (code === backtick && this.runChar === backtick) this.state = 'other';
    else if (this.rest.length < 32) this.rest += String.fromCharCode(code);
  }

  private endLine(): FenceEvent | undefined {
    const fenceLine = (this.state === 'run' && this.runLength >= 3) || this.state === 'after';
    const blank = this.state === 'run' || this.restBlank;
    this.state = 'indent';
    this.indent = 0;
    if (!fenceLine) return undefined;
    if (this.open) {
      if (this.runChar !== this.fenceChar || this.runLength < this.fenceLength || !blank) return undefined;
      this.open = false;
      return { type: 'closed', end: this.runEnd };
    }
    this.open = true;
    this.fenceChar = this.runChar;
    this.fenceLength = this.runLength;
    this.info = blank ? '' : this.rest.trim().toLowerCase();
    return { type: 'opened', info: this.info };
  }
}
