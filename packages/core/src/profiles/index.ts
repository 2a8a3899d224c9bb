export {
  applyOverrides,
  defineProfile,
  type ProfileDefinition,
  profileSettings,
} from './define-profile.js';
export {
  completionSettings,
  convergenceSettings,
  repetitionSettings,
  type TunedPreset,
} from './preset-sections.js';
export { accurateSettings, balancedSettings, presetNames, realtimeSettings } from './presets.js';
export { findProfile, type Profile, profileNames, registerProfile, requireProfile } from './registry.js';
export { type BuiltPolicy, buildPolicies, validateSettings } from './sections.js';
export {
  emptySettings,
  mergeSettings,
  type ProfileOverrides,
  type ProfileSection,
  type ProfileSettings,
  type UserPreset,
} from './settings.js';
export { type SettingsProfile, settingsProfile } from './settings-profile.js';
