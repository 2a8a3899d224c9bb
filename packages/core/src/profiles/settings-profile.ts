import type { CallContext, StopPolicy } from '../policy.js';
import { buildPolicies } from './sections.js';
import { freezeSettings, type ProfileSettings } from './settings.js';

/** A profile made from settings: what `defineProfile` and the shipped presets create. */
export interface SettingsProfile {
  readonly name: string;
  readonly description: string;
  readonly settings: ProfileSettings;
  readonly extends?: string | undefined;
  build(call: CallContext): StopPolicy[];
}

/** A profile whose policies are built, fresh for each call, from `settings` (frozen). */
export function settingsProfile(init: {
  name: string;
  description: string;
  settings: ProfileSettings;
  extends?: string | undefined;
}): SettingsProfile {
  const settings = freezeSettings(init.settings);
  return {
    name: init.name,
    description: init.description,
    settings,
    extends: init.extends,
    build: (call) => buildPolicies(settings, call).map((built) => built.policy),
  };
}
