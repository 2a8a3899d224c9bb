import type { AdaptiveLengthOptions } from '../adaptive/adaptive-length.js';
import type { KeywordContextOptions } from '../adaptive/keyword-context.js';
import type { KeywordRule } from '../adaptive/keyword-rules.js';
import type { LengthHistoryStore } from '../adaptive/length-history.js';
import type { AnswerCompleteOptions } from '../policies/answer-complete.js';
import type { AnswerConvergenceOptions } from '../policies/answer-convergence.js';
import type { RepetitionOptions } from '../policies/repetition.js';
import type { StopPattern } from '../policies/stop-on.js';
import type { TimeoutOptions } from '../policies/timeout.js';

/**
 * Everything a profile decides: which policies run and with which parameters. A section set to
 * `false` is off; an options object turns it on with those options (missing fields take the
 * policy's own defaults).
 */
export interface ProfileSettings {
  /** Keyword context (input side): prompt words that move the length budget or switch markers. */
  readonly keywords: false | KeywordContextOptions;
  /** Explicit stop strings and regexes (see `stopOn`); `[]` for none. */
  readonly stopOn: readonly StopPattern[];
  /** Output markers that end the answer (see `answerComplete`). */
  readonly answerComplete: false | AnswerCompleteOptions;
  /** Reasoning models: stop thinking once the same answer keeps coming back (see `answerConvergence`). */
  readonly answerConvergence: false | AnswerConvergenceOptions;
  /** Loops (see `repetition`). */
  readonly repetition: false | RepetitionOptions;
  /** A length budget predicted from the input and from lengths seen (see `adaptiveLength`). */
  readonly adaptiveLength: false | AdaptiveLengthOptions;
  /**
   * A client-side cut (see `maxTokens`): the stream is ended after this many output tokens;
   * `false` for none. Not the provider's cap (the call's `maxOutputTokens`, sent with the
   * request): this one acts on the client, after the provider has produced the tokens.
   */
  readonly cutAtTokens: number | false;
  /** Time limits (see `timeout`). */
  readonly timeout: false | TimeoutOptions;
}

/** The policy sections of {@link ProfileSettings} that take an options object or `false`. */
export type ProfileSection =
  | 'keywords'
  | 'answerComplete'
  | 'answerConvergence'
  | 'repetition'
  | 'adaptiveLength'
  | 'timeout';

type DeepPartial<T> = T extends
  | readonly unknown[]
  | RegExp
  | LengthHistoryStore
  | ((...args: never[]) => unknown)
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

/**
 * Changes to a profile's settings, deep-merged over it: objects merge key by key, arrays and
 * other values replace, `false` turns a section off and `true` turns it back on with the base's
 * options (or the policy's defaults). `keywords.rules` merge by rule id.
 */
export type ProfileOverrides = {
  [K in ProfileSection]?: boolean | DeepPartial<Exclude<ProfileSettings[K], false>> | undefined;
} & {
  stopOn?: readonly StopPattern[] | false | undefined;
  /** The client-side cut (see {@link ProfileSettings.cutAtTokens}). */
  cutAtTokens?: number | false | undefined;
  /**
   * The old name of `cutAtTokens`, accepted until the next minor release. Giving both is a
   * `ConfigError`.
   *
   * @deprecated Use `cutAtTokens`: `maxOutputTokens` is also the call's provider cap, a
   * different limit.
   */
  maxOutputTokens?: number | false | undefined;
};

/** A user's preset: a profile name, or overrides (naming a base profile with `profile` if they like). */
export type UserPreset = string | (ProfileOverrides & { profile?: string | undefined });

/** Names of every setting, in chain order. */
export const settingKeys: readonly (keyof ProfileSettings)[] = [
  'keywords',
  'stopOn',
  'answerComplete',
  'answerConvergence',
  'repetition',
  'adaptiveLength',
  'cutAtTokens',
  'timeout',
];

/** Sections whose value is `false` or an options object. */
export const sectionKeys: readonly ProfileSection[] = [
  'keywords',
  'answerComplete',
  'answerConvergence',
  'repetition',
  'adaptiveLength',
  'timeout',
];

/** Settings with every policy off: the base of `off` and of overrides that name no profile. */
export const emptySettings: ProfileSettings = {
  keywords: false,
  stopOn: [],
  answerComplete: false,
  answerConvergence: false,
  repetition: false,
  adaptiveLength: false,
  cutAtTokens: false,
  timeout: false,
};

/** Plain data objects merge; class instances (a store), RegExps, arrays and functions replace. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mergeObjects(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    // A store is an object of methods, not data: it replaces.
    const deep = key !== 'store' && isPlainObject(value) && isPlainObject(base[key]);
    merged[key] = deep ? mergeObjects(base[key] as Record<string, unknown>, value) : value;
  }
  return merged;
}

/**
 * `over` merged over `base` (see {@link ProfileOverrides} for the rules). Does not validate:
 * {@link validateSettings} checks the result.
 */
export function mergeSettings(base: ProfileSettings, over: ProfileOverrides): ProfileSettings {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = merged[key];
    if (!(sectionKeys as readonly string[]).includes(key)) {
      merged[key] = key === 'stopOn' && value === false ? [] : value;
    } else if (value === false) {
      merged[key] = false;
    } else if (value === true) {
      merged[key] = isPlainObject(current) ? current : {};
    } else if (isPlainObject(value)) {
      const from = isPlainObject(current) ? current : {};
      const next = mergeObjects(from, value);
      const rules = { base: from.rules, over: (value as Record<string, unknown>).rules };
      if (key === 'keywords' && Array.isArray(rules.base) && Array.isArray(rules.over)) {
        next.rules = mergeRulesById(rules.base as KeywordRule[], rules.over as KeywordRule[]);
      }
      merged[key] = next;
    } else {
      merged[key] = value; // not an object: validateSettings names the field
    }
  }
  return merged as unknown as ProfileSettings;
}

function mergeRulesById(base: readonly KeywordRule[], over: readonly KeywordRule[]): KeywordRule[] {
  const byId = new Map<string, KeywordRule>();
  for (const rule of [...base, ...over]) byId.set(rule?.id, rule);
  return [...byId.values()];
}

/**
 * A frozen deep copy of settings: plain objects and arrays are copied and frozen (a store, any
 * object with methods, or a RegExp is kept as it is), so neither a profile's users nor the caller who defined it can
 * change it afterwards by mutating shared objects.
 */
export function freezeSettings<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(freezeSettings)) as T;
  // An object with methods (a store) is a service, not settings: kept as it is.
  if (!isPlainObject(value) || Object.values(value).some((item) => typeof item === 'function')) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = freezeSettings(item);
  return Object.freeze(copy) as T;
}
