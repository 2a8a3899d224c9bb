import { ConfigError } from '../errors.js';
import type { StopPolicy, StreamView } from '../policy.js';
import { compileLinearRegex, type LinearRegex, usesEndOfText } from './linear-regex.js';
import { optionNames, optionsObject } from './options.js';
import { StreamMatcher } from './stream-matcher.js';

/** Options of {@link stopOn}. */
export interface StopOnOptions {
  /**
   * Keep the matched text in the output (`true`) or cut just before it (`false`, the default,
   * like a provider's stop sequences).
   */
  includeMatch?: boolean | undefined;
  /**
   * The longest text a regex match may span, in UTF-16 units (default 256); a longer match is
   * ignored, so a match that started long ago cannot hold back a shorter one after it.
   */
  maxMatchLength?: number | undefined;
  /** Which phase to watch: `answer` (default), `reasoning`, or `any`. */
  phase?: 'answer' | 'reasoning' | 'any' | undefined;
}

/** The names {@link StopOnOptions} takes (others are refused). */
export const stopOnOptionNames = optionNames<StopOnOptions>({
  includeMatch: true,
  maxMatchLength: true,
  phase: true,
});

/** A stop pattern: a literal string or a regular expression. */
export type StopPattern = string | RegExp;

interface Match {
  start: number;
  end: number;
  decidedAt: number;
  pattern: StopPattern;
}

/**
 * Stops when any of `patterns` appears in the output: any number of strings and regexes (providers
 * allow 4 stop sequences; this has no limit), matched across chunk boundaries. When several
 * decide on the same delta, the one whose match ends first in the text wins.
 *
 * Regexes run on a linear-time engine (RE2, see {@link compileLinearRegex}) that carries its
 * state from delta to delta, so each delta costs time linear in the delta whatever the pattern:
 * no pattern can freeze the stream. A regex RE2 cannot express (a lookahead or lookbehind, a
 * backreference, the sticky flag) is refused with a `ConfigError` that suggests a rewrite, as is
 * one that can match the empty string (`/\b/`, `/x*\/`) and one that uses `$` without the m
 * flag (the end of the whole output, which a stream never reaches; write `\n`). A regex finds
 * the match JS would find in the whole text, and it counts once at least one character after it
 * has arrived, so a greedy ending (`\d+`) or `\b` sees the same text however the stream was
 * chunked.
 *
 * @example
 * ```ts
 * stopOn(['\n\n', /Final answer: .+\n/], { includeMatch: true });
 * ```
 */
export function stopOn(patterns: readonly StopPattern[], options: StopOnOptions = {}): StopPolicy {
  return stopOnFrom(stopOnConfig(patterns, options));
}

/** Stop patterns and options validated and compiled: what each call's policy is made from. */
export interface StopOnConfig {
  readonly name: string;
  readonly strings: readonly string[];
  readonly regexes: readonly LinearRegex[];
  readonly maxMatchLength: number;
  readonly phase: 'answer' | 'reasoning' | 'any';
  readonly includeMatch: boolean;
}

/**
 * Validates and compiles stop patterns and options, as {@link stopOn} does (a `ConfigError`
 * naming the entry), once per profile plan rather than once per call.
 */
export function stopOnConfig(patterns: readonly StopPattern[], options: StopOnOptions = {}): StopOnConfig {
  optionsObject('stopOn', options, stopOnOptionNames);
  const { strings, regexes } = compileStopPatterns(patterns);
  const maxMatchLength = options.maxMatchLength ?? 256;
  if (!Number.isInteger(maxMatchLength) || maxMatchLength < 1) {
    throw new ConfigError(
      'stopOn.maxMatchLength',
      `must be a positive integer, got ${String(maxMatchLength)}`,
    );
  }
  const phase = options.phase ?? 'answer';
  if (!['answer', 'reasoning', 'any'].includes(phase)) {
    throw new ConfigError('stopOn.phase', `must be 'answer', 'reasoning' or 'any', got ${String(phase)}`);
  }
  const includeMatch = options.includeMatch ?? false;
  const name = `stopOn(${patterns.map(describePattern).join(', ')})`;
  return Object.freeze({ name, strings, regexes, maxMatchLength, phase, includeMatch });
}

