import { statementIn } from '../policies/answer-candidates.js';
import { LineReader } from '../policies/line-reader.js';
import type { StreamView } from '../policy.js';

/**
 * Whether the reasoning so far has stated an answer: a line that `statementIn` reads a candidate
 * from (a closed `\boxed{}`, "the answer is X", a concluding "So ... = X." or an endorsement, on
 * a line without second thoughts), read line by line as `answerConvergence` reads them. Asked
 * only once a reasoning budget is reached: the first question reads the reasoning whole, the
 * next ones only each new delta.
 */
export class StatedAnswerWatch {
  private found = false;
  private primed = false;
  // Made once per policy: a closure per delta would be an allocation per chunk.
  private readonly lines = new LineReader<number>((line, end) =>
    statementIn(line) === undefined ? undefined : end,
  );
  /**
   * Where the line that stated the answer ends (the offset of its line break) when it arrived
   * after the first question, i.e. after the budget was reached; undefined otherwise.
   */
  statedLineEnd: number | undefined;

  reset(): void {
    this.found = false;
    this.primed = false;
    this.lines.reset();
    this.statedLineEnd = undefined;
  }

  /** Call on every reasoning delta from the first question on. */
  stated(view: StreamView): boolean {
    if (this.found) return true;
    if (!this.primed) {
      this.primed = true;
      this.found = this.lines.push(view.reasoning, 0) !== undefined;
    } else {
      this.statedLineEnd = this.lines.push(view.delta, view.deltaOffset);
      this.found = this.statedLineEnd !== undefined;
    }
    return this.found;
  }
}
