/**
 * User regexes on a linear-time engine. A JS `RegExp` backtracks: `/\d*\d*x/` takes a minute on
 * 5,000 digits and `/(\w+\s?)+$/` seconds on a 30-character prompt, and no structural check
 * catches every such pattern. RE2 (here its pure-JS port re2js, which runs on Node, Bun, Deno
 * and edge runtimes alike) compiles a regex to an automaton and matches in time linear in the
 * text whatever the pattern, by leaving out what needs backtracking (lookarounds,
 * backreferences). So every user pattern is translated to RE2 and compiled when it is defined;
 * what cannot be is refused then, with the reason and a rewrite.
 */
import { RE2JS, RE2JSException } from 're2js';
import { ConfigError } from '../errors.js';
import { translateRegExp, UntranslatableRegExp } from './regex-translate.js';

/** re2js's compiled program, which {@link StreamMatcher} walks. Not in re2js's typings. */
export interface Re2Program {
  readonly inst: readonly Re2Inst[];
  readonly start: number;
}

/** One instruction of an {@link Re2Program}. */
export interface Re2Inst {
  readonly op: number;
  readonly out: number;
  readonly arg: number;
  matchRune(rune: number): boolean;
}

/** re2js instruction codes (`Inst` in re2js, mirroring Go's regexp/syntax). */
export const Op = {
  alt: 1,
  altMatch: 2,
  capture: 3,
  emptyWidth: 4,
  fail: 5,
  match: 6,
  nop: 7,
  rune: 8,
  rune1: 9,
  runeAny: 10,
  runeAnyNotNl: 11,
} as const;

/** re2js empty-width conditions (`^`, `$`, `\b`, `\B`). */
export const Empty = {
  beginLine: 1,
  endLine: 2,
  beginText: 4,
  endText: 8,
  wordBoundary: 16,
  noWordBoundary: 32,
} as const;

/** A user regex compiled for linear-time matching. */
export interface LinearRegex {
  /** The regex as the user wrote it, for messages and `explain`. */
  readonly original: RegExp;
  /** The compiled RE2 pattern (for whole-text searches). */
  readonly re2: RE2JS;
  /** Its program (for streaming). */
  readonly program: Re2Program;
}

/**
 * Compiles `regex` for linear-time matching or throws a {@link ConfigError} on `field` that says
 * why and how to rewrite it. Refused: what RE2 cannot express (lookarounds, backreferences, the
 * sticky flag, v-flag set operations, repeats over 1000) and any regex that can match the empty
 * string somewhere (`/\b/`, `/x* /`, `/(?:)/`): a stop pattern that matches nothing would stop at
 * once with no text, and a keyword rule would match every prompt. Also refused: a repeated group
 * that can match the empty string (`(a*)*`, `(?:a|b?){1,2}`), the one construct where RE2's
 * leftmost-first match differs from JS's (see {@link translateRegExp}).
 */
export function compileLinearRegex(field: string, regex: RegExp): LinearRegex {
  // Profiles build their policies per call, and a keyword rule's or stop string's pattern is the
  // same every time: compiling it again cost about 0.7 ms a call (10 times the rest of a chain).
  const key = `${regex.flags}/${regex.source}`;
  const known = compiled.get(key);
  if (known !== undefined) return { original: regex, ...known };
  const fresh = compileUncached(field, regex);
  if (compiled.size >= maxCompiled) compiled.clear();
  compiled.set(key, { re2: fresh.re2, program: fresh.program });
  return fresh;
}

// The compiled program is read-only once built (matching keeps its own state), so one serves
// every call; bounded, since patterns can come from user input.
const compiled = new Map<string, Omit<LinearRegex, 'original'>>();
const maxCompiled = 1024;

function compileUncached(field: string, regex: RegExp): LinearRegex {
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(translateRegExp(regex));
  } catch (error) {
    if (error instanceof UntranslatableRegExp)
      throw new ConfigError(field, `${String(regex)} ${error.message}`);
    if (error instanceof RE2JSException) {
      throw new ConfigError(
        field,
        `${String(regex)} cannot run on the linear-time regex engine (${error.message}); simplify it, e.g. a repeat count of at most 1000`,
      );
    }
    throw error;
  }
  const program = programOf(re2);
  if (matchesEmpty(program)) {
    throw new ConfigError(
      field,
      `${String(regex)} can match the empty string (at some position), so it would match before any text; make it consume at least one character, e.g. /x+/ instead of /x*/, or /\\bword\\b/ instead of /\\b/`,
    );
  }
  return { original: regex, re2, program };
}

/** Epsilon successors: where `inst` leads without reading a character. */
function epsilonNext(inst: Re2Inst): number[] {
  switch (inst.op) {
    case Op.alt:
    case Op.altMatch:
      return [inst.out, inst.arg];
    case Op.capture:
    case Op.nop:
    case Op.emptyWidth:
      return [inst.out];
    default:
      return [];
  }
}

/**
 * The compiled program inside re2js. It is not part of re2js's typed API (the version is pinned
 * exactly for that reason), so its shape is checked: a change fails loudly here, not as a
 * matcher that silently never stops.
 */
function programOf(re2: RE2JS): Re2Program {
  const program = (re2.re2() as unknown as { prog?: Re2Program }).prog;
  const known = new Set<number>(Object.values(Op));
  if (
    !program ||
    !Array.isArray(program.inst) ||
    !Number.isInteger(program.start) ||
    program.inst.some((inst) => !known.has(inst.op) || typeof inst.matchRune !== 'function')
  ) {
    throw new Error('re2js internals are not what stopwise expects; is re2js the pinned version?');
  }
  return program;
}

/**
 * Whether the program reaches a match without reading a character, on some path, whatever the
 * empty-width conditions (so `\b` alone counts: it matches empty somewhere in most texts).
 */
function matchesEmpty(program: Re2Program): boolean {
  const seen = new Set<number>();
  const stack = [program.start];
  while (stack.length > 0) {
    const pc = stack.pop() as number;
    if (seen.has(pc)) continue;
    seen.add(pc);
    const inst = program.inst[pc] as Re2Inst;
    if (inst.op === Op.match) return true;
    stack.push(...epsilonNext(inst)); // a rune or fail has none: it reads a character, or fails
  }
  return false;
}

/** Whether the program has `$` or `\z` meaning the end of the whole text (no m flag). */
export function usesEndOfText(program: Re2Program): boolean {
  return program.inst.some((inst) => inst.op === Op.emptyWidth && (inst.arg & Empty.endText) !== 0);
}

/**
 * The first match of `regex` in `text` (leftmost, then the one a backtracking engine would pick,
 * as in JS), as the matched text and the value of capture group `group`; in time linear in `text`.
 */
export function firstMatch(regex: LinearRegex, text: string, group = 0): string | undefined {
  // The same prompt is matched against the same rules several times per call (the chain's start,
  // the savings bucket, each ladder step the tuner replays): remember the last few answers.
  let recent = recentMatches.get(regex.re2);
  if (recent === undefined) {
    recent = new Map();
    recentMatches.set(regex.re2, recent);
  }
  const key = `${group}\u0000${text}`;
  if (recent.has(key)) return recent.get(key);
  const matcher = regex.re2.matcher(text);
  const found = matcher.find() ? (matcher.group(group) ?? '') : undefined;
  if (recent.size >= recentMatchesPerRegex) recent.delete(recent.keys().next().value as string);
  recent.set(key, found);
  return found;
}

// Per compiled regex (shared by every rule with the same source): its last answers, by text.
const recentMatches = new WeakMap<RE2JS, Map<string, string | undefined>>();
const recentMatchesPerRegex = 8;
