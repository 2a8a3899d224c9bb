import type { AnswerCompleteOptions } from '../policies/answer-complete.js';
import type { AnswerConvergenceOptions } from '../policies/answer-convergence.js';
import type { RepetitionOptions } from '../policies/repetition.js';
import { accurateSettings, balancedSettings, realtimeSettings } from './presets.js';
import type { ProfileSettings } from './settings.js';

/** The shipped presets that tune policies (`off` runs none). */
export type TunedPreset = 'realtime' | 'balanced' | 'accurate';

const presets: Readonly<Record<TunedPreset, ProfileSettings>> = {
  realtime: realtimeSettings,
  balanced: balancedSettings,
  accurate: accurateSettings,
};

/**
 * One policy's options in each shipped preset, read from the presets themselves. These tables
 * used to be written out a second time next to each policy and had drifted from what the presets
 * ran; now the presets are the one source, and `false` says the preset leaves the policy off.
 * Copies: changing one cannot change a preset.
 */
function presetSection<K extends 'answerComplete' | 'answerConvergence' | 'repetition'>(
  key: K,
): Readonly<Record<TunedPreset, ProfileSettings[K]>> {
  const copy = (value: ProfileSettings[K]) =>
    (value === false ? false : Object.freeze({ ...value })) as ProfileSettings[K];
  return Object.freeze({
    realtime: copy(presets.realtime[key]),
    balanced: copy(presets.balanced[key]),
    accurate: copy(presets.accurate[key]),
  });
}

/** `repetition` options of each shipped preset (`false`: off in that preset). */
export const repetitionSettings: Readonly<Record<TunedPreset, false | RepetitionOptions>> =
  presetSection('repetition');

/** `answerComplete` options of each shipped preset (`false`: off in that preset). */
export const completionSettings: Readonly<Record<TunedPreset, false | AnswerCompleteOptions>> =
  presetSection('answerComplete');

/** `answerConvergence` options of each shipped preset (`false`: off in that preset). */
export const convergenceSettings: Readonly<Record<TunedPreset, false | AnswerConvergenceOptions>> =
  presetSection('answerConvergence');
