import type { LengthHistoryStore } from './adaptive/length-history.js';
import { anyOfChain } from './any-of.js';
import type { CallOptions, CallPolicyOptions } from './call-options.js';
import { ConfigError, describeError } from './errors.js';
import type { CallTuning, TuneInput } from './learning/learning-loop.js';
import { userPrompt } from './messages.js';
import { rejectUnknownOptions } from './option-names.js';
import { PairMemo } from './pair-memo.js';
import { regexEngineLoading } from './policies/linear-engine.js';
import type { CallContext, PolicyReport, StopPolicy } from './policy.js';
import { withCallSettings, withLengthStore } from './profiles/call-settings.js';
import { type ProfilePolicy, planFor } from './profiles/chain-plan.js';
import { deprecatedCutName, withCutAlias } from './profiles/cut-alias.js';
import { applyOverrides, profileSettings } from './profiles/define-profile.js';
import { requireProfile } from './profiles/registry.js';
import {
  emptySettings,
  freezeSettings,
  isPlainObject,
  type ProfileOverrides,
  type ProfileSettings,
  type UserPreset,
} from './profiles/settings.js';
import { everyStep } from './step-phases.js';
import { isThenable } from './thenable.js';
import { assertPolicy } from './validate-policy.js';

/**
 * Which preset each end user gets: a map from user id to a profile name or to overrides (which
 * may name their base with `profile`), or a resolver returning the same (it may be async, e.g. a
 * database lookup). Users it does not know (undefined) get the client's default.
 */
export type UserProfiles =
  | Readonly<Record<string, UserPreset>>
  | ((userId: string) => UserPreset | undefined | PromiseLike<UserPreset | undefined>);

/** The client-level settings that shape a call's chain. */
export interface ChainConfig {
  /** Profile for calls whose user and options name none. Default: no profile. */
  defaultProfile?: string | undefined;
  profiles?: UserProfiles | undefined;
  /**
   * The learning loop's step for a call of `profile` (see `createClient({ learn })`): its
   * overrides apply right over the profile's settings, under every override a person wrote (the
   * user's preset, the call's, those next to the profile's name included), which still win.
   */
  tune?: ((profile: string, call: TuneInput) => CallTuning | undefined) | undefined;
  /**
   * Where adaptive length keeps its history when the profile leaves it at the default (the
   * client's `store`); a profile that names its own `adaptiveLength.store` keeps it.
   */
  lengthStore?: LengthHistoryStore | undefined;
}

/** Which layer named the call's profile. */
export type ProfileSource = 'call' | 'user' | 'client' | 'none';

/** One layer of a call's resolution, as `explain` shows it. */
export interface ResolutionLayer {
  /** `learned`: the tuned step's overrides (see `createClient({ learn })`). */
  readonly layer: 'client' | 'user' | 'learned' | 'call';
  /** The profile this layer named, if any. */
  readonly profile: string | undefined;
  /** The overrides this layer gave, if any. */
  readonly overrides: ProfileOverrides | undefined;
  /** False when a more specific layer named another profile, so these overrides were dropped. */
  readonly applied: boolean;
}

/** One policy of a resolved chain. */
export interface ChainEntry {
  readonly policy: StopPolicy;
  /** `profile`: built from the resolved settings; `call`: one of the call's `policy.policies`. */
  readonly source: 'profile' | 'call';
  /** The setting that made it (profile policies only). */
  readonly setting: keyof ProfileSettings | undefined;
  /** The parameters it was built with (profile policies only). */
  readonly parameters: Readonly<Record<string, unknown>> | undefined;
}

/** A call's chain, ready to run. */
export interface ResolvedChain {
  /** The root policy (an `anyOf` of all), or undefined when the call has none. */
  policy: StopPolicy | undefined;
  profile: string | undefined;
  /** Which layer named the profile. */
  profileSource: ProfileSource;
  /** The settings the profile policies were built from (after every override). */
  settings: ProfileSettings;
  layers: ResolutionLayer[];
  /** Names of the policies, in chain order. */
  names: string[];
  entries: ChainEntry[];
  context: CallContext;
  /** The tuned step the call runs with, when the client learns. */
  tuning: CallTuning | undefined;
}

interface Layer {
  layer: 'client' | 'user' | 'learned' | 'call';
  field: string;
  profile: string | undefined;
  overrides: ProfileOverrides | undefined;
}

