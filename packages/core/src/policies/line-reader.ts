/** Lines longer than this keep only their end, where conclusions are (bounds memory). */
export const maxLineChars = 4000;

/**
 * Splits a stream of deltas into lines, holding at most one line (a line longer than
 * {@link maxLineChars} keeps only its last characters): what the readers of stated answers in
 * reasoning (`answerConvergence`, adaptive length's room for reasoning with no answer yet) read,
 * so that both read the same lines. Work per delta is O(delta).
 */
export class LineReader<T> {
  private pieces: string[] = [];
  private lineLength = 0;

  /**
   * `onLine` gets each completed line (without its line break) and the offset of that line
   * break; a value other than undefined stops the reading of the delta and is returned.
   */
  constructor(private readonly onLine: (line: string, end: number) => T | undefined) {}

  /** Characters of the current line held (never more than twice {@link maxLineChars}). */
  get heldChars(): number {
    return this.lineLength;
  }

  reset(): void {
    this.pieces = [];
    this.lineLength = 0;
  }

  /** Feeds `delta`, whose first character is at `offset`. */
  push(delta: string, offset: number): T | undefined {
    let from = 0;
    for (let newline = delta.indexOf('\n'); newline >= 0; newline = delta.indexOf('\n', from)) {
      this.append(delta.slice(from, newline));
      const raw = this.pieces.join('');
      this.pieces = [];
      this.lineLength = 0;
      from = newline + 1;
      const line = raw.length > maxLineChars ? raw.slice(-maxLineChars) : raw;
      const result = this.onLine(line, offset + newline);
      if (result !== undefined) return result;
    }
    this.append(delta.slice(from));
    return undefined;
  }

  private append(piece: string): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.lineLength += piece.length;
    if (this.lineLength > 2 * maxLineChars) {
      const kept = this.pieces.join('').slice(-maxLineChars);
      this.pieces = [kept];
      this.lineLength = kept.length;
    }
  }
}
