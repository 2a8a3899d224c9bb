/**
 * User regexes on a linear-time engine. A JS `RegExp` backtracks: `/\d*\d*x/` takes a minute on
 * 5,000 digits and `/(\w+\s?)+$/` seconds on a 30-character prompt, and no structural check
 * catches every such pattern. RE2 (here its pure-JS port re2js, which runs on Node, Bun, Deno
 * and edge runtimes alike) compiles a regex to an automaton and matches in time linear in the
 * text whatever the pattern, by leaving out what needs backtracking (lookarounds,
 * backreferences). So every user pattern is translated to RE2 and checked when it is defined;
 * what cannot run is refused then, with the reason and a rewrite. The engine itself loads on
 * first use (see `linear-engine.ts`), and compiles a pattern the first time it is matched.
 */
import type { RE2JS } from 're2js';
import { ConfigError } from '../errors.js';
import { regexEngine, regexEngineReady, requestRegexEngine } from './linear-engine.js';
import { UntranslatableRegExp } from './regex-shape.js';
import { translateRegExp } from './regex-translate.js';

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
  /**
   * The compiled RE2 pattern (for whole-text searches), compiled on first read. Reading it
   * needs the engine loaded: a client loads it before a call's chain runs.
   */
  readonly re2: RE2JS;
  /** Its program (for streaming), compiled on first read like {@link LinearRegex.re2}. */
  readonly program: Re2Program;
}

/**
 * Checks `regex` for linear-time matching or throws a {@link ConfigError} on `field` that says
 * why and how to rewrite it. Refused: what RE2 cannot express (lookarounds, backreferences, the
 * sticky flag, v-flag set operations, repeat counts over 1000, alone or multiplied through
 * nested repeats) and any regex that can match the empty string somewhere (`/\b/`, `/x* /`,
 * `/(?:)/`): a stop pattern that matches nothing would stop at once with no text, and a keyword
 * rule would match every prompt. Also refused: a repeated group that can match the empty string
 * (`(a*)*`, `(?:a|b?){1,2}`), the one construct where RE2's leftmost-first match differs from
 * JS's (see {@link translateRegExp}).
 *
 * The engine loads on first use: this starts loading it. What only the engine can refuse (a
 * Unicode property it does not know, such as `\p{Letter}` for `\p{L}`, or a pattern too large) is
 * refused here once it has loaded, and before that when a call first runs the pattern: the call
 * then fails with the same `ConfigError`, before its request is sent.
 */
export function compileLinearRegex(field: string, regex: RegExp): LinearRegex {
  // Profiles build their policies per call, and a keyword rule's or stop string's pattern is the
  // same every time: compiling it again cost about 0.7 ms a call (10 times the rest of a chain).
  const key = `${regex.flags}/${regex.source}`;
  let pattern = compiled.get(key);
  if (pattern === undefined) {
    pattern = new CompiledPattern(regex, checked(field, regex));
    if (compiled.size >= maxCompiled) compiled.clear();
    compiled.set(key, pattern);
  }
  const linear = new LinearPattern(field, regex, pattern);
  if (regexEngineReady()) pattern.compile(field);
  else requestRegexEngine();
  return linear;
}

/** Whether `regex`, once checked by {@link compileLinearRegex}, has `$` for the end of the text. */
export function usesEndOfText(regex: LinearRegex): boolean {
  return regex instanceof LinearPattern && regex.pattern.endOfText;
}

function checked(field: string, regex: RegExp): { source: string; endOfText: boolean } {
  let translated: ReturnType<typeof translateRegExp>;
  try {
    translated = translateRegExp(regex);
  } catch (error) {
    if (error instanceof UntranslatableRegExp)
      throw new ConfigError(field, `${String(regex)} ${error.message}`);
    throw error;
  }
  if (translated.matchesEmpty) {
    throw new ConfigError(
      field,
      `${String(regex)} can match the empty string (at some position), so it would match before any text; make it consume at least one character, e.g. /x+/ instead of /x*/, or /\\bword\\b/ instead of /\\b/`,
    );
  }
  return translated;
}

/**
 * One pattern's RE2 source, compiled on first use and shared by every regex with the same
 * source and flags (the program is read-only once built; matching keeps its own state).
 */
class CompiledPattern {
  private result: { re2: RE2JS; program: Re2Program } | { refusal: string } | undefined;

  constructor(
    private readonly regex: RegExp,
    private readonly translated: { source: string; endOfText: boolean },
  ) {}

  get endOfText(): boolean {
    return this.translated.endOfText;
  }

  /** The compiled pattern; throws the engine's refusal as a `ConfigError` on `field`, every time. */
  compile(field: string): { re2: RE2JS; program: Re2Program } {
    this.result ??= this.compileNow();
    if ('refusal' in this.result) throw new ConfigError(field, this.result.refusal);
    return this.result;
  }

  private compileNow(): { re2: RE2JS; program: Re2Program } | { refusal: string } {
    const { RE2JS, RE2JSException } = regexEngine();
    let re2: RE2JS;
    try {
      re2 = RE2JS.compile(this.translated.source);
    } catch (error) {
      if (!(error instanceof RE2JSException)) throw error;
      return {
        refusal: `${String(this.regex)} cannot run on the linear-time regex engine (${error.message}); simplify it, e.g. the short name of a Unicode property (\\p{L} for \\p{Letter}) or fewer repeats`,
      };
    }
    return { re2, program: programOf(re2) };
  }
}

/** A {@link LinearRegex}: the user's regex, over its shared compiled pattern. */
class LinearPattern implements LinearRegex {
  constructor(
    private readonly field: string,
    readonly original: RegExp,
    readonly pattern: CompiledPattern,
  ) {}

  get re2(): RE2JS {
    return this.pattern.compile(this.field).re2;
  }

  get program(): Re2Program {
    return this.pattern.compile(this.field).program;
  }
}

// Bounded, since patterns can come from user input.
const compiled = new Map<string, CompiledPattern>();
const maxCompiled = 1024;

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
