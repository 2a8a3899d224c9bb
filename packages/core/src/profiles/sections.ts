import { adaptiveLengthConfig } from '../adaptive/adaptive-length.js';
import { resolveKeywordRules } from '../adaptive/keyword-context.js';
import { adaptiveLengthKeys } from '../adaptive/validate-adaptive.js';
import { ConfigError } from '../errors.js';
import { nearestName } from '../option-names.js';
import { answerCompleteConfig, answerCompleteOptionNames } from '../policies/answer-complete.js';
import { answerConvergenceConfig, answerConvergenceOptionNames } from '../policies/answer-convergence.js';
import { repetitionConfig, repetitionOptionNames } from '../policies/repetition.js';
import { stopOnConfig } from '../policies/stop-on.js';
import { timeoutConfig, timeoutOptionNames } from '../policies/timeout.js';
import type { CallContext } from '../policy.js';
import { type BuiltPolicy, planFor } from './chain-plan.js';
import { isPlainObject, type ProfileSection, type ProfileSettings, settingKeys } from './settings.js';

export type { BuiltPolicy } from './chain-plan.js';
export { describeOptions } from './describe-options.js';

/** Option names of each section, for unknown-key errors. */
const sectionOptions: Record<ProfileSection, readonly string[]> = {
  keywords: ['defaults', 'rules', 'scope'],
  answerComplete: answerCompleteOptionNames,
  answerConvergence: answerConvergenceOptionNames,
  repetition: repetitionOptionNames,
  adaptiveLength: adaptiveLengthKeys,
  timeout: timeoutOptionNames,
};

/** Validates one section's options as its policy factory does. */
const factories: Record<Exclude<ProfileSection, 'keywords'>, (options: never) => unknown> = {
  answerComplete: answerCompleteConfig,
  answerConvergence: answerConvergenceConfig,
  repetition: repetitionConfig,
  adaptiveLength: adaptiveLengthConfig,
  timeout: timeoutConfig,
};

/** Options as their factory validates them: `answerComplete.markers: []` (only what the prompt asks for) is allowed. */
function validatable(section: ProfileSection, value: Record<string, unknown>): Record<string, unknown> {
  if (section !== 'answerComplete' || !Array.isArray(value.markers) || value.markers.length > 0) return value;
  const { markers: _none, ...rest } = value;
  return rest;
}

/** Re-anchors a factory's ConfigError (`repetition.minRepeats`) under `prefix`. */
function anchored<T>(prefix: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${prefix}.${error.field}`, error.message.replace(/^Invalid `[^`]*`: /, ''));
  }
}

/**
 * Checks complete settings: every key known, each section `false` or an options object with
 * known fields and valid values (checked as its policy factory checks them). A {@link ConfigError}
 * names the field under `prefix` (e.g. `profiles.medical.repetition.minRepeats`).
 */
export function validateSettings(prefix: string, settings: ProfileSettings): void {
  for (const key of Object.keys(settings)) {
    if (!(settingKeys as readonly string[]).includes(key)) {
      const near = nearestName(key, settingKeys);
      throw new ConfigError(
        `${prefix}.${key}`,
        `is not a profile setting${near ? ` (did you mean \`${near}\`?)` : ''}; use ${settingKeys.join(', ')}`,
      );
    }
  }
  for (const [section, known] of Object.entries(sectionOptions) as Array<
    [ProfileSection, readonly string[]]
  >) {
    const value = settings[section];
    if (value === false) continue;
    if (!isPlainObject(value)) {
      throw new ConfigError(
        `${prefix}.${section}`,
        `must be false, true or an options object, got ${JSON.stringify(value)}`,
      );
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw new ConfigError(
          `${prefix}.${section}.${key}`,
          `is not an option of ${section}; use ${known.join(', ')}`,
        );
      }
    }
    if (section === 'keywords') anchored(prefix, () => resolveKeywordRules('keywords', value));
    else anchored(prefix, () => factories[section](validatable(section, value) as never));
  }
  const patterns = settings.stopOn;
  if (!Array.isArray(patterns))
    throw new ConfigError(`${prefix}.stopOn`, 'must be an array of strings and RegExps, or false');
  if (patterns.length > 0) anchored(prefix, () => stopOnConfig(patterns));
  const cap = settings.cutAtTokens;
  if (cap !== false && !(typeof cap === 'number' && Number.isInteger(cap) && cap >= 1)) {
    throw new ConfigError(
      `${prefix}.cutAtTokens`,
      `must be a positive integer or false, got ${JSON.stringify(cap)}`,
    );
  }
}

/**
 * Builds fresh policies for one call from settings, in chain order (see {@link ChainPlan.build}),
 * from the settings' plan: validated and compiled once per settings object that can no longer
 * change.
 */
export function buildPolicies(settings: ProfileSettings, call: CallContext): BuiltPolicy[] {
  return planFor(settings).build(call);
}
