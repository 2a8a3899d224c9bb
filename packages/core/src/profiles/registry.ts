import { ConfigError } from '../errors.js';
import type { CallContext, StopPolicy } from '../policy.js';

/**
 * A profile: a named, documented bundle of stop policies. `build` makes fresh policy objects for
 * every call, so one profile safely serves concurrent calls.
 */
export interface Profile {
  readonly name: string;
  readonly description: string;
  /** The profile's policies for one call. */
  build(call: CallContext): StopPolicy[];
}

const registry = new Map<string, Profile>();

/** Adds a profile to the registry (replacing one of the same name). */
export function registerProfile(profile: Profile): Profile {
  if (typeof profile.name !== 'string' || !/^[\w.:-]+$/.test(profile.name)) {
    throw new ConfigError('profile.name', 'must be a non-empty name of letters, digits, _ . : or -');
  }
  if (typeof profile.build !== 'function') throw new ConfigError(`profiles.${profile.name}.build`, 'must be a function');
  registry.set(profile.name, profile);
  return profile;
}

/** The registered profile called `name`, or undefined. */
export function findProfile(name: string): Profile | undefined {
  return registry.get(name);
}

/** Names of every registered profile, for error messages and docs. */
export function profileNames(): string[] {
  return [...registry.keys()];
}

/** The registered profile called `name`; a {@link ConfigError} naming `field` if there is none. */
export function requireProfile(field: string, name: string): Profile {
  const profile = registry.get(name);
  if (!profile) {
    throw new ConfigError(field, `unknown profile ${JSON.stringify(name)}; known profiles: ${profileNames().join(', ')}`);
  }
  return profile;
}

registerProfile({
  name: 'off',
  description: 'No stop policies: the stream runs to its natural end (per-call policies still apply).',
  build: () => [],
});
