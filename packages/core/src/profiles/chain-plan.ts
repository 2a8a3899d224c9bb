import {
  type AdaptiveLengthSettings,
  adaptiveLengthConfig,
  adaptiveLengthFrom,
} from '../adaptive/adaptive-length.js';
import {
  keywordContextFrom,
  keywordText,
  metadataMarkers,
  resolveKeywordRules,
} from '../adaptive/keyword-context.js';
import { type CompiledKeywordRule, type KeywordRule, matchKeywords } from '../adaptive/keyword-rules.js';
import { isLengthHistoryStore } from '../adaptive/length-history.js';
import {
  type AnswerCompleteConfig,
  type AnswerCompleteOptions,
  answerCompleteConfig,
  answerCompleteFrom,
  type CompletionMarker,
  defaultMarkers,
} from '../policies/answer-complete.js';
import {
  type AnswerConvergenceConfig,
  answerConvergenceConfig,
  answerConvergenceFrom,
} from '../policies/answer-convergence.js';
import { type MaxTokensConfig, maxTokensConfig, maxTokensFrom } from '../policies/max-tokens.js';
import { type RepetitionConfig, repetitionConfig, repetitionFrom } from '../policies/repetition.js';
import { type StopOnConfig, stopOnConfig, stopOnFrom } from '../policies/stop-on.js';
import { type TimeoutConfig, timeoutConfig, timeoutFrom } from '../policies/timeout.js';
import type { CallContext, StopPolicy } from '../policy.js';
import { stepBits } from '../step-phases.js';
import { describeKeywords, describeOptions } from './describe-options.js';
import { isPlainObject, type ProfileSettings } from './settings.js';

/** A policy a profile built for a call, with the setting it came from and its parameters. */
export interface BuiltPolicy {
  readonly policy: StopPolicy;
  /** The setting that made it, e.g. `answerComplete`. */
  readonly setting: keyof ProfileSettings;
  /** The parameters it was built with (after keyword switches), for `explain`. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A policy of a profile's chain, as the chain resolver lists it. */
export interface ProfilePolicy extends BuiltPolicy {
  readonly source: 'profile';
  /**
   * The phases (bits, see `step-phases.ts`) whose deltas its `step` reads: the chain does not
   * ask it about the others.
   */
  readonly steps: number;
}

/** What keyword rules and `metadata.format` switched for this call. */
interface Switches {
  enable: string[];
  disable: string[];
  endAfter: Array<string | RegExp>;
}

/** One section compiled: its validated options and what `explain` shows of them. */
interface Compiled<C> {
  readonly config: C;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** Variants kept per plan (answer-complete marker sets, prescribed endings): a handful in practice. */
const maxVariants = 32;

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

/** A key that tells stop patterns apart as they behave (a RegExp by its source and flags). */
export function patternsKey(patterns: readonly unknown[]): string | undefined {
  let key = '';
  for (const pattern of patterns) {
    if (typeof pattern === 'string') key += `s${JSON.stringify(pattern)}`;
    else if (pattern instanceof RegExp) key += `r${JSON.stringify([pattern.source, pattern.flags])}`;
    else return undefined;
  }
  return key;
}

/** `value` on `map` under `key`, made by `make` (not kept when it throws); the map is bounded. */
function variant<V>(map: Map<string, V>, key: string | undefined, make: () => V): V {
  if (key === undefined) return make();
  const known = map.get(key);
  if (known !== undefined || map.has(key)) return known as V;
  const value = make();
  if (map.size >= maxVariants) map.clear();
  map.set(key, value);
  return value;
}

/** A built policy as the chain lists it; `phase`: the deltas its `step` reads. */
function entry(
  policy: StopPolicy,
  setting: keyof ProfileSettings,
  parameters: Readonly<Record<string, unknown>>,
  phase: 'answer' | 'reasoning' | 'any' | 'none',
): ProfilePolicy {
  return { policy, setting, parameters, source: 'profile', steps: stepBits(phase) };
}

/**
 * Everything about a call's profile chain that does not depend on the call, worked out once per
 * settings object: each section's options validated, its patterns and keyword rules compiled, its
 * name and the parameters `explain` shows. A call only makes fresh policy objects (scanners,
 * detectors, counters) from it, with no validation.
 *
 * Sections are compiled on first use, in chain order, by the same validation the policy
 * factories run, and a failure is never kept: settings that were never validated (a profile
 * registered with raw settings) throw the same `ConfigError`, at the same point of a call, as
 * building the policies one by one did. Only settings that can no longer change share a plan
 * (see {@link planFor}); others get a plan per call.
 */
export class ChainPlan {
  private keywordRules: { rules: KeywordRule[]; compiled: CompiledKeywordRule[] } | undefined;
  private keywordParameters: Readonly<Record<string, unknown>> | undefined;
  private stopOnSection: Compiled<StopOnConfig> | undefined;
  private readonly answers = new Map<string, Compiled<AnswerCompleteConfig>>();
  private readonly endings = new Map<string, Compiled<StopOnConfig>>();
  private convergence: Compiled<AnswerConvergenceConfig> | undefined;
  private repetition: Compiled<RepetitionConfig> | undefined;
  private adaptive: Compiled<AdaptiveLengthSettings> | undefined;
  private cap: Compiled<MaxTokensConfig> | undefined;
  private timeout: Compiled<TimeoutConfig> | undefined;

