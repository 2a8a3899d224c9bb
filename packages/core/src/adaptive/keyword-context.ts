import { ConfigError } from '../errors.js';
import type { BudgetChange, CallContext, StopPolicy } from '../policy.js';
import {
  type CompiledKeywordRule,
  compileKeywordRules,
  defaultKeywordRules,
  type KeywordMatch,
  type KeywordRule,
  matchKeywords,
  mergeKeywordRules,
} from './keyword-rules.js';

/**
 * Which messages keyword rules read: `latest` (default) is the system messages and the last user
 * message, so a "briefly" three turns ago does not shorten today's answer; `all` is every user
 * turn (`call.prompt`) plus the system messages.
 */
export type KeywordScope = 'latest' | 'all';

/** Options of {@link keywordContext}. */
export interface KeywordContextOptions {
  /** Include {@link defaultKeywordRules} (default true). */
  defaults?: boolean | undefined;
  /** Rules merged by id over the defaults: a same-id rule replaces, `{ id, off: true }` removes. */
  rules?: readonly KeywordRule[] | undefined;
  /** Which messages to read (default `latest`). */
  scope?: KeywordScope | undefined;
}

/** A keyword-context policy: it acts in `start` only, and shows what matched for `explain`. */
export interface KeywordContextPolicy extends StopPolicy {
  /** The rules that matched in the current (or last) call. */
  readonly matches: readonly KeywordMatch[];
  /** The rules in force, after merging defaults and custom rules. */
  readonly rules: readonly KeywordRule[];
}

interface CallTexts {
  messages: readonly unknown[];
  length: number;
  prompt: string;
  texts: Partial<Record<KeywordScope, string>>;
}

// The text of each call, by scope: a profile reads it three or four times per call (marker
// switches, budget changes, length buckets, the savings estimate), and each read joined the
// prompt anew. Keyed by the call object (which lives as long as its call), and only reused for
// the same messages and prompt.
const textOfCall = new WeakMap<object, CallTexts>();

/** The text keyword rules read for `call`. */
export function keywordText(
  call: Pick<CallContext, 'messages' | 'prompt'>,
  scope: KeywordScope = 'latest',
): string {
  let memo = textOfCall.get(call);
  if (
    memo === undefined ||
    memo.messages !== call.messages ||
    memo.length !== call.messages.length ||
    memo.prompt !== call.prompt
  ) {
    memo = { messages: call.messages, length: call.messages.length, prompt: call.prompt, texts: {} };
    textOfCall.set(call, memo);
  }
  memo.texts[scope] ??= readKeywordText(call, scope);
  return memo.texts[scope];
}

function readKeywordText(call: Pick<CallContext, 'messages' | 'prompt'>, scope: KeywordScope): string {
  const system = call.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content);
  if (scope === 'all') return [...system, call.prompt].join('\n\n');
  const lastUser = call.messages.findLast((message) => message.role === 'user');
  return [...system, lastUser?.content ?? ''].join('\n\n');
}

/**
 * Answer-complete markers a call asks for through its metadata: `metadata.format` of `json`
 * switches on the `json` marker, `code` the `code-fence` marker.
 */
export function metadataMarkers(metadata: Readonly<Record<string, unknown>>): string[] {
  if (metadata.format === 'json') return ['json'];
  if (metadata.format === 'code') return ['code-fence'];
  return [];
}

/** Merged and compiled rules of a frozen options object (a profile's), resolved once. */
const resolvedRules = new WeakMap<object, { rules: KeywordRule[]; compiled: CompiledKeywordRule[] }>();

/**
 * Validates options and returns the merged, compiled rules. Frozen options (every profile's
 * settings are frozen) are resolved once: profiles build their policies for every call.
 */
export function resolveKeywordRules(
  field: string,
  options: KeywordContextOptions,
): { rules: KeywordRule[]; compiled: CompiledKeywordRule[] } {
  const cached = typeof options === 'object' && options !== null ? resolvedRules.get(options) : undefined;
  if (cached) return cached;
  const resolved = resolveUncached(field, options);
  if (Object.isFrozen(options) && (options.rules === undefined || Object.isFrozen(options.rules))) {
    resolvedRules.set(options, resolved);
  }
  return resolved;
}

function resolveUncached(
  field: string,
  options: KeywordContextOptions,
): { rules: KeywordRule[]; compiled: CompiledKeywordRule[] } {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(field, 'must be an options object { defaults?, rules?, scope? }');
  }
  if (options.defaults !== undefined && typeof options.defaults !== 'boolean') {
    throw new ConfigError(`${field}.defaults`, 'must be true or false');
  }
  if (options.scope !== undefined && options.scope !== 'latest' && options.scope !== 'all') {
    throw new ConfigError(
      `${field}.scope`,
      `must be 'latest' or 'all', got ${JSON.stringify(options.scope)}`,
    );
  }
  if (options.rules !== undefined && !Array.isArray(options.rules)) {
    throw new ConfigError(`${field}.rules`, 'must be an array of keyword rules');
  }
  // Validate the custom rules where the caller wrote them, so errors name their index.
  compileKeywordRules(`${field}.rules`, options.rules ?? []);
  const rules = mergeKeywordRules(options.defaults === false ? [] : defaultKeywordRules, options.rules);
  return {
    rules: rules.filter((rule) => rule.off !== true),
    compiled: compileKeywordRules(`${field}.rules`, rules),
  };
}

/**
 * Keyword context, the input side: reads the prompt once before the call and returns a
 * {@link BudgetChange} for every matching rule with a `scale`, which length policies
 * (adaptive length) see as `view.budgetScale`. It never stops a stream itself. Marker switches
 * are applied by profiles when they build the answer-complete policy.
 */
export function keywordContext(options: KeywordContextOptions = {}): KeywordContextPolicy {
  return keywordContextFrom(resolveKeywordRules('keywordContext', options), options.scope ?? 'latest');
}

/** A fresh keyword-context policy (per-call state only) from rules already resolved. */
export function keywordContextFrom(
  resolved: { rules: KeywordRule[]; compiled: CompiledKeywordRule[] },
  scope: KeywordScope,
): KeywordContextPolicy {
  const { rules, compiled } = resolved;
  let matches: KeywordMatch[] = [];
  return {
    name: 'keywordContext',
    get matches() {
      return matches;
    },
    rules,
    start(call): BudgetChange[] {
      matches = matchKeywords(keywordText(call, scope), compiled);
      return matches.flatMap((match) =>
        match.scale === undefined ? [] : [{ scale: match.scale, reason: match.reason }],
      );
    },
    step() {
      return undefined;
    },
  };
}
