import { ConfigError } from '../errors.js';
import { compileLinearRegex, firstMatch } from '../policies/linear-regex.js';
import { compileStopPatterns } from '../policies/stop-on.js';
import { phraseMatcher } from './phrase-matcher.js';

/**
 * A rule of the input side of keyword context: when the prompt contains one of `match`, change
 * the length budget (`scale`) and/or switch policies: answer-complete markers on
 * (`enableMarkers`) or off (`disableMarkers`), and endings the prompt prescribes (`endAfter`).
 */
export interface KeywordRule {
  /** Unique id. A later rule with the same id replaces this one; `{ id, off: true }` removes it. */
  readonly id: string;
  /**
   * Words or phrases, matched case-insensitively as whole words (`explain` does not match
   * `explained`; white space inside a phrase matches any run of white space), or RegExps used
   * as given. RegExps run on the linear-time engine and are refused when the rule is defined if
   * it cannot run them (lookarounds, backreferences) or they can match the empty string.
   */
  readonly match?: string | RegExp | readonly (string | RegExp)[] | undefined;
  /** Factor applied to the length budget when the rule matches: above 1 raises it, below lowers. */
  readonly scale?: number | undefined;
  /** Answer-complete markers to switch on when the rule matches (e.g. `code-fence`, `json`). */
  readonly enableMarkers?: readonly string[] | undefined;
  /**
   * Answer-complete markers to switch off when the rule matches: e.g. when the prompt prescribes
   * how the answer must end, a `\boxed{}` before that ending does not end it.
   */
  readonly disableMarkers?: readonly string[] | undefined;
  /**
   * Patterns that end the answer when the rule matches: the output stops right after the first
   * match, keeping it (a stop string with `includeMatch`). For endings the prompt prescribes.
   * Checked as `stopOn` patterns when the rule is defined, not when a prompt first matches it.
   */
  readonly endAfter?: readonly (string | RegExp)[] | undefined;
  /** Why, for `explain` and telemetry. Default: `prompt says "<matched text>"`. */
  readonly reason?: string | undefined;
  /** Set to remove a rule of the same id (a shipped default, say). */
  readonly off?: boolean | undefined;
}

/** A rule that matched a prompt. */
export interface KeywordMatch {
  /** The rule's id. */
  readonly rule: string;
  /** The text of the prompt that matched. */
  readonly matched: string;
  readonly scale: number | undefined;
  readonly enableMarkers: readonly string[];
  readonly disableMarkers: readonly string[];
  readonly endAfter: readonly (string | RegExp)[];
  readonly reason: string;
}

/**
 * A `match` entry compiled: its first match in a text, as the matched text. A phrase runs on
 * JS's engine ({@link phraseMatcher}), as do the shipped rules' own RegExps
 * ({@link shippedPatterns}); a user's RegExp runs on the linear-time engine.
 */
export interface KeywordPattern {
  find(text: string): string | undefined;
}

/** A validated rule with its patterns compiled. */
export interface CompiledKeywordRule {
  readonly rule: KeywordRule;
  readonly patterns: readonly KeywordPattern[];
}

const raise = (id: string, match: string[], scale: number): KeywordRule => ({ id, match, scale });

/**
 * The shipped rules. Raising: the prompt asks for reasoning, detail or code. Lowering: it asks
 * for a short answer. Switches: it asks for code only (a closed code fence ends the answer) or for
 * JSON (a complete JSON value ends it). Scales multiply when several rules match.
 */