/** Splits a user preset into its profile name and overrides; a ConfigError naming `field` if malformed. */
function userLayer(field: string, preset: UserPreset | undefined): Layer | undefined {
  if (preset === undefined) return undefined;
  if (typeof preset === 'string') {
    requireProfile(field, preset);
    return { layer: 'user', field, profile: preset, overrides: undefined };
  }
  if (!isPlainObject(preset)) {
    throw new ConfigError(
      field,
      `must be a profile name or an object of overrides, got ${describeError(preset)}`,
    );
  }
  const { profile, ...given } = preset;
  if (profile !== undefined) requireProfile(`${field}.profile`, profile);
  // Under the new name from here on, so `explain` shows the layer as it is applied.
  const overrides = withCutAlias(field, given);
  return {
    layer: 'user',
    field,
    profile,
    overrides: Object.keys(overrides).length > 0 ? overrides : undefined,
  };
}

/** The call's own layer: `policy.profile` and `policy.overrides`. */
// Every option of a call's `policy` (`CallPolicyOptions`).
// (`maxOutputTokens` last: the deprecated name of `cutAtTokens`, still accepted.)
/** The options of a call's `policy`. */
export const callPolicyNames = [
  'profile',
  'overrides',
  'stopOn',
  'cutAtTokens',
  'policies',
  deprecatedCutName,
];

/** Other SDKs' names of a cap, given to a call's `policy`: which of stopwise's two is meant. */
const policyCapNames: Readonly<Record<string, string>> = Object.fromEntries(
  ['maxTokens', 'max_tokens'].map((name) => [
    name,
    "`cutAtTokens` (a cut stopwise makes), or the call's `maxOutputTokens` (sent to the provider)",
  ]),
);

function callLayer(policy: CallPolicyOptions | undefined): Layer | undefined {
  if (policy === undefined) return undefined;
  if (typeof policy !== 'object' || policy === null)
    throw new ConfigError(
      'policy',
      'must be an object { profile?, overrides?, stopOn?, cutAtTokens?, policies? }',
    );
  rejectUnknownOptions('policy', policy, callPolicyNames, { synonyms: policyCapNames });
  withCutAlias('policy', policy);
  if (policy.overrides !== undefined && !isPlainObject(policy.overrides)) {
    throw new ConfigError('policy.overrides', 'must be an object of profile settings');
  }
  if (policy.profile !== undefined) requireProfile('policy.profile', policy.profile);
  const overrides =
    policy.overrides && Object.keys(policy.overrides).length > 0
      ? withCutAlias('policy.overrides', policy.overrides)
      : undefined;
  if (policy.profile === undefined && overrides === undefined) return undefined;
  return { layer: 'call', field: 'policy.overrides', profile: policy.profile, overrides };
}

/**
 * Merges the layers: the profile is the one named by the most specific layer (call, then user,
 * then client); overrides of that layer and of more specific ones apply over it, least specific
 * first, a learned layer's before all of them. Overrides of a less specific layer are dropped: they were written for another profile.
 */
function mergeLayers(layers: readonly Layer[]): {
  profile: string | undefined;
  source: ProfileSource;
  settings: ProfileSettings | undefined;
  applied: boolean[];
} {
  let baseIndex = -1;
  layers.forEach((layer, index) => {
    if (layer.profile !== undefined) baseIndex = index;
  });
  const base = baseIndex < 0 ? undefined : (layers[baseIndex] as Layer);
  const applied = layers.map((layer, index) => index >= baseIndex && layer.overrides !== undefined);
  // The learned step goes right over the profile, under every override a person wrote, those of
  // the layer that named the profile included (`{ profile: 'balanced', overrides }`).
  const overriding = layers
    .filter((_, index) => applied[index])
    .sort((a, b) => Number(b.layer === 'learned') - Number(a.layer === 'learned'));
  // A learned layer never names a profile, so the base is one of the other three.
  const source = (base?.layer ?? 'none') as ProfileSource;
  if (base?.profile !== undefined && overriding.length === 0) {
    return {
      profile: base.profile,
      source,
      settings: requireProfile(base.field, base.profile).settings,
      applied,
    };
  }
  let settings = base?.profile === undefined ? emptySettings : profileSettings(base.field, base.profile);
  if (overriding.length === 1) {
    const merged = mergedOnce(
      settings,
      (overriding[0] as Layer).field,
      (overriding[0] as Layer).overrides as ProfileOverrides,
    );
    return { profile: base?.profile, source, settings: merged, applied };
  }
  for (const layer of overriding)
    settings = applyOverrides(layer.field, settings, layer.overrides as ProfileOverrides);
  return { profile: base?.profile, source, settings, applied };
}

