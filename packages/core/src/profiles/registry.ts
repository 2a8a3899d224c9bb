import { ConfigError } from '../errors.js';
import { nearestName } from '../option-names.js';
import type { CallContext, StopPolicy } from '../policy.js';
import { presetNames, presetProfiles } from './presets.js';
import type { ProfileSettings } from './settings.js';

/**
 * A profile: a named, documented bundle of stop policies and their parameters. `build` makes
 * fresh policy objects for every call, so one profile safely serves concurrent calls.
 */
export interface Profile {
  readonly name: string;
  readonly description: string;
  /**
   * The settings the policies are built from (profiles made by `defineProfile` and the shipped
   * presets). User and call overrides merge over these; a profile without settings (registered
   * with only a `build` function) cannot take overrides.
   */
  readonly settings?: ProfileSettings | undefined;
  /** The profile this one extends, when made by `defineProfile`. */
  readonly extends?: string | undefined;
  /** The profile's policies for one call. */
  build(call: CallContext): StopPolicy[];
}

// The shipped presets are registered here, not by a side-effect import, so no bundler can drop them.
const registry = new Map<string, Profile>(presetProfiles.map((profile) => [profile.name, profile]));

/**
 * Adds a profile to the registry. A custom profile of the same name is replaced (the last
 * definition wins, as with `defineProfile`); a shipped preset (`realtime`, `balanced`,
 * `accurate`, `off`) is not: replacing it would silently change every client that names it, so
 * that throws a {@link ConfigError}. Define a variant under another name with
 * `defineProfile(name, { extends: 'balanced', ... })`.
 */
export function registerProfile(profile: Profile): Profile {
  if (typeof profile !== 'object' || profile === null)
    throw new ConfigError('profile', 'must be a profile object');
  if (typeof profile.name !== 'string' || !/^[\w.:-]+$/.test(profile.name)) {
    throw new ConfigError('profile.name', 'must be a non-empty name of letters, digits, _ . : or -');
  }
  if (typeof profile.build !== 'function')
    throw new ConfigError(`profiles.${profile.name}.build`, 'must be a function');
  if (presetNames.includes(profile.name) && registry.get(profile.name) !== profile) {
    throw new ConfigError(
      'profile.name',
      `"${profile.name}" is a shipped preset and cannot be replaced; define your own under another name, e.g. defineProfile('my-${profile.name}', { extends: '${profile.name}', ... })`,
    );
  }
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
  const profile = typeof name === 'string' ? registry.get(name) : undefined;
  if (!profile) {
    const near = typeof name === 'string' ? nearestName(name, profileNames()) : undefined;
    throw new ConfigError(
      field,
      `unknown profile ${JSON.stringify(name)}${near ? ` (did you mean "${near}"?)` : ''}; known profiles: ${profileNames().join(', ')}`,
    );
  }
  return profile;
}
