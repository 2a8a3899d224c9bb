import { ConfigError } from '../errors.js';
import type { StopPolicy, StreamView } from '../policy.js';
import { regexHazard } from './regex-safety.js';

/** Options of {@link stopOn}. */
export interface StopOnOptions {
  /**
   * Keep the matched text in the output (`true`) or cut just before it (`false`, the default,
   * like a provider's stop sequences).
   */
  includeMatch?: boolean | undefined;
  /**
   * The longest text a regex match may span, in UTF-16 units (default 256). Regexes run over a
   * window of this many characters (plus one of context) before each delta, so per-delta work
   * stays bounded whatever the pattern; a match longer than this is ignored.
   */
  maxMatchLength?: number | undefined;
  /** Which phase to watch: `answer` (default), `reasoning`, or `any`. */
  phase?: 'answer' | 'reasoning' | 'any' | undefined;
}

/** A stop pattern: a literal string or a regular expression. */
export type StopPattern = string | RegExp;

interface Match {
  start: number;
  end: number;
  pattern: StopPattern;
}

/**
 * Stops when any of `patterns` appears in the output: any number of strings and regexes (providers
 * allow 4 stop sequences; this has no limit), matched across chunk boundaries. When several
 * could match, the one that is complete first in the text wins, so the stop does not depend on how
 * the provider chunked the stream.
 *
 * Regexes are checked when the policy is made: one that could backtrack without bound (a nested
 * quantifier such as `(a+)+`, overlapping alternatives in a repeated group such as `(a|ab)*`, a
 * backreference) is refused with a `ConfigError`, as is one that matches the empty string. A
 * regex match counts once at least one character after it has arrived, so a greedy ending
 * (`\d+`), `\b` or a one-character lookahead sees the same text however the stream was chunked;
 * the first character of the window is only context, so `\b` and lookbehinds at its start are
 * right too. Write `\n` for a line end: `$` (without the `m` flag) can never be followed by a
 * character, so it never matches.
 *
 * @example
 * ```ts
 * stopOn(['\n\n', /Final answer: .+\n/], { includeMatch: true });
 * ```
 */
export function stopOn(patterns: readonly StopPattern[], options: StopOnOptions = {}): StopPolicy {
  const { strings, regexes } = validatePatterns(patterns);
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
  const longestString = strings.reduce((max, s) => Math.max(max, s.length), 0);
  // Characters of earlier text a match ending in the new delta can reach back into, plus one
  // character of context before a regex match (for \b and lookbehinds).
  const lookBack = Math.max(longestString - 1, regexes.length > 0 ? maxMatchLength + 1 : 0);
  const tails = { answer: '', reasoning: '' };

  return {
    name: `stopOn(${patterns.map(describePattern).join(', ')})`,
    start() {
      tails.answer = '';
      tails.reasoning = '';
    },
    step(view: StreamView) {
      if (phase !== 'any' && view.phase !== phase) return undefined;
      const tail = tails[view.phase];
      const window = tail + view.delta;
      const windowStart = view.deltaOffset - tail.length;
      const match = firstCompleteMatch(
        { window, newFrom: tail.length, atTextStart: windowStart === 0, maxMatchLength },
        strings,
        regexes,
      );
      if (!match) {
        tails[view.phase] = lookBack > 0 ? window.slice(-lookBack) : '';
        return undefined;
      }
      return {
        reason: `stop pattern ${describePattern(match.pattern)} matched`,
        cutAt: windowStart + (includeMatch ? match.end : match.start),
        // A string is due at its last character; a regex once the character after it arrived.
        decidedAt: windowStart + match.end + (typeof match.pattern === 'string' ? 0 : 1),
        confidence: 1,
      };
    },
  };
}

interface Window {
  /** Earlier text (the tail) followed by the new delta. */
  window: string;
  /** Where the new delta starts in `window`. */
  newFrom: number;
  /** Whether `window` starts at the start of the phase's text (no context is missing). */
  atTextStart: boolean;
  maxMatchLength: number;
}

/**
 * The match that is complete earliest in the window; ties go to the one that starts first. A
 * string counts when it ends in the new delta (one ending earlier was already looked for). A
 * regex match counts when a character after it has arrived, it does not start on the window's
 * first character (context for `\b`, unless that is the text's start) and it is no longer than
 * `maxMatchLength`; it may end before the delta when only now its lookahead could be decided.
 */
function firstCompleteMatch(
  at: Window,
  strings: readonly string[],
  regexes: readonly RegExp[],
): Match | undefined {
  const { window, newFrom } = at;
  let best: Match | undefined;
  const consider = (start: number, end: number, pattern: StopPattern) => {
    if (!best || end < best.end || (end === best.end && start < best.start)) best = { start, end, pattern };
  };
  for (const s of strings) {
    const start = window.indexOf(s, Math.max(0, newFrom - s.length + 1));
    if (start >= 0) consider(start, start + s.length, s);
  }
  for (const regex of regexes) {
    regex.lastIndex = 0;
    for (let found = regex.exec(window); found !== null; found = regex.exec(window)) {
      const start = found.index;
      const end = start + found[0].length;
      if (best && start >= best.end) break;
      const confirmed =
        end < window.length && (start > 0 || at.atTextStart) && end - start <= at.maxMatchLength;
      if (confirmed) consider(start, end, regex);
      // Look again from the next character: a rejected match may hide a shorter one after it.
      regex.lastIndex = start + 1;
    }
  }
  return best;
}

function validatePatterns(patterns: readonly StopPattern[]): { strings: string[]; regexes: RegExp[] } {
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw new ConfigError('stopOn', 'must be a non-empty array of strings and RegExps');
  }
  const strings: string[] = [];
  const regexes: RegExp[] = [];
  patterns.forEach((pattern, index) => {
    const field = `stopOn[${index}]`;
    if (typeof pattern === 'string') {
      if (pattern.length === 0)
        throw new ConfigError(field, 'is an empty string; a stop string needs at least one character');
      strings.push(pattern);
    } else if (pattern instanceof RegExp) {
      if (new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test('')) {
        throw new ConfigError(field, `${String(pattern)} matches the empty string, so it would stop at once`);
      }
      const hazard = regexHazard(pattern);
      if (hazard) throw new ConfigError(field, `${String(pattern)} ${hazard}`);
      // Global for matchAll; sticky would anchor every search at lastIndex.
      regexes.push(new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}g`));
    } else {
      throw new ConfigError(field, `must be a string or a RegExp, got ${typeof pattern}`);
    }
  });
  return { strings, regexes };
}

function describePattern(pattern: StopPattern): string {
  return typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
}
