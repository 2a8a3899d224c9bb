import type { CallOptions } from './call-options.js';
import { anyOf } from './combinators.js';
import { ConfigError } from './errors.js';
import { userPrompt } from './messages.js';
import { maxTokens } from './policies/max-tokens.js';
import { stopOn } from './policies/stop-on.js';
import type { CallContext, PolicyReport, StopPolicy } from './policy.js';
import { requireProfile } from './profiles/registry.js';

/**
 * Which profile each end user gets: a map from user id to profile name, or a resolver (which may
 * be async, e.g. a database lookup). Unknown users fall back to the client's default profile.
 */
export type UserProfiles =
  | Readonly<Record<string, string>>
  | ((userId: string) => string | undefined | PromiseLike<string | undefined>);

/** The client-level settings that shape a call's chain. */
export interface ChainConfig {
  /** Profile for calls whose user has none. Default: no profile (only per-call policies). */
  defaultProfile?: string | undefined;
  profiles?: UserProfiles | undefined;
}

/** A call's chain, ready to run. */
export interface ResolvedChain {
  /** The root policy (an `anyOf` of all), or undefined when the call has none. */
  policy: StopPolicy | undefined;
  profile: string | undefined;
  /** Names of the policies, in chain order. */
  names: string[];
  context: CallContext;
}

/** Checks the profile names a client is configured with, so typos fail at `createClient`. */
export function validateChainConfig(config: ChainConfig): void {
  if (config.defaultProfile !== undefined) requireProfile('profile', config.defaultProfile);
  const { profiles } = config;
  if (profiles === undefined || typeof profiles === 'function') return;
  if (typeof profiles !== 'object' || profiles === null) {
    throw new ConfigError('profiles', 'must be a map { userId: profileName } or a function (userId) => profileName');
  }
  for (const [user, name] of Object.entries(profiles)) requireProfile(`profiles[${JSON.stringify(user)}]`, name);
}

async function userProfile(profiles: UserProfiles | undefined, user: string | undefined): Promise<string | undefined> {
  if (profiles === undefined || user === undefined) return undefined;
  if (typeof profiles === 'function') return await profiles(user);
  return Object.hasOwn(profiles, user) ? profiles[user] : undefined;
}

/**
 * Resolves a call's chain. Precedence, most specific first: the call's `policy.profile`, then the
 * user's profile (map or resolver), then the client's default. The profile's policies come
 * first in the chain, then the call's `stopOn`, `maxOutputTokens` and `policies`, in that order.
 */
export async function resolveChain(
  options: CallOptions<unknown>,
  config: ChainConfig,
  report: (report: PolicyReport) => void,
): Promise<ResolvedChain> {
  const fromUser = options.policy?.profile === undefined ? await userProfile(config.profiles, options.user) : undefined;
  const profileName = options.policy?.profile ?? fromUser ?? config.defaultProfile;
  const profileField = options.policy?.profile !== undefined ? 'policy.profile' : fromUser !== undefined ? 'profiles(user)' : 'profile';
  const profile = profileName === undefined ? undefined : requireProfile(profileField, profileName);
  const context: CallContext = {
    model: options.model,
    messages: options.messages,
    prompt: userPrompt(options.messages),
    user: options.user,
    profile: profileName,
    maxOutputTokens: options.maxOutputTokens,
    metadata: options.metadata ?? {},
    report,
  };
  const policies: StopPolicy[] = profile ? profile.build(context) : [];
  const perCall = options.policy;
  if (perCall?.stopOn !== undefined) policies.push(stopOn(perCall.stopOn));
  if (perCall?.maxOutputTokens !== undefined) policies.push(maxTokens(perCall.maxOutputTokens));
  if (perCall?.policies) policies.push(...perCall.policies);
  const names = policies.map((policy) => policy.name);
  const root = policies.length === 0 ? undefined : policies.length === 1 ? policies[0] : anyOf(...policies);
  return { policy: root, profile: profileName, names, context };
}
