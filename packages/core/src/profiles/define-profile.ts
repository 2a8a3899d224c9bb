import { ConfigError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import { withCutAlias } from './cut-alias.js';
import { presetNames } from './presets.js';
import { type Profile, registerProfile, requireProfile } from './registry.js';
import { validateSettings } from './sections.js';
import {
  emptySettings,
  isPlainObject,
  mergeSettings,
  type ProfileOverrides,
  type ProfileSettings,
  settingKeys,
} from './settings.js';
import { type SettingsProfile, settingsProfile } from './settings-profile.js';

/** The second argument of {@link defineProfile}: a base, a description, and overrides. */
export type ProfileDefinition = ProfileOverrides & {
  /** The profile to start from (a shipped preset or one defined earlier). Default: none (all off). */
  extends?: string | undefined;
  /** What the profile is for; shown by `explain` and in errors. */
  description?: string | undefined;
};

/**
 * The settings of profile `name`, for merging overrides over it. A {@link ConfigError} naming
 * `field` when the profile does not exist or was registered with only a `build` function.
 */
export function profileSettings(field: string, name: string): ProfileSettings {
  const profile: Profile = requireProfile(field, name);
  if (!profile.settings) {
    throw new ConfigError(
      field,
      `profile ${JSON.stringify(name)} was registered with only a build function, so it takes no overrides; make it with defineProfile`,
    );
  }
  return profile.settings;
}

/**
 * Overrides merged over a base's settings and validated. `field` prefixes error fields, e.g.
 * `profiles.medical` or `policy.overrides`.
 */
export function applyOverrides(
  field: string,
  base: ProfileSettings,
  overrides: ProfileOverrides,
): ProfileSettings {
  if (!isPlainObject(overrides)) throw new ConfigError(field, 'must be an object of profile settings');
  const merged = mergeSettings(base, withCutAlias(field, overrides));
  validateSettings(field, merged);
  return merged;
}

/**
 * Registers a custom profile: the settings of `extends` (default: every policy off) with
 * `overrides` deep-merged over them (objects merge key by key; arrays and values replace;
 * `false` turns a policy off, `true` back on; keyword rules merge by id). Unknown settings and
 * bad values are a {@link ConfigError} naming the field (`profiles.medical.repetition.minRepeats`).
 * The shipped presets cannot be redefined; a custom profile can (the last definition wins).
 *
 * @example
 * ```ts
 * defineProfile('medical', {
 *   extends: 'accurate',
 *   description: 'Clinical answers: never cut for length; stop at the sign-off.',
 *   stopOn: ['\n\nDisclaimer:'],
 *   repetition: { minRepeats: 4 },
 * });
 * ```
 */
export function defineProfile(name: string, definition: ProfileDefinition = {}): SettingsProfile {
  const field = `profiles.${String(name)}`;
  if (typeof name !== 'string' || !/^[\w.:-]+$/.test(name)) {
    throw new ConfigError('defineProfile(name)', 'must be a non-empty name of letters, digits, _ . : or -');
  }
  if (presetNames.includes(name)) {
    throw new ConfigError(
      'defineProfile(name)',
      `"${name}" is a shipped preset; extend it under another name`,
    );
  }
  if (!isPlainObject(definition))
    throw new ConfigError(field, 'must be an object { extends?, description?, ...settings }');
  const { extends: base, description, ...overrides } = definition;
  if (base !== undefined && typeof base !== 'string')
    throw new ConfigError(`${field}.extends`, 'must be a profile name');
  if (description !== undefined && typeof description !== 'string') {
    throw new ConfigError(`${field}.description`, 'must be a string');
  }
  // Checked with the definition's own keys: a misspelt `extends` is then pointed to, not taken
  // for an unknown setting.
  rejectUnknownOptions(field, withCutAlias(field, overrides), ['extends', 'description', ...settingKeys]);
  const baseSettings = base === undefined ? emptySettings : profileSettings(`${field}.extends`, base);
  const settings = applyOverrides(field, baseSettings, overrides);
  const profile = settingsProfile({
    name,
    description: description ?? (base === undefined ? 'Custom profile.' : `Custom profile based on ${base}.`),
    settings,
    extends: base,
  });
  registerProfile(profile);
  return profile;
}
