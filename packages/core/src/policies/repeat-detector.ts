import { isWordCodePoint } from './char-scan.js';

/** Settings of a {@link RepeatDetector}. */
export interface RepeatDetectorSettings {
  /** The repeated run must cover at least this many characters. */
  minRepeatChars: number;
  /** The block must occur this many times in a row (2 = once more after the original). */
  minRepeats: number;
  /** Characters of history kept; the longest loop found is a little shorter. */
  windowChars: number;
}

/** A loop: text that repeats a block of `period` characters, consecutively. */
export interface Loop {
  /** Offset where the text first repeats (the original ends here). */
  start: number;
  /** Length of the repeated block. */
  period: number;
  /** Where to cut: the first line start (else word boundary) at or after `start`. */
  cut: number;
  /** How many copies of the block had arrived (≥ `minRepeats`). */
  copies: number;
}

/** Length of the character windows that are hashed to find earlier occurrences. */
export const gramLength = 12;
// Blocks shorter than this (a rule of ====, a run of spaces, "the the") must repeat over a run
// four times longer: short periods occur in legitimate text far more often than long ones.
const shortPeriod = 8;
const maxCandidates = 4;
const base = 0x01000193;

interface Candidate {
  period: number;
  run: number;
}

/**
 * Finds a text looping over the same block: a run where every character equals the one `period`
 * characters earlier. Per character: O(1) work (a rolling hash of the last {@link gramLength}
 * characters finds the nearest earlier occurrence; at most four candidate periods are followed).
 * Memory is fixed: a ring buffer of `windowChars` code units and a hash table of positions.
 * A repeated block must recur back to back: a restated equation or a second "Let me check"
 * separated by other text never forms a run as long as its period.
 */
export class RepeatDetector {
  private readonly buffer: Uint16Array;
  private readonly table: Int32Array;
  private readonly shift: number;
  private readonly baseToGram: number;
  private count = 0;
  private hash = 0;
  private candidates: Candidate[] = [];

  constructor(private readonly settings: RepeatDetectorSettings) {
    this.buffer = new Uint16Array(settings.windowChars);
    const bits = Math.ceil(Math.log2(settings.windowChars * 2));
    this.table = new Int32Array(2 ** bits).fill(-1);
    this.shift = 32 - bits;
    let power = 1;
    for (let i = 0; i < gramLength; i += 1) power = Math.imul(power, base);
    this.baseToGram = power;
  }

  /** Characters of text held (never more than `windowChars`). */
  get heldChars(): number {
    return Math.min(this.count, this.buffer.length);
  }

  /** Candidate periods followed right now (never more than four). */
  get candidateCount(): number {
    return this.candidates.length;
  }

  reset(): void {
    this.count = 0;
    this.hash = 0;
    this.candidates = [];
    this.table.fill(-1);
  }

  /** Feeds the next character; returns the loop once one is long enough. */
  push(code: number): Loop | undefined {
    const size = this.buffer.length;
    const pos = this.count;
    this.count += 1;
    this.buffer[pos % size] = code;
    this.candidates = this.candidates.filter((candidate) => {
      if (this.at(pos - candidate.period) !== code) return false;
      candidate.run += 1;
      return true;
    });
    this.hash = (Math.imul(this.hash, base) + code) | 0;
    if (pos >= gramLength)
      this.hash = (this.hash - Math.imul(this.at(pos - gramLength), this.baseToGram)) | 0;
    if (pos >= gramLength - 1) this.lookBack(pos);
    for (const candidate of this.candidates) {
      const floor = this.settings.minRepeatChars * (candidate.period < shortPeriod ? 4 : 1);
      if (candidate.run >= Math.max(floor, (this.settings.minRepeats - 1) * candidate.period)) {
        return this.loopAt(pos, candidate);
      }
    }
    return undefined;
  }

  private at(pos: number): number {
    return this.buffer[pos % this.buffer.length] as number;
  }

  /** Looks up the nearest earlier occurrence of the last gram; follows its period if new. */
  private lookBack(pos: number): void {
    const slot = Math.imul(this.hash, 0x9e3779b1) >>> this.shift;
    const earlier = this.table[slot] as number;
    this.table[slot] = pos;
    const period = pos - earlier;
    if (earlier < 0 || period > this.buffer.length - gramLength) return;
    if (this.candidates.some((candidate) => candidate.period === period)) return;
    for (let j = 0; j < gramLength; j += 1) {
      if (this.at(pos - j) !== this.at(pos - period - j)) return; // a hash collision
    }
    this.candidates.push({ period, run: gramLength });
    if (this.candidates.length > maxCandidates) {
      const weakest = this.candidates.reduce((min, c) => (c.run < min.run ? c : min));
      this.candidates = this.candidates.filter((candidate) => candidate !== weakest);
    }
  }

  private loopAt(pos: number, { period, run }: Candidate): Loop {
    const oldest = Math.max(0, pos - this.buffer.length + 1);
    let start = pos - run + 1;
    // The run was found a gram late (or after a spurious shorter period): extend it back.
    while (start - 1 - period >= oldest && this.at(start - 1) === this.at(start - 1 - period)) start -= 1;
    return {
      start,
      period,
      cut: this.cleanCut(start, Math.min(pos, start + period)),
      copies: Math.floor((pos + 1 - start) / period) + 1,
    };
  }

  /** The first line start in `[from, to]`, else the first word boundary, else `from`. */
  private cleanCut(from: number, to: number): number {
    for (let x = from; x <= to; x += 1) if (this.at(x - 1) === 10) return x;
    for (let x = from; x <= to; x += 1) {
      const before = this.at(x - 1);
      const after = this.at(x);
      if (before >= 0xd800 && before <= 0xdbff) continue;
      if (!(isWordCodePoint(before) && isWordCodePoint(after))) return x;
    }
    return from;
  }
}
