import { emptySettings, type ProfileSettings } from './settings.js';
import { type SettingsProfile, settingsProfile } from './settings-profile.js';

/**
 * `accurate`: only stops that cannot cost the answer. The answer is complete *in the form the
 * call asked for*: the ending the prompt prescribes ("finish with 'the answer is (X)'"), a closed
 * `\boxed{}` when the prompt asks for one, a closed code fence or JSON value when it asks for
 * code or JSON only (a `\boxed{}` or "the answer is" the prompt did not ask for can be an
 * intermediate result, so it does not count). A loop is certain: a block of 400+ characters
 * repeated three times back to back. And explicit stop strings. No length budget, no stop while
 * a reasoning model is still thinking.
 */
export const accurateSettings: ProfileSettings = {
  ...emptySettings,
  keywords: {},
  answerComplete: { markers: [], graceChars: 200, phase: 'answer' },
  repetition: { minRepeatChars: 400, minRepeats: 3, phase: 'answer' },
};

/**
 * `balanced`, the default: `accurate`'s stops, plus the model's own explicit claims that its
 * answer is final ("the answer is ...", "Final answer: ..."; an unprompted `\boxed{}` is not
 * one: models box intermediate results too), a reasoning model's thinking ends once its answer
 * has come back three times over 400+ tokens, loops in the reasoning too, and a length budget:
 * 2 × the 95th percentile of lengths of similar answers (1.5 × for reasoning, where a cut keeps
 * the answers reached so far), using an upper 90% confidence bound of that percentile, so a
 * bucket needs about 45 natural ends first.
 */
export const balancedSettings: ProfileSettings = {
  ...accurateSettings,
  answerComplete: { markers: ['answer-is', 'final-answer'], graceChars: 200, phase: 'answer' },
  answerConvergence: { confirmations: 3, holdTokens: 400, phase: 'reasoning' },
  repetition: { minRepeatChars: 400, minRepeats: 3, phase: 'any' },
  adaptiveLength: {
    quantile: 0.95,
    confidence: 0.9,
    slack: 2,
    reasoning: { quantile: 0.95, confidence: 0.9, slack: 1.5 },
    minSamples: 12,
    graceTokens: 64,
    minBudget: 64,
  },
};

/**
 * `realtime`: speed first. Cuts right after an explicit answer (80 characters of grace for the
 * end of its sentence), ends thinking once the answer has come back twice over 150+ tokens, cuts
 * a loop at its first full repeat of a 400-character block, and budgets reasoning at 1.25 × the
 * 90th percentile of similar calls (a 50% confidence bound: the point estimate). Answers
 * themselves keep `balanced`'s generous budget: a cut answer is usually a lost answer.
 */
export const realtimeSettings: ProfileSettings = {
  ...balancedSettings,
  answerComplete: { markers: ['answer-is', 'final-answer'], graceChars: 80, phase: 'answer' },
  answerConvergence: { confirmations: 2, holdTokens: 150, phase: 'reasoning' },
  repetition: { minRepeatChars: 400, minRepeats: 2, phase: 'any' },
  adaptiveLength: {
    quantile: 0.95,
    confidence: 0.75,
    slack: 2,
    reasoning: { quantile: 0.9, confidence: 0.5, slack: 1.25 },
    minSamples: 8,
    graceTokens: 32,
    minBudget: 48,
  },
};

/** The shipped presets, registered by the registry when it loads. */
export const presetProfiles: readonly SettingsProfile[] = [
  settingsProfile({
    name: 'realtime',
    description: 'Speed first: cuts right after an answer, ends thinking early, tight length budgets.',
    settings: realtimeSettings,
  }),
  settingsProfile({
    name: 'balanced',
    description:
      'The default: stops when the answer is complete, thinking has converged, the output loops, or it runs well past the length of similar answers.',
    settings: balancedSettings,
  }),
  settingsProfile({
    name: 'accurate',
    description:
      'Only stops that cannot cost the answer: the answer is complete, a loop is certain, an explicit stop string.',
    settings: accurateSettings,
  }),
  settingsProfile({
    name: 'off',
    description: 'No stop policies: the stream runs to its natural end (per-call policies still apply).',
    settings: emptySettings,
  }),
];

/** Names of the shipped presets, which `defineProfile` refuses to redefine. */
export const presetNames: readonly string[] = presetProfiles.map((profile) => profile.name);