// One set of overrides over a profile, merged once and frozen: the common case of a learned step
// or a user's preset object, which is the same object call after call. Policies cache what they
// compile by the identity of frozen settings, so a fresh merge per call would also cost every
// call its compiled keyword rules.
const mergedSettings = new PairMemo<ProfileSettings, ProfileOverrides, ProfileSettings>();

function mergedOnce(base: ProfileSettings, field: string, overrides: ProfileOverrides): ProfileSettings {
  const merge = () => freezeSettings(applyOverrides(field, base, overrides));
  // Only objects the caller cannot change later may be reused: frozen overrides.
  return Object.isFrozen(overrides) ? mergedSettings.get(base, overrides, merge) : merge();
}

async function presetOf(config: ChainConfig, user: string | undefined): Promise<Layer | undefined> {
  const { profiles } = config;
  if (profiles === undefined || user === undefined) return undefined;
  if (typeof profiles === 'function') {
    let preset: UserPreset | undefined;
    try {
      preset = await profiles(user);
    } catch (error) {
      // The application's own code failed, not the provider: not retryable, and the cause kept.
      throw new ConfigError('profiles', `the profile resolver threw: ${describeError(error)}`, {
        cause: error,
      });
    }
    return userLayer('profiles(user)', preset);
  }
  const field = `profiles[${JSON.stringify(user)}]`;
  return userLayer(field, Object.hasOwn(profiles, user) ? profiles[user] : undefined);
}

/**
 * Checks the profile names and overrides a client is configured with, so typos fail at
 * `createClient`. (A resolver's answers are checked per call: an unknown one ends that call
 * with outcome `error` and a `ConfigError`.)
 */
export function validateChainConfig(config: ChainConfig): void {
  if (config.defaultProfile !== undefined) requireProfile('profile', config.defaultProfile);
  const { profiles } = config;
  if (profiles === undefined || typeof profiles === 'function') return;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new ConfigError(
      'profiles',
      'must be a map { userId: profileName | overrides } or a function (userId) => preset',
    );
  }
  const client: Layer = {
    layer: 'client',
    field: 'profile',
    profile: config.defaultProfile,
    overrides: undefined,
  };
  for (const [user, preset] of Object.entries(profiles)) {
    const layer = userLayer(`profiles[${JSON.stringify(user)}]`, preset);
    if (layer) mergeLayers([client, layer]);
  }
}

/**
 * Checks a call's `policy.profile` and `policy.overrides` without its user's preset (which may
 * need an async lookup): overrides are merged over the named profile, or over nothing.
 */
export function validateCallPolicy(policy: CallPolicyOptions | undefined): void {
  const layer = callLayer(policy);
  if (layer) mergeLayers([layer]);
}

/**
 * Runs every policy's `prepare` (adaptive length loading its history). Returns a promise only when
 * one of them is async: a resolver awaiting nothing would still cost every call a round trip.
 */
function prepareAll(entries: readonly ChainEntry[], context: CallContext): Promise<unknown> | undefined {
  let pending: Array<Promise<void>> | undefined;
  for (const { policy } of entries) {
    const prepare = (policy as { prepare?: (call: CallContext) => unknown }).prepare;
    if (typeof prepare !== 'function') continue;
    // A history store that is down costs this call its prediction, not the call itself.
    try {
      const result = prepare.call(policy, context);
      if (isThenable(result)) {
        pending ??= [];
        pending.push(
          Promise.resolve(result).then(
            () => {},
            (error: unknown) => prepareFailed(context, policy, error),
          ),
        );
      }
    } catch (error) {
      prepareFailed(context, policy, error);
    }
  }
  return pending && Promise.all(pending);
}

/**
 * The chain of several policies: `anyOf` of them, told which phases each profile policy reads
 * (see `step-phases.ts`), so a delta is not offered to policies that watch the other phase.
 */
