import { ConfigError } from '../errors.js';
import type { StopPolicy, StreamView } from '../policy.js';

/** Options of {@link stopOn}. */
export interface StopOnOptions {
  /**
   * Keep the matched text in the output (`true`) or cut just before it (`false`, the default,
   * like a provider's stop sequences).
   */
  includeMatch?: boolean | undefined;
  /**
   * The longest text a regex match may span, in UTF-16 units (default 256). Regexes run over a
   * window of this many characters before each delta, so per-delta work stays bounded; a match
   * longer than this is not found.
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
 * the provider chunked the stream. In a regex, `$` means the end of the text received so far:
 * write `\n` to mean a line end.
 */
export function stopOn(patterns: readonly StopPattern[], options: StopOnOptions = {}): StopPolicy {
  const { strings, regexes } = validatePatterns(patterns);
  const maxMatchLength = options.maxMatchLength ?? 256;
  if (!Number.isInteger(maxMatchLength) || maxMatchLength < 1) {
    throw new ConfigError('stopOn.maxMatchLength', `must be a positive integer, got ${String(maxMatchLength)}`);
  }
  const phase = options.phase ?? 'answer';
  if (!['answer', 'reasoning', 'any'].includes(phase)) {
    throw new ConfigError('stopOn.phase', `must be 'answer', 'reasoning' or 'any', got ${String(phase)}`);
  }
  const includeMatch = options.includeMatch ?? false;
  const longestString = strings.reduce((max, s) => Math.max(max, s.length), 0);
  // Characters of earlier text a match ending in the new delta can reach back into.
  const lookBack = Math.max(longestString - 1, regexes.length > 0 ? maxMatchLength : 0);
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
      const match = firstCompleteMatch(window, tail.length, strings, regexes);
      if (!match) {
        tails[view.phase] = lookBack > 0 ? window.slice(-lookBack) : '';
        return undefined;
      }
      const windowStart = view.deltaOffset - tail.length;
      return {
        reason: `stop pattern ${describePattern(match.pattern)} matched`,
        cutAt: windowStart + (includeMatch ? match.end : match.start),
        confidence: 1,
      };
    },
  };
}

/**
 * The match that is complete earliest in `window` among those ending after `newFrom` (matches
 * ending earlier were already looked for). Ties go to the longest match.
 */
function firstCompleteMatch(
  window: string,
  newFrom: number,
  strings: readonly string[],
  regexes: readonly RegExp[],
): Match | undefined {
  let best: Match | undefined;
  const consider = (start: number, end: number, pattern: StopPattern) => {
    if (end <= newFrom) return;
    if (!best || end < best.end || (end === best.end && start < best.start)) best = { start, end, pattern };
  };
  for (const s of strings) {
    const start = window.indexOf(s, Math.max(0, newFrom - s.length + 1));
    if (start >= 0) consider(start, start + s.length, s);
  }
  for (const regex of regexes) {
    regex.lastIndex = 0;
    for (const found of window.matchAll(regex)) {
      const end = found.index + found[0].length;
      if (best && found.index >= best.end) break;
      consider(found.index, end, regex);
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
      if (pattern.length === 0) throw new ConfigError(field, 'is an empty string; a stop string needs at least one character');
      strings.push(pattern);
    } else if (pattern instanceof RegExp) {
      if (new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test('')) {
        throw new ConfigError(field, `${String(pattern)} matches the empty string, so it would stop at once`);
      }
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