export const defaultKeywordRules: readonly KeywordRule[] = [
  raise('step-by-step', ['step by step', 'step-by-step'], 1.5),
  raise('explain', ['explain'], 1.5),
  raise('in-detail', ['in detail', 'in depth', 'detailed'], 1.75),
  raise('list-all', ['list all', 'list every', 'enumerate all'], 1.5),
  raise('write-code', ['write the code', 'write code', 'write a program', 'write a function'], 1.5),
  raise('yes-or-no', ['yes or no'], 0.25),
  raise('one-word', ['one word', 'single word', 'in a word'], 0.25),
  raise('briefly', ['briefly', 'be brief', 'concisely', 'be concise'], 0.5),
  raise('tldr', ['TL;DR', 'TLDR'], 0.5),
  raise(
    'only-the-answer',
    ['only the answer', 'just the answer', 'answer only', 'only the final answer'],
    0.35,
  ),
  {
    id: 'code-only',
    match: ['only the code', 'just the code', 'code only', 'only code'],
    enableMarkers: ['code-fence'],
  },
  {
    id: 'json',
    match: [
      'json only',
      'only json',
      'valid json',
      'in json',
      'as json',
      'json format',
      'json object',
      'return json',
    ],
    enableMarkers: ['json'],
  },
  {
    // "Finish your answer with 'the answer is (X)'": that sentence, and nothing before it, ends
    // the answer (a reader, like a grader, takes the first such statement).
    id: 'prescribed-choice',
    match: [/answer is \(X\)/i],
    disableMarkers: ['boxed', 'answer-is', 'final-answer'],
    // A letter ends the sentence at "." (kept) or at a line end (not kept): `$` with the m flag
    // stands for the lookahead (?=\n), which the linear-time engine does not have.
    endAfter: [/answer is (?:\([A-Z]\)\.?|[A-Z]\.|[A-Z]$)/m],
  },
  {
    // "Put your final answer within \boxed{}": the closed box is the answer.
    id: 'prescribed-boxed',
    match: [/(?:answer|result)[^.\n]{0,40}\\boxed/i],
    enableMarkers: ['boxed'],
  },
  {
    // A problem in parts ("Subproblem 1:", "Part (b)."): the answer to one part is not the end
    // of the output, and models answer earlier parts again on the way ("the answer for
    // subproblem 0 is \boxed{...}"), so no answer marker ends it. Listed after the rules that
    // switch markers on: a switch off wins.
    id: 'several-parts',
    match: [/\b(?:sub-?problem\s*[0-9]+|part\s*(?:[0-9]+|\([a-h]\)|[a-h]\)))\s*[:.)]/i],
    disableMarkers: ['boxed', 'answer-is', 'final-answer'],
    reason: 'the prompt is a problem in parts: one answer does not end the output',
  },
];

/**
 * The shipped rules' own RegExps. They run on JS's engine, in linear time: each repeat is
 * bounded (`{0,40}`) or ends at a character it cannot match (`\s*[0-9]+`), which
 * `adversarial-patterns.test.ts` checks on prompts built to make them backtrack. So a client that
 * only uses the shipped rules never loads the linear-time engine (see `linear-engine.ts`). A
 * user's RegExp, even in a copy of a shipped rule, runs on the linear-time engine.
 */
const shippedPatterns = new WeakSet<RegExp>(
  defaultKeywordRules.flatMap((rule) =>
    [rule.match ?? [], rule.endAfter ?? []].flat().filter((entry) => entry instanceof RegExp),
  ),
);

const compiledRuleSets = new WeakMap<readonly KeywordRule[], CompiledKeywordRule[]>();