/** A fresh stop-pattern policy (per-call state only) from a compiled {@link StopOnConfig}. */
export function stopOnFrom(config: StopOnConfig): StopPolicy {
  const { strings, regexes, maxMatchLength, phase, includeMatch } = config;
  // Characters of earlier text a string ending in the new delta can reach back into.
  const lookBack = strings.reduce((max, s) => Math.max(max, s.length), 0) - 1;
  const tails = { answer: '', reasoning: '' };
  const matchers = {
    answer: regexes.map((regex) => new StreamMatcher(regex, maxMatchLength)),
    reasoning: regexes.map((regex) => new StreamMatcher(regex, maxMatchLength)),
  };

  return {
    name: config.name,
    start() {
      tails.answer = '';
      tails.reasoning = '';
      for (const matcher of [...matchers.answer, ...matchers.reasoning]) matcher.reset();
    },
    step(view: StreamView) {
      if (phase !== 'any' && view.phase !== phase) return undefined;
      let best: Match | undefined;
      const consider = (match: Match) => {
        if (!best || match.end < best.end || (match.end === best.end && match.start < best.start)) {
          best = match;
        }
      };
      const tail = tails[view.phase];
      if (strings.length > 0) {
        const window = tail + view.delta;
        const windowStart = view.deltaOffset - tail.length;
        for (const s of strings) {
          const at = window.indexOf(s, Math.max(0, tail.length - s.length + 1));
          if (at >= 0) {
            const start = windowStart + at;
            // A string is due at its last character.
            consider({ start, end: start + s.length, decidedAt: start + s.length, pattern: s });
          }
        }
        tails[view.phase] = lookBack > 0 ? window.slice(-lookBack) : '';
      }
      matchers[view.phase].forEach((matcher, index) => {
        const found = matcher.push(view.delta);
        if (found) consider({ ...found, pattern: (regexes[index] as LinearRegex).original });
      });
      if (!best) return undefined;
      return {
        reason: `stop pattern ${describePattern(best.pattern)} matched`,
        cutAt: includeMatch ? best.end : best.start,
        decidedAt: best.decidedAt,
        confidence: 1,
      };
    },
  };
}

/**
 * Checks stop patterns and compiles the regexes, as {@link stopOn} does; a {@link ConfigError}
 * names the bad entry under `field`. For settings that hold stop patterns for later (keyword
 * rules' `endAfter`), so a bad one is refused when it is defined.
 */
export function compileStopPatterns(
  patterns: readonly StopPattern[],
  field = 'stopOn',
): { strings: string[]; regexes: LinearRegex[] } {
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw new ConfigError(field, 'must be a non-empty array of strings and RegExps');
  }
  const strings: string[] = [];
  const regexes: LinearRegex[] = [];
  patterns.forEach((pattern, index) => {
    const entry = `${field}[${index}]`;
    if (typeof pattern === 'string') {
      if (pattern.length === 0)
        throw new ConfigError(entry, 'is an empty string; a stop string needs at least one character');
      strings.push(pattern);
    } else if (pattern instanceof RegExp) {
      const regex = compileLinearRegex(entry, pattern);
      if (usesEndOfText(regex)) {
        throw new ConfigError(
          entry,
          `${String(pattern)} uses $ without the m flag, which means the end of the whole output: a stream stops before it, so it would never match; write \\n for a line end, or add the m flag`,
        );
      }
      regexes.push(regex);
    } else {
      throw new ConfigError(entry, `must be a string or a RegExp, got ${typeof pattern}`);
    }
  });
  return { strings, regexes };
}

function describePattern(pattern: StopPattern): string {
  return typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
}