  /**
   * @param settings the settings (validated or not) the plan is for.
   * @param shared whether calls share this plan: then what it describes is frozen, so one call's
   *   `explain` output cannot change another's.
   */
  constructor(
    readonly settings: ProfileSettings,
    private readonly shared: boolean,
  ) {}

  /**
   * Fresh policies for one call, in chain order: keyword context (budget changes at `start`),
   * stop strings, answer complete (plus the markers keyword rules or `metadata.format` switched
   * on), answer convergence, repetition, adaptive length, token cap, timeout.
   */
  build(call: CallContext): ProfilePolicy[] {
    const { settings } = this;
    const built: ProfilePolicy[] = [];
    const switches = this.switchesFor(call);
    if (settings.keywords !== false) {
      const resolved = this.keywordRules as { rules: KeywordRule[]; compiled: CompiledKeywordRule[] };
      const policy = keywordContextFrom(resolved, settings.keywords.scope ?? 'latest');
      this.keywordParameters ??= describeKeywords(settings.keywords, resolved.rules);
      // It acts in `start` only.
      built.push(entry(policy, 'keywords', this.keywordParameters, 'none'));
    }
    if (settings.stopOn.length > 0) {
      this.stopOnSection ??= {
        config: stopOnConfig(settings.stopOn),
        parameters: this.seal({ patterns: describeOptions({ patterns: settings.stopOn }).patterns }),
      };
      const { config, parameters } = this.stopOnSection;
      built.push(entry(stopOnFrom(config), 'stopOn', parameters, config.phase));
    }
    const answerOptions =
      settings.answerComplete === false ? undefined : answerCompleteFor(settings.answerComplete, switches);
    if (settings.answerComplete !== false && switches.endAfter.length > 0) {
      // An ending the prompt prescribed: kept, and nothing after it.
      const { endAfter } = switches;
      const { config, parameters } = variant(this.endings, patternsKey(endAfter), () => ({
        config: stopOnConfig(endAfter, { includeMatch: true }),
        parameters: this.seal({
          endAfter: describeOptions({ patterns: endAfter }).patterns,
          includeMatch: true,
        }),
      }));
      built.push(entry(stopOnFrom(config), 'answerComplete', parameters, config.phase));
    }
    if (answerOptions) {
      // The profile's own options, or one set per list of switched markers.
      const key = answerOptions === settings.answerComplete ? '' : JSON.stringify(answerOptions.markers);
      const { config, parameters } = variant(this.answers, key, () => ({
        config: answerCompleteConfig(answerOptions),
        parameters: this.seal(describeOptions(answerOptions)),
      }));
      built.push(entry(answerCompleteFrom(config), 'answerComplete', parameters, config.phase));
    }
    this.buildSections(built);
    return built;
  }