function compileRule(field: string, rule: KeywordRule): CompiledKeywordRule {
  if (typeof rule !== 'object' || rule === null)
    throw new ConfigError(field, 'must be a rule object { id, match, ... }');
  const known = new Set([
    'id',
    'match',
    'scale',
    'enableMarkers',
    'disableMarkers',
    'endAfter',
    'reason',
    'off',
  ]);
  for (const key of Object.keys(rule)) {
    if (!known.has(key))
      throw new ConfigError(`${field}.${key}`, `is not a rule field; use ${[...known].join(', ')}`);
  }
  if (typeof rule.id !== 'string' || rule.id === '')
    throw new ConfigError(`${field}.id`, 'must be a non-empty string');
  if (rule.off === true) return { rule, patterns: [] };
  const list = typeof rule.match === 'string' || rule.match instanceof RegExp ? [rule.match] : rule.match;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError(`${field}.match`, 'must be a phrase, a RegExp, or a non-empty array of them');
  }
  const patterns = list.map((entry, index): KeywordPattern => {
    if (entry instanceof RegExp) {
      // g and y only make sense for a JS RegExp's lastIndex; the rule looks for the first match.
      const plain = new RegExp(entry.source, entry.flags.replace(/[gy]/g, ''));
      if (shippedPatterns.has(entry)) return { find: (text) => plain.exec(text)?.[0] };
      const linear = compileLinearRegex(`${field}.match[${index}]`, plain);
      return { find: (text) => firstMatch(linear, text) };
    }
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new ConfigError(`${field}.match[${index}]`, 'must be a non-empty phrase or a RegExp');
    }
    // The phrase is escaped into a pattern of stopwise's, linear on JS's engine.
    return phraseMatcher(entry);
  });
  if (
    rule.scale !== undefined &&
    !(typeof rule.scale === 'number' && Number.isFinite(rule.scale) && rule.scale > 0)
  ) {
    throw new ConfigError(`${field}.scale`, `must be a positive number, got ${JSON.stringify(rule.scale)}`);
  }
  for (const key of ['enableMarkers', 'disableMarkers'] as const) {
    const markers = rule[key];
    if (
      markers !== undefined &&
      (!Array.isArray(markers) || markers.some((marker) => typeof marker !== 'string'))
    ) {
      throw new ConfigError(`${field}.${key}`, 'must be an array of marker names such as "code-fence"');
    }
  }
  const endAfter = rule.endAfter;
  if (endAfter !== undefined) {
    const ok = Array.isArray(endAfter) && endAfter.length > 0;
    if (!ok || endAfter.some((p) => !(p instanceof RegExp) && (typeof p !== 'string' || p === ''))) {
      throw new ConfigError(`${field}.endAfter`, 'must be a non-empty array of stop strings and RegExps');
    }
    // Refuse a pattern the stream could not run now, not when a prompt first matches the rule.
    // The shipped rules' endings are checked by their tests, and load the regex engine only in
    // a call whose prompt matches them.
    if (!endAfter.every((pattern) => typeof pattern === 'string' || shippedPatterns.has(pattern)))
      compileStopPatterns(endAfter, `${field}.endAfter`);
  }
  const effects = [rule.scale, rule.enableMarkers, rule.disableMarkers, rule.endAfter];
  if (effects.every((effect) => effect === undefined)) {
    throw new ConfigError(
      field,
      `rule "${rule.id}" does nothing: give it a scale, enableMarkers, disableMarkers or endAfter`,
    );
  }
  if (rule.reason !== undefined && typeof rule.reason !== 'string') {
    throw new ConfigError(`${field}.reason`, 'must be a string');
  }
  return { rule, patterns };
}

/**
 * Merges rule lists by id, in order: a rule replaces an earlier one of the same id, a rule with
 * `off: true` removes it, a new id is appended. Used for defaults + custom rules and across
 * profile layers.
 */
export function mergeKeywordRules(
  ...lists: ReadonlyArray<readonly KeywordRule[] | undefined>
): KeywordRule[] {
  const byId = new Map<string, KeywordRule>();
  for (const list of lists) for (const rule of list ?? []) byId.set(rule.id, rule);
  return [...byId.values()];
}

/**
 * Validates and compiles rules; a {@link ConfigError} names the bad field (`field[2].scale`).
 * Rules switched `off` are dropped.
 */
export function compileKeywordRules(field: string, rules: readonly KeywordRule[]): CompiledKeywordRule[] {
  if (!Array.isArray(rules)) throw new ConfigError(field, 'must be an array of keyword rules');
  // The same rules array (a profile's settings) is compiled once; a new array is validated anew.
  const cached = compiledRuleSets.get(rules);
  if (cached) return cached;
  const compiled = rules
    .map((rule, index) => compileRule(`${field}[${index}]`, rule))
    .filter(({ rule }) => rule.off !== true);
  compiledRuleSets.set(rules, compiled);
  return compiled;
}

// The last prompt each rule set was matched against: a profile matches the same prompt twice
// per call (marker switches while building, budget changes at start).
const lastMatches = new WeakMap<readonly CompiledKeywordRule[], { text: string; matches: KeywordMatch[] }>();

/** The rules of `compiled` that match `text`, each once (its first match), in rule order. */
export function matchKeywords(text: string, compiled: readonly CompiledKeywordRule[]): KeywordMatch[] {
  const last = lastMatches.get(compiled);
  if (last?.text === text) return [...last.matches];
  const matches = matchUncached(text, compiled);
  lastMatches.set(compiled, { text, matches: [...matches] });
  return matches;
}

function matchUncached(text: string, compiled: readonly CompiledKeywordRule[]): KeywordMatch[] {
  const matches: KeywordMatch[] = [];
  for (const { rule, patterns } of compiled) {
    for (const pattern of patterns) {
      const found = pattern.find(text);
      if (found === undefined) continue;
      matches.push({
        rule: rule.id,
        matched: found,
        scale: rule.scale,
        enableMarkers: rule.enableMarkers ?? [],
        disableMarkers: rule.disableMarkers ?? [],
        endAfter: rule.endAfter ?? [],
        reason: rule.reason ?? `prompt says ${JSON.stringify(found)}`,
      });
      break;
    }
  }
  return matches;
}
