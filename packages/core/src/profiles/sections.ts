import { adaptiveLength } from '../adaptive/adaptive-length.js';
import {
  type KeywordContextOptions,
  keywordContext,
  keywordText,
  metadataMarkers,
  resolveKeywordRules,
} from '../adaptive/keyword-context.js';
import { type KeywordRule, matchKeywords } from '../adaptive/keyword-rules.js';
import { defaultLengthHistory } from '../adaptive/length-history.js';
import { adaptiveLengthKeys } from '../adaptive/validate-adaptive.js';
import { ConfigError } from '../errors.js';
import {
  type AnswerCompleteOptions,
  answerComplete,
  type CompletionMarker,
  defaultMarkers,
} from '../policies/answer-complete.js';
import { answerConvergence } from '../policies/answer-convergence.js';
import { maxTokens } from '../policies/max-tokens.js';
import { repetition } from '../policies/repetition.js';
import { stopOn } from '../policies/stop-on.js';
import { timeout } from '../policies/timeout.js';
import type { CallContext, StopPolicy } from '../policy.js';
import { isPlainObject, type ProfileSection, type ProfileSettings, settingKeys } from './settings.js';

/** A policy a profile built for a call, with the setting it came from and its parameters. */
export interface BuiltPolicy {
  readonly policy: StopPolicy;
  /** The setting that made it, e.g. `answerComplete`. */
  readonly setting: keyof ProfileSettings;
  /** The parameters it was built with (after keyword switches), for `explain`. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** Option names of each section, for unknown-key errors. */
const sectionOptions: Record<ProfileSection, readonly string[]> = {
  keywords: ['defaults', 'rules', 'scope'],
  answerComplete: ['markers', 'graceChars', 'quietChars', 'phase'],
  answerConvergence: ['confirmations', 'holdTokens', 'phase'],
  repetition: ['minRepeatChars', 'minRepeats', 'windowChars', 'phase'],
  adaptiveLength: adaptiveLengthKeys,
  timeout: ['firstTokenMs', 'idleMs', 'totalMs'],
};

/** Makes one section's policy from its options (also how options are validated). */
const factories: Record<Exclude<ProfileSection, 'keywords'>, (options: never) => StopPolicy> = {
  answerComplete,
  answerConvergence,
  repetition,
  adaptiveLength,
  timeout,
};

/** Options as their factory validates them: `answerComplete.markers: []` (only what the prompt asks for) is allowed. */
function validatable(section: ProfileSection, value: Record<string, unknown>): Record<string, unknown> {
  if (section !== 'answerComplete' || !Array.isArray(value.markers) || value.markers.length > 0) return value;
  const { markers: _none, ...rest } = value;
  return rest;
}

/** Re-anchors a factory's ConfigError (`repetition.minRepeats`) under `prefix`. */
function anchored<T>(prefix: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${prefix}.${error.field}`, error.message.replace(/^Invalid `[^`]*`: /, ''));
  }
}

/**
 * Checks complete settings: every key known, each section `false` or an options object with
 * known fields and valid values (checked by building its policy once). A {@link ConfigError}
 * names the field under `prefix` (e.g. `profiles.medical.repetition.minRepeats`).
 */
export function validateSettings(prefix: string, settings: ProfileSettings): void {
  for (const key of Object.keys(settings)) {
    if (!(settingKeys as readonly string[]).includes(key)) {
      throw new ConfigError(`${prefix}.${key}`, `is not a profile setting; use ${settingKeys.join(', ')}`);
    }
  }
  for (const [section, known] of Object.entries(sectionOptions) as Array<
    [ProfileSection, readonly string[]]
  >) {
    const value = settings[section];
    if (value === false) continue;
    if (!isPlainObject(value)) {
      throw new ConfigError(
        `${prefix}.${section}`,
        `must be false, true or an options object, got ${JSON.stringify(value)}`,
      );
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw new ConfigError(
          `${prefix}.${section}.${key}`,
          `is not an option of ${section}; use ${known.join(', ')}`,
        );
      }
    }
    if (section === 'keywords') anchored(prefix, () => resolveKeywordRules('keywords', value));
    else anchored(prefix, () => factories[section](validatable(section, value) as never));
  }
  const patterns = settings.stopOn;
  if (!Array.isArray(patterns))
    throw new ConfigError(`${prefix}.stopOn`, 'must be an array of strings and RegExps, or false');
  if (patterns.length > 0) anchored(prefix, () => stopOn(patterns));
  const cap = settings.cutAtTokens;
  if (cap !== false && !(typeof cap === 'number' && Number.isInteger(cap) && cap >= 1)) {
    throw new ConfigError(
      `${prefix}.cutAtTokens`,
      `must be a positive integer or false, got ${JSON.stringify(cap)}`,
    );
  }
}

// Descriptions of frozen options (a profile's settings), which profiles describe on every call.
const describedOptions = new WeakMap<object, Record<string, unknown>>();

