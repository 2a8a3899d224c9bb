import { statementIn } from '../policies/answer-candidates.js';
import type { StreamView } from '../policy.js';

/**
 * Whether the reasoning so far has stated an answer: a line that `statementIn` reads a candidate
 * from (a closed `\boxed{}`, "the answer is X", a concluding "So ... = X." or an endorsement, on
 * a line without second thoughts). Asked only once a reasoning budget is reached: the first
 * question reads the reasoning whole, the next ones only the lines completed since.
 */
export class StatedAnswerWatch {
  private found = false;
  private primed = false;
  /** The reasoning after its last line end, not read yet, and where it starts. */
  private partial = '';
  private partialStart = 0;
  /**
   * Where the line that stated the answer ends (the offset of its line break) when it arrived
   * after the first question, i.e. after the budget was reached; undefined otherwise.
   */
  statedLineEnd: number | undefined;

  reset(): void {
    this.found = false;
    this.primed = false;
    this.partial = '';
    this.partialStart = 0;
    this.statedLineEnd = undefined;
  }

  /** Call on every reasoning delta from the first question on: it reads only complete lines. */
  stated(view: StreamView): boolean {
    if (this.found) return true;
    if (!this.primed) {
      this.primed = true;
      this.read(view.reasoning, false);
    } else {
      this.read(view.delta, true);
    }
    return this.found;
  }

  private read(text: string, arrivedNow: boolean): void {
    const lastLineEnd = text.lastIndexOf('\n');
    if (lastLineEnd < 0) {
      this.partial += text;
      return;
    }
    const complete = this.partial + text.slice(0, lastLineEnd);
    let lineStart = this.partialStart;
    this.partialStart += complete.length + 1;
    this.partial = text.slice(lastLineEnd + 1);
    for (const line of complete.split('\n')) {
      if (statementIn(line) !== undefined) {
        this.found = true;
        if (arrivedNow) this.statedLineEnd = lineStart + line.length;
        return;
      }
      lineStart += line.length + 1;
    }
  }
}
