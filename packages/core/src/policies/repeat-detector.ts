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
const initialChars = 1024;

/** A detector's two arrays, of one capacity. */
interface Arrays {
  buffer: Uint16Array;
  table: Int32Array;
}

/**
 * Arrays of detectors whose call has ended (see `release`), by capacity, for the next calls':
 * allocating typed arrays outside the heap (zeroed, then garbage collected) cost more per call
 * than scanning the output, and most outputs outgrow the initial size once (a 300-token answer
 * is about 1,300 characters). Bounded by bytes, so a burst of long outputs cannot pin memory:
 * at most about 2 MB in all.
 */
const spares = new Map<number, Arrays[]>();
const maxSpareBytes = 2 * 1024 * 1024;
let spareBytes = 0;
const released: Arrays = { buffer: new Uint16Array(0), table: new Int32Array(0) };

function bytesOf({ buffer, table }: Arrays): number {
  return buffer.byteLength + table.byteLength;
}

/** A pair of `capacity` from the pool, its table zeroed, or fresh arrays. */
function takeArrays(capacity: number): Arrays {
  const spare = spares.get(capacity)?.pop();
  if (spare === undefined) {
    return { buffer: new Uint16Array(capacity), table: new Int32Array(2 ** tableBits(capacity)) };
  }
  spareBytes -= bytesOf(spare);
  // The buffer needs no clearing: positions are only read below the count written this call.
  spare.table.fill(0);
  return spare;
}

function returnArrays(arrays: Arrays): void {
  const bytes = bytesOf(arrays);
  if (bytes === 0 || spareBytes + bytes > maxSpareBytes) return;
  let pool = spares.get(arrays.buffer.length);
  if (pool === undefined) {
    pool = [];
    spares.set(arrays.buffer.length, pool);
  }
  pool.push(arrays);
  spareBytes += bytes;
}

/** Bits of a hash table with about two slots per character of a `chars` window. */
function tableBits(chars: number): number {
  return Math.ceil(Math.log2(chars * 2));
}

/** `base` to the power of {@link gramLength}: removes the character leaving the rolling hash. */
function gramPower(): number {
  let power = 1;
  for (let i = 0; i < gramLength; i += 1) power = Math.imul(power, base);
  return power;
}

interface Candidate {
  period: number;
  run: number;
  /** The run at which this period counts as a loop. */
  needed: number;
}

/**
 * Finds a text looping over the same block: a run where every character equals the one `period`
 * characters earlier. Per character: O(1) work (a rolling hash of the last {@link gramLength}
 * characters finds the nearest earlier occurrence; at most four candidate periods are followed).
 * Memory is bounded: a ring buffer of the last `windowChars` code units and a hash table of
 * positions, both grown with the text (from 1,024 characters, four-fold) up to the window.
 * A repeated block must recur back to back: a restated equation or a second "Let me check"
 * separated by other text never forms a run as long as its period.
 */
export class RepeatDetector {
  // Both start small and grow with the text: most outputs are a few thousand characters, and
  // allocating the full window for every call cost more than scanning the whole output.
  // Capacities are powers of two (a mask instead of a division per access); positions older
  // than `windowChars` are never read, so results do not depend on the capacity.
  private buffer: Uint16Array;
  private mask: number;
  /** Position + 1 of the latest gram per hash slot; 0 for none (a fresh array is all zeros). */
  private table: Int32Array;
  private shift: number;
  private readonly fullCapacity: number;
  private readonly baseToGram = gramPower();
  private count = 0;
  private hash = 0;
  private readonly candidates: Candidate[] = [];

  constructor(private readonly settings: RepeatDetectorSettings) {
    this.fullCapacity = 2 ** Math.ceil(Math.log2(settings.windowChars));
    const capacity = Math.min(this.fullCapacity, initialChars);
    this.mask = capacity - 1;
    this.shift = 32 - tableBits(capacity);
    const arrays = takeArrays(capacity);
    this.buffer = arrays.buffer;
    this.table = arrays.table;
  }