/** What `explain` shows of an options object: RegExps as text, a store by kind. */
export function describeOptions(options: object): Record<string, unknown> {
  const cached = describedOptions.get(options);
  if (cached) return cached;
  const shown = describeUncached(options);
  if (Object.isFrozen(options)) describedOptions.set(options, Object.freeze(shown));
  return shown;
}

function describeUncached(options: object): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'store') shown[key] = value === defaultLengthHistory ? 'default (in memory)' : 'custom';
    else if (value instanceof RegExp) shown[key] = String(value);
    else if (Array.isArray(value))
      shown[key] = value.map((item) => (item instanceof RegExp ? String(item) : item));
    else shown[key] = value;
  }
  return shown;
}

const describedKeywords = new WeakMap<object, Record<string, unknown>>();

/** What `explain` shows of keyword options: the ids of the rules in force. */
function describeKeywords(
  options: KeywordContextOptions,
  rules: readonly KeywordRule[],
): Record<string, unknown> {
  const cached = describedKeywords.get(options);
  if (cached) return cached;
  const shown = describeOptions({ ...options, rules: rules.map((rule) => rule.id) });
  if (Object.isFrozen(options)) describedKeywords.set(options, Object.freeze(shown));
  return shown;
}

/** What keyword rules and `metadata.format` switched for this call. */
interface Switches {
  enable: string[];
  disable: string[];
  endAfter: Array<string | RegExp>;
}

/**
 * The answer-complete options after the call's marker switches: the profile's markers (an empty
 * list means "only what the prompt asks for"), plus those switched on, minus those switched off.
 * Undefined when no marker is left.
 */
function answerCompleteFor(
  options: AnswerCompleteOptions,
  switches: Switches,
): AnswerCompleteOptions | undefined {
  const unswitched = switches.enable.length === 0 && switches.disable.length === 0;
  if (unswitched && options.markers !== undefined && options.markers.length > 0) return options;
  const markers = new Set<string>(options.markers ?? defaultMarkers);
  for (const marker of switches.enable) markers.add(marker);
  for (const marker of switches.disable) markers.delete(marker);
  return markers.size === 0 ? undefined : { ...options, markers: [...markers] as CompletionMarker[] };
}

/** The marker switches and prescribed endings of a call. */
function switchesFor(settings: ProfileSettings, call: CallContext): Switches {
  const switches: Switches = { enable: metadataMarkers(call.metadata), disable: [], endAfter: [] };
  if (settings.keywords === false) return switches;
  const { compiled } = resolveKeywordRules('keywords', settings.keywords);
  for (const match of matchKeywords(keywordText(call, settings.keywords.scope), compiled)) {
    switches.enable.push(...match.enableMarkers);
    switches.disable.push(...match.disableMarkers);
    switches.endAfter.push(...match.endAfter);
  }
  return switches;
}

/**
 * Builds fresh policies for one call from settings, in chain order: keyword context (budget
 * changes at `start`), stop strings, answer complete (plus the markers keyword rules or
 * `metadata.format` switched on), answer convergence, repetition, adaptive length, token cap,
 * timeout.
 */
export function buildPolicies(settings: ProfileSettings, call: CallContext): BuiltPolicy[] {
  const built: BuiltPolicy[] = [];
  const switches = switchesFor(settings, call);
  if (settings.keywords !== false) {
    const policy = keywordContext(settings.keywords);
    const parameters = describeKeywords(settings.keywords, policy.rules);
    built.push({ policy, setting: 'keywords', parameters });
  }
  if (settings.stopOn.length > 0) {
    const patterns = describeOptions({ patterns: settings.stopOn }).patterns;
    built.push({ policy: stopOn(settings.stopOn), setting: 'stopOn', parameters: { patterns } });
  }
  const answerOptions =
    settings.answerComplete === false ? undefined : answerCompleteFor(settings.answerComplete, switches);
  if (settings.answerComplete !== false && switches.endAfter.length > 0) {
    // An ending the prompt prescribed: kept, and nothing after it.
    const policy = stopOn(switches.endAfter, { includeMatch: true });
    const patterns = describeOptions({ patterns: switches.endAfter }).patterns;
    built.push({ policy, setting: 'answerComplete', parameters: { endAfter: patterns, includeMatch: true } });
  }
  if (answerOptions) {
    built.push({
      policy: answerComplete(answerOptions),
      setting: 'answerComplete',
      parameters: describeOptions(answerOptions),
    });
  }
  for (const section of ['answerConvergence', 'repetition', 'adaptiveLength'] as const) {
    const options = settings[section];
    if (options === false) continue;
    built.push({
      policy: factories[section](options as never),
      setting: section,
      parameters: describeOptions(options),
    });
  }
  if (settings.cutAtTokens !== false) {
    const limit = settings.cutAtTokens;
    built.push({ policy: maxTokens(limit), setting: 'cutAtTokens', parameters: { limit } });
  }
  if (settings.timeout !== false) {
    built.push({
      policy: timeout(settings.timeout),
      setting: 'timeout',
      parameters: describeOptions(settings.timeout),
    });
  }
  return built;
}