  /** Answer convergence, repetition, adaptive length, token cap and timeout, as set. */
  private buildSections(built: ProfilePolicy[]): void {
    const { settings } = this;
    if (settings.answerConvergence !== false) {
      const options = settings.answerConvergence;
      this.convergence ??= { config: answerConvergenceConfig(options), parameters: describeOptions(options) };
      const { config, parameters } = this.convergence;
      built.push(entry(answerConvergenceFrom(config), 'answerConvergence', parameters, config.phase));
    }
    if (settings.repetition !== false) {
      const options = settings.repetition;
      this.repetition ??= { config: repetitionConfig(options), parameters: describeOptions(options) };
      const { config, parameters } = this.repetition;
      built.push(entry(repetitionFrom(config), 'repetition', parameters, config.phase));
    }
    if (settings.adaptiveLength !== false) {
      const options = settings.adaptiveLength;
      this.adaptive ??= { config: adaptiveLengthConfig(options), parameters: describeOptions(options) };
      const { config, parameters } = this.adaptive;
      // The store is an object of methods, not data: checked on every call, as the factory did.
      if (!isLengthHistoryStore(config.store)) adaptiveLengthConfig(options);
      // Every delta: it records each phase's length even when it budgets only one.
      built.push(entry(adaptiveLengthFrom(config), 'adaptiveLength', parameters, 'any'));
    }
    if (settings.cutAtTokens !== false) {
      const limit = settings.cutAtTokens;
      this.cap ??= { config: maxTokensConfig(limit), parameters: this.seal({ limit }) };
      const { config, parameters } = this.cap;
      built.push(entry(maxTokensFrom(config), 'cutAtTokens', parameters, 'any'));
    }
    if (settings.timeout !== false) {
      const options = settings.timeout;
      this.timeout ??= { config: timeoutConfig(options), parameters: describeOptions(options) };
      const { config, parameters } = this.timeout;
      // Every delta: any output resets its idle clock.
      built.push(entry(timeoutFrom(config), 'timeout', parameters, 'any'));
    }
  }

  /** The marker switches and prescribed endings of a call. */
  private switchesFor(call: CallContext): Switches {
    const { settings } = this;
    const switches: Switches = { enable: metadataMarkers(call.metadata), disable: [], endAfter: [] };
    if (settings.keywords === false) return switches;
    this.keywordRules ??= resolveKeywordRules('keywords', settings.keywords);
    const text = keywordText(call, settings.keywords.scope);
    for (const match of matchKeywords(text, this.keywordRules.compiled)) {
      switches.enable.push(...match.enableMarkers);
      switches.disable.push(...match.disableMarkers);
      switches.endAfter.push(...match.endAfter);
    }
    return switches;
  }

  /** `value` (and the lists in it) frozen when calls share the plan. */
  private seal<T extends object>(value: T): T {
    if (!this.shared) return value;
    for (const item of Object.values(value)) if (Array.isArray(item)) Object.freeze(item);
    return Object.freeze(value);
  }
}

/**
 * True when nothing in `value` can change any more: every plain object and array in it frozen.
 * Stores (objects of methods) and RegExps count as fixed: they are used as they are, not read as
 * settings data (as `freezeSettings` leaves them).
 */
function settled(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Array.isArray(value) && !isPlainObject(value)) return true;
  const items = Object.values(value);
  if (!Array.isArray(value) && items.some((item) => typeof item === 'function')) return true;
  return Object.isFrozen(value) && items.every(settled);
}

// Plans by the settings they were made for. Weak: a plan lives as long as its settings (a
// profile's, a frozen preset merged with frozen overrides), so overrides made per call never
// accumulate here.
const plans = new WeakMap<ProfileSettings, ChainPlan>();

/**
 * The plan for `settings`: one per settings object when nothing in it can change any more (a
 * profile's settings, settings merged from frozen overrides), kept while they live; a new one,
 * used by one call only, otherwise.
 */
export function planFor(settings: ProfileSettings): ChainPlan {
  const known = plans.get(settings);
  if (known) return known;
  if (!settled(settings)) return new ChainPlan(settings, false);
  const plan = new ChainPlan(settings, true);
  plans.set(settings, plan);
  return plan;
}