  /**
   * Hands the arrays to the next detectors made (while the pool has room). The detector must
   * not be used afterwards (the repetition policy drops it at the call's end).
   */
  release(): void {
    returnArrays({ buffer: this.buffer, table: this.table });
    this.buffer = released.buffer;
    this.table = released.table;
  }

  /** Characters of text held (never more than `windowChars`). */
  get heldChars(): number {
    return Math.min(this.count, this.settings.windowChars);
  }

  /** Candidate periods followed right now (never more than four). */
  get candidateCount(): number {
    return this.candidates.length;
  }

  reset(): void {
    if (this.count > 0) this.table.fill(0);
    this.count = 0;
    this.hash = 0;
    this.candidates.length = 0;
  }

  /**
   * `push` for each character of `text`, up to the first that completes a loop: returns that
   * loop and the character's index in `text`.
   *
   * While no candidate period is followed (nearly all text), a character only goes into the
   * buffer, the rolling hash and the table, and the table rarely points at an earlier
   * occurrence worth checking: those characters are fed in one loop with the state in locals
   * (see {@link scanQuiet}), the others through `push`.
   */
  scan(text: string): { loop: Loop; index: number } | undefined {
    let index = 0;
    while (index < text.length) {
      if (this.candidates.length === 0) {
        const quiet = this.scanQuiet(text, index);
        if (typeof quiet !== 'number') return quiet;
        index = quiet;
        continue;
      }
      const loop = this.push(text.charCodeAt(index));
      if (loop) return { loop, index };
      index += 1;
    }
    return undefined;
  }

  /**
   * What `push` does for the characters of `text` from `from` on while no candidate is
   * followed: returns the index after the last one fed (the end of `text`, or a character that
   * made a candidate), or the loop a character completed.
   */
  private scanQuiet(text: string, from: number): number | { loop: Loop; index: number } {
    const { baseToGram, fullCapacity } = this;
    const farthest = this.settings.windowChars - gramLength;
    let { buffer, mask, table, shift, count, hash } = this;
    for (let index = from; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      const pos = count;
      if (pos === buffer.length && pos < fullCapacity) {
        this.count = count;
        this.grow();
        ({ buffer, mask, table, shift } = this);
      }
      count = pos + 1;
      buffer[pos & mask] = code;
      hash = (Math.imul(hash, base) + code) | 0;
      if (pos >= gramLength)
        hash = (hash - Math.imul(buffer[(pos - gramLength) & mask] as number, baseToGram)) | 0;
      if (pos < gramLength - 1) continue;
      // `lookBack`, up to its first check.
      const slot = Math.imul(hash, 0x9e3779b1) >>> shift;
      const earlier = (table[slot] as number) - 1;
      table[slot] = pos + 1;
      const period = pos - earlier;
      if (earlier < 0 || period <= 0 || period > farthest) continue;
      this.count = count;
      this.hash = hash;
      const found = this.follow(pos, period);
      if (found === undefined) continue;
      if (found.run >= found.needed) return { loop: this.loopAt(pos, found), index };
      return index + 1;
    }
    this.count = count;
    this.hash = hash;
    return text.length;
  }

  /** Feeds the next character; returns the loop once one is long enough. */
  push(code: number): Loop | undefined {
    const pos = this.count;
    if (pos === this.buffer.length && pos < this.fullCapacity) this.grow();
    this.count += 1;
    this.buffer[pos & this.mask] = code;
    // Drops the candidates this character breaks, in place (no array per character).
    const { candidates } = this;
    let kept = 0;
    let loop: Candidate | undefined;
    for (let i = 0; i < candidates.length; i += 1) {
      const candidate = candidates[i] as Candidate;
      if (this.at(pos - candidate.period) !== code) continue;
      candidate.run += 1;
      if (candidate.run >= candidate.needed) loop ??= candidate;
      candidates[kept] = candidate;
      kept += 1;
    }
    if (kept !== candidates.length) candidates.length = kept;
    // The hash and table stay current even on the character that completes a loop, so a caller
    // may go on feeding.
    this.hash = (Math.imul(this.hash, base) + code) | 0;
    if (pos >= gramLength)
      this.hash = (this.hash - Math.imul(this.at(pos - gramLength), this.baseToGram)) | 0;
    if (pos >= gramLength - 1) {
      const found = this.lookBack(pos);
      if (found && found.run >= found.needed) loop ??= found;
    }
    return loop && this.loopAt(pos, loop);
  }

