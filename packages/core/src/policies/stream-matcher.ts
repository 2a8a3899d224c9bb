/**
 * A regex matched over a stream one delta at a time, in time linear in the text whatever the
 * pattern. It is a Pike VM (Thompson's simulation with priorities, as in RE2 and Go) over the
 * program re2js compiles, whose state (the live threads, at most one per instruction) is carried
 * from one delta to the next: each character costs at most the program's size, and no text is
 * read twice. Rescanning a window on every delta instead costs the window per delta, and a
 * backtracking engine can cost exponential time on it.
 *
 * The match is the one JS would find in the whole text (leftmost, then the one a backtracking
 * engine tries first), decided once no thread of higher priority can still match; a match also
 * needs one character after it, so `\b`, `$` with the m flag and a greedy ending (`\d+`) see the
 * same text however the stream was chunked.
 */
import { Empty, type LinearRegex, Op, type Re2Inst, type Re2Program } from './linear-regex.js';

/** A decided match, in UTF-16 offsets of the phase's text. */
export interface StreamMatch {
  readonly start: number;
  readonly end: number;
  /** Offset just after the character whose arrival decided the match. */
  readonly decidedAt: number;
}

const isWordRune = (r: number) =>
  (r >= 48 && r <= 57) || (r >= 65 && r <= 90) || (r >= 97 && r <= 122) || r === 95;

/** Which empty-width conditions hold between rune `before` (-1 at text start) and `after`. */
function emptyContext(before: number, after: number): number {
  let flags = 0;
  if (before < 0) flags |= Empty.beginText | Empty.beginLine;
  else if (before === 10) flags |= Empty.beginLine;
  if (after === 10) flags |= Empty.endLine;
  // The end of text is never seen: a stream decides before it ends.
  flags |= isWordRune(before) !== isWordRune(after) ? Empty.wordBoundary : Empty.noWordBoundary;
  return flags;
}

function runeMatches(inst: Re2Inst, rune: number): boolean {
  if (inst.op === Op.runeAny) return true;
  if (inst.op === Op.runeAnyNotNl) return rune !== 10;
  return inst.matchRune(rune);
}

/** Incremental leftmost-first matcher of one regex over one phase's text. */
export class StreamMatcher {
  private readonly regex: LinearRegex;
  private readonly maxMatchLength: number;
  // The program and the scratch sized to it, on first use: the engine may still be loading when
  // a policy is made (see `linear-engine.ts`), never when a call runs it.
  private program!: Re2Program;
  private seen!: Uint32Array;
  private compiled = false;
  // Live threads before the next character: instruction and match start, by priority.
  private pcs: number[] = [];
  private starts: number[] = [];
  private best: { start: number; end: number } | undefined;
  private prevRune = -1;
  private pos = 0;
  /** A high surrogate that ended a delta, held until its low half arrives. */
  private held = '';
  // Closure scratch (`seen`): the generation in which each instruction was last added.
  private generation = 0;
  private readonly stack: number[] = [];

  /**
   * @param regex the regex, compiled on the first `reset` or `push`
   * @param maxMatchLength matches longer than this (UTF-16 units) are ignored, so a thread is
   *   dropped once it is that old, which lets a later start match instead
   */
  constructor(regex: LinearRegex, maxMatchLength: number) {
    this.regex = regex;
    this.maxMatchLength = maxMatchLength;
  }

  private compile(): void {
    this.program = this.regex.program;
    this.seen = new Uint32Array(this.program.inst.length);
    this.compiled = true;
  }

  /** Forgets all text (a new call). */
  reset(): void {
    if (!this.compiled) this.compile();
    this.pcs = [];
    this.starts = [];
    this.best = undefined;
    this.prevRune = -1;
    this.pos = 0;
    this.held = '';
  }

  /**
   * Reads `delta`; returns the first match decided in it, if any. Fed on after a decision, it
   * looks for the next match, starting after the character that decided this one.
   */
  push(delta: string): StreamMatch | undefined {
    if (!this.compiled) this.compile();
    const text = this.held + delta;
    this.held = '';
    // The whole delta is read even after a decision, so a matcher fed on stays in step with
    // the text; a second match in the same delta is not reported.
    let first: StreamMatch | undefined;
    for (let i = 0; i < text.length; ) {
      let rune = text.charCodeAt(i);
      let width = 1;
      if (rune >= 0xd800 && rune <= 0xdbff) {
        if (i + 1 >= text.length) {
          this.held = text.slice(i);
          break;
        }
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          rune = 0x10000 + ((rune - 0xd800) << 10) + (low - 0xdc00);
          width = 2;
        }
      }
      const decided = this.step(rune, width);
      first ??= decided;
      i += width;
    }
    return first;
  }

  /** One character at `this.pos`. */
  private step(rune: number, width: number): StreamMatch | undefined {
    const flags = emptyContext(this.prevRune, rune);
    const listPcs: number[] = [];
    const listStarts: number[] = [];
    this.generation += 1;
    for (let k = 0; k < this.pcs.length; k++) {
      const start = this.starts[k] as number;
      if (this.pos - start <= this.maxMatchLength) {
        this.close(this.pcs[k] as number, start, flags, listPcs, listStarts);
      }
    }
    // Unanchored search: a new thread at each position, of lowest priority, until a match.
    if (this.best === undefined) this.close(this.program.start, this.pos, flags, listPcs, listStarts);

    const nextPcs: number[] = [];
    const nextStarts: number[] = [];
    for (let k = 0; k < listPcs.length; k++) {
      const inst = this.program.inst[listPcs[k] as number] as Re2Inst;
      if (inst.op === Op.match) {
        // Every thread after this one has lower priority: cut them (leftmost-first).
        this.best = { start: listStarts[k] as number, end: this.pos };
        break;
      }
      if (runeMatches(inst, rune)) {
        nextPcs.push(inst.out);
        nextStarts.push(listStarts[k] as number);
      }
    }
    this.pcs = nextPcs;
    this.starts = nextStarts;
    this.prevRune = rune;
    this.pos += width;
    if (this.best !== undefined && nextPcs.length === 0) {
      const decided = { ...this.best, decidedAt: this.pos };
      // A policy that only records (shadow, allOf) keeps stepping: look for the next match
      // rather than report this one again on every character.
      this.best = undefined;
      return decided;
    }
    return undefined;
  }

  /**
   * Adds the threads `pc` leads to without reading a character, in priority order, each
   * instruction once per step (a later thread at the same instruction has the same future and a
   * lower priority).
   */
  private close(pc: number, start: number, flags: number, pcs: number[], starts: number[]): void {
    const { stack, seen, generation } = this;
    stack.push(pc);
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (seen[at] === generation) continue;
      seen[at] = generation;
      const inst = this.program.inst[at] as Re2Inst;
      switch (inst.op) {
        case Op.alt:
        case Op.altMatch:
          stack.push(inst.arg, inst.out); // out is preferred, so it is taken first
          break;
        case Op.capture:
        case Op.nop:
          stack.push(inst.out);
          break;
        case Op.emptyWidth:
          if ((inst.arg & ~flags) === 0) stack.push(inst.out);
          break;
        case Op.fail:
          break;
        default:
          pcs.push(at);
          starts.push(start);
      }
    }
  }
}
