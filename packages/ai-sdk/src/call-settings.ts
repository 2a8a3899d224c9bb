import type { JSONValue } from 'ai';
import { type CallPolicyOptions, ConfigError, type TelemetryHooks } from 'stopwise';
import { rejectUnknownOptions } from 'stopwise/adapter';
import type { CallParams } from './v3-types.js';

/**
 * What stopwise takes per AI SDK call, besides what the call already says (its prompt, model,
 * `maxOutputTokens`, `temperature` and `abortSignal`).
 */
export interface StopwiseCallSettings {
  /** The end user's id: picks their preset from the middleware's `profiles`. */
  user?: string | undefined;
  /** Per-call policies and overrides: stop strings, a token cut, a profile for this call... */
  policy?: CallPolicyOptions | undefined;
  /** Free-form metadata for policies (e.g. a `bucket` key) and telemetry. */
  metadata?: Record<string, unknown> | undefined;
  /** Hooks for this call only; they run after the middleware's. */
  telemetry?: TelemetryHooks | undefined;
}

/** The key of an AI SDK call's `providerOptions` that holds {@link StopwiseCallSettings}. */
export const providerOptionsKey = 'stopwise';

const settingNames = ['user', 'policy', 'metadata', 'telemetry'];

/**
 * Per-call settings for `streamText`/`generateText`'s `providerOptions`, typed: the AI SDK types
 * provider options as JSON, and stop patterns may be regexes and policies objects (the AI SDK
 * hands provider options to the model as they are).
 *
 * @example
 * ```ts
 * await streamText({
 *   model,
 *   prompt,
 *   providerOptions: stopwiseOptions({ user: 'user-42', policy: { stopOn: [/Final answer: .+\n/] } }),
 * });
 * ```
 */
export function stopwiseOptions(settings: StopwiseCallSettings): {
  [providerOptionsKey]: { [key: string]: JSONValue | undefined };
} {
  return { [providerOptionsKey]: settings as unknown as { [key: string]: JSONValue | undefined } };
}

/**
 * Splits a call's parameters into the settings stopwise reads (from the middleware's `call`
 * option, then `providerOptions.stopwise`, which wins key by key) and the parameters the wrapped
 * model gets, without `providerOptions.stopwise`: no provider should see stopwise's regexes and
 * policy objects.
 */
export function splitCallSettings(
  params: CallParams,
  fromOption: StopwiseCallSettings | undefined,
): { settings: StopwiseCallSettings; params: CallParams } {
  const { [providerOptionsKey]: own, ...providerOptions } = params.providerOptions ?? {};
  if (own !== undefined && (typeof own !== 'object' || own === null || Array.isArray(own))) {
    throw new ConfigError(`providerOptions.${providerOptionsKey}`, 'must be an object { user, policy, ... }');
  }
  if (own !== undefined) rejectUnknownOptions(`providerOptions.${providerOptionsKey}`, own, settingNames);
  if (fromOption !== undefined) {
    if (typeof fromOption !== 'object' || fromOption === null) {
      throw new ConfigError('call', 'must return an object { user, policy, ... } or undefined');
    }
    rejectUnknownOptions('call()', fromOption, settingNames);
  }
  const settings = { ...fromOption, ...(own as StopwiseCallSettings | undefined) };
  const forwarded =
    own === undefined
      ? params
      : { ...params, providerOptions: Object.keys(providerOptions).length > 0 ? providerOptions : undefined };
  return { settings, params: forwarded };
}