  private at(pos: number): number {
    return this.buffer[pos & this.mask] as number;
  }

  /** The oldest position still in the window when `pos` is the newest. */
  private oldest(pos: number): number {
    return Math.max(0, pos - this.settings.windowChars + 1);
  }

  /** Looks up the nearest earlier occurrence of the last gram; follows its period if new. */
  private lookBack(pos: number): Candidate | undefined {
    const slot = Math.imul(this.hash, 0x9e3779b1) >>> this.shift;
    const earlier = (this.table[slot] as number) - 1;
    this.table[slot] = pos + 1;
    const period = pos - earlier;
    if (earlier < 0 || period <= 0 || period > this.settings.windowChars - gramLength) return undefined;
    return this.follow(pos, period);
  }

  /** Follows `period` if it is new and the last gram truly recurs there (not a hash collision). */
  private follow(pos: number, period: number): Candidate | undefined {
    const { candidates } = this;
    for (const candidate of candidates) if (candidate.period === period) return undefined;
    for (let j = 0; j < gramLength; j += 1) {
      if (this.at(pos - j) !== this.at(pos - period - j)) return undefined; // a hash collision
    }
    // The nearest earlier occurrence is missed now and then (another gram took its slot): count
    // the characters that already matched before this gram, so a late find is not a short run.
    const oldest = this.oldest(pos);
    let run = gramLength;
    while (
      run < gramLength * 3 &&
      pos - run - period >= oldest &&
      this.at(pos - run) === this.at(pos - run - period)
    ) {
      run += 1;
    }
    const floor = this.settings.minRepeatChars * (period < shortPeriod ? 4 : 1);
    const candidate = { period, run, needed: Math.max(floor, (this.settings.minRepeats - 1) * period) };
    candidates.push(candidate);
    if (candidates.length > maxCandidates) {
      let weakest = 0;
      for (let i = 1; i < candidates.length; i += 1) {
        if ((candidates[i] as Candidate).run < (candidates[weakest] as Candidate).run) weakest = i;
      }
      candidates.splice(weakest, 1);
    }
    return candidate;
  }

  /**
   * Grows the buffer and the hash table four-fold (up to the window). Called when the buffer is
   * exactly full and has not wrapped yet, so positions keep their slots; the table is rebuilt by
   * re-inserting every gram in order, which leaves it as if it had had this size all along.
   */
  private grow(): void {
    const capacity = Math.min(this.fullCapacity, this.buffer.length * 4);
    const { buffer, table } = takeArrays(capacity);
    buffer.set(this.buffer);
    returnArrays({ buffer: this.buffer, table: this.table });
    this.buffer = buffer;
    this.mask = capacity - 1;
    this.shift = 32 - tableBits(capacity);
    this.table = table;
    let hash = 0;
    for (let pos = 0; pos < this.count; pos += 1) {
      hash = (Math.imul(hash, base) + (buffer[pos] as number)) | 0;
      if (pos >= gramLength)
        hash = (hash - Math.imul(buffer[pos - gramLength] as number, this.baseToGram)) | 0;
      if (pos >= gramLength - 1) this.table[Math.imul(hash, 0x9e3779b1) >>> this.shift] = pos + 1;
    }
  }

  private loopAt(pos: number, { period, run }: Candidate): Loop {
    const oldest = this.oldest(pos);
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
