import type { CallOptions } from './call-options.js';
import { ConfigError } from './errors.js';
import { messageRoles } from './messages.js';
import { rejectUnknownOptions } from './option-names.js';
import { stopOn } from './policies/stop-on.js';
import { requireProfile } from './profiles/registry.js';
import { callPolicyNames, validateCallPolicy } from './resolve-chain.js';
import { validateTelemetryHooks } from './telemetry/validate-hooks.js';
import { assertPolicy } from './validate-policy.js';

/** Throws a {@link ConfigError} naming `field` unless `value` is an integer ≥ `min`. */
export function assertInteger(field: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    // String() for numbers: JSON.stringify writes NaN and Infinity as null.
    const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
    throw new ConfigError(field, `must be an integer of at least ${min}, got ${shown}`);
  }
}

/**
 * Checks a call's options before anything is sent. Each problem is a {@link ConfigError} whose
 * message names the field and says what is allowed. Policy factories (`stopOn`) validate their
 * own arguments with the same kind of error.
 */
/** Every option of a call (`CallOptions`). */
export const callOptionNames: readonly string[] = [
  'model',
  'messages',
  'maxOutputTokens',
  'temperature',
  'user',
  'policy',
  'signal',
  'logprobs',
  'providerOptions',
  'metadata',
  'telemetry',
];

// A policy option given to the call itself (`stopOn`, `profile`) is pointed to `policy`. Made
// once: every call is validated.
const misplacedPolicyOptions = callPolicyNames.map((name) => `policy.${name}`);

/** Other SDKs' names of the call's cap on output tokens (sent to the provider). */
const providerCapNames: Readonly<Record<string, string>> = Object.fromEntries(
  ['maxTokens', 'max_tokens', 'maxCompletionTokens', 'max_completion_tokens', 'max_output_tokens'].map(
    (name) => [
      name,
      '`maxOutputTokens` (sent to the provider), or `policy.cutAtTokens` (a cut stopwise makes)',
    ],
  ),
);

/**
 * Checks a call's options before anything runs: throws a `ConfigError` naming the first unknown
 * or invalid one (`stream` throws it, `generate` rejects with it).
 */
export function validateCallOptions(options: CallOptions<unknown>): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', 'must be an object with at least `model` and `messages`');
  }
  rejectUnknownOptions('', options, callOptionNames, {
    elsewhere: misplacedPolicyOptions,
    synonyms: providerCapNames,
  });
  if (typeof options.model !== 'string' || options.model.trim() === '') {
    throw new ConfigError('model', 'must be a non-empty string such as "gpt-4o-mini"');
  }
  if (!Array.isArray(options.messages) || options.messages.length === 0) {
    throw new ConfigError('messages', 'must be a non-empty array of { role, content } messages');
  }
  options.messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    if (typeof message !== 'object' || message === null)
      throw new ConfigError(field, 'must be an object { role, content }');
    if (!messageRoles.includes(message.role)) {
      throw new ConfigError(
        `${field}.role`,
        `must be one of ${messageRoles.join(', ')}, got ${JSON.stringify(message.role)}`,
      );
    }
    if (typeof message.content !== 'string') {
      throw new ConfigError(`${field}.content`, `must be a string, got ${typeof message.content}`);
    }
  });
  assertInteger('maxOutputTokens', options.maxOutputTokens, 1);
  if (
    options.temperature !== undefined &&
    !(
      typeof options.temperature === 'number' &&
      Number.isFinite(options.temperature) &&
      options.temperature >= 0
    )
  ) {
    throw new ConfigError(
      'temperature',
      `must be a finite number ≥ 0, got ${JSON.stringify(options.temperature)}`,
    );
  }
  if (options.user !== undefined && typeof options.user !== 'string') {
    throw new ConfigError('user', `must be a string id, got ${typeof options.user}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ConfigError('signal', 'must be an AbortSignal');
  }
  const policy = options.policy;
  if (policy !== undefined) {
    if (typeof policy !== 'object' || policy === null) throw new ConfigError('policy', 'must be an object');
    assertInteger('policy.cutAtTokens', policy.cutAtTokens, 1);
    assertInteger('policy.maxOutputTokens', policy.maxOutputTokens, 1);
    if (policy.stopOn !== undefined) {
      try {
        stopOn(policy.stopOn);
      } catch (error) {
        // Re-anchor the factory's field (`stopOn[0]`) under the call option that holds it.
        throw ConfigError.isInstance(error)
          ? new ConfigError(`policy.${error.field}`, error.message.replace(/^Invalid `[^`]*`: /, ''))
          : error;
      }
    }
    if (policy.policies !== undefined) {
      if (!Array.isArray(policy.policies))
        throw new ConfigError('policy.policies', 'must be an array of stop policies');
      policy.policies.forEach((p, index) => {
        assertPolicy(`policy.policies[${index}]`, p);
      });
    }
    if (policy.profile !== undefined) {
      if (typeof policy.profile !== 'string')
        throw new ConfigError('policy.profile', 'must be a profile name');
      requireProfile('policy.profile', policy.profile);
    }
    validateCallPolicy(policy);
  }
  if (options.telemetry !== undefined) validateTelemetryHooks('telemetry', options.telemetry);
}