function chainOf(entries: readonly ChainEntry[]): StopPolicy {
  const policies: StopPolicy[] = [];
  const steps: number[] = [];
  entries.forEach((entry, index) => {
    const planned = (entry as Partial<ProfilePolicy>).steps;
    // A profile plan's policies are made by stopwise's own factories: only the others (the
    // call's, a build function's) are checked, as `anyOf` checks its children.
    if (planned === undefined) assertPolicy(`anyOf[${index}]`, entry.policy);
    policies.push(entry.policy);
    steps.push(planned ?? everyStep);
  });
  return anyOfChain(policies, steps);
}

function prepareFailed(context: CallContext, policy: StopPolicy, error: unknown): void {
  context.report({ type: 'policy-error', policy: policy.name, error, during: 'start' });
}

/**
 * Resolves a call's chain. Precedence: client default, then the user's preset, then the call's
 * `policy` option (see {@link mergeLayers} and docs/profiles.md). The profile's policies come
 * first; the call's `policy.stopOn` patterns join the profile's stop strings; the call's
 * `policy.policies` come last. Policies with an async `prepare` (adaptive length with a remote
 * store) are prepared before this returns.
 */
export async function resolveChain(
  options: CallOptions<unknown>,
  config: ChainConfig,
  report: (report: PolicyReport) => void,
): Promise<ResolvedChain> {
  // The linear-time regex engine loads on first use (see `linear-engine.ts`): a user's regex
  // defined before this call may have asked for it, and keyword rules are matched while the
  // chain is built.
  const engineBefore = regexEngineLoading();
  if (engineBefore) await engineBefore;
  const layers: Layer[] = [
    { layer: 'client', field: 'profile', profile: config.defaultProfile, overrides: undefined },
  ];
  const perCall = options.policy;
  const call = callLayer(perCall);
  const user = call?.profile === undefined ? await presetOf(config, options.user) : undefined;
  if (user) layers.push(user);
  if (call) layers.push(call);
  let merged = mergeLayers(layers);
  const tuning =
    config.tune && merged.profile !== undefined && merged.settings !== undefined
      ? config.tune(merged.profile, {
          model: options.model,
          messages: options.messages,
          user: options.user,
          metadata: options.metadata ?? {},
        })
      : undefined;
  if (tuning?.overrides !== undefined) {
    const named = layers.findLastIndex((layer) => layer.profile !== undefined);
    layers.splice(named + 1, 0, {
      layer: 'learned',
      field: 'learn',
      profile: undefined,
      overrides: tuning.overrides,
    });
    merged = mergeLayers(layers);
  }
  const context: CallContext = {
    model: options.model,
    messages: options.messages,
    prompt: userPrompt(options.messages),
    user: options.user,
    profile: merged.profile,
    maxOutputTokens: options.maxOutputTokens,
    metadata: options.metadata ?? {},
    report,
  };
  let settings = merged.settings ?? emptySettings;
  let entries: ChainEntry[];
  if (merged.settings === undefined) {
    // A profile registered with only a build function: its policies as they are, then the call's.
    // The call's settings are the chain's settings: its cut bounds what a stop saved.
    entries = requireProfile('profile', merged.profile as string)
      .build(context)
      .map((policy) => ({ policy, setting: undefined, parameters: undefined, source: 'profile' }));
    settings = withCallSettings(emptySettings, perCall);
    entries.push(...planFor(settings).build(context));
  } else {
    // The call's stop strings join the profile's; its token cap replaces the profile's.
    settings = withCallSettings(settings, perCall);
    if (config.lengthStore) settings = withLengthStore(settings, config.lengthStore);
    entries = planFor(settings).build(context);
  }
  for (const policy of perCall?.policies ?? []) {
    entries.push({ policy, setting: undefined, parameters: undefined, source: 'call' });
  }
  const preparing = prepareAll(entries, context);
  if (preparing) await preparing;
  // A stop pattern the chain holds now (a keyword rule's ending) may have asked for it too.
  const engineAfter = regexEngineLoading();
  if (engineAfter) await engineAfter;
  const policies = entries.map((entry) => entry.policy);
  const root = policies.length <= 1 ? policies[0] : chainOf(entries);
  return {
    policy: root,
    profile: merged.profile,
    profileSource: merged.source,
    settings,
    layers: layers.map((layer, index) => ({
      layer: layer.layer,
      profile: layer.profile,
      overrides: layer.overrides,
      applied: merged.applied[index] === true,
    })),
    names: policies.map((policy) => policy.name),
    entries,
    context,
    tuning,
  };
}
