import { ConfigError } from '../errors.js';
import type { TelemetryHooks } from './events.js';

const hookNames = [
  'onCallStart',
  'onPolicyDecision',
  'onPolicyStop',
  'onCallEnd',
  'onError',
  'onVoteEnd',
  'onEvent',
  'onHookError',
] as const;

/**
 * Throws a {@link ConfigError} for a hook that is not a function, a misspelt hook (any `onX`
 * key that is not a hook), or a `recordContent` that is not a boolean. Other keys are allowed:
 * exporters are hook objects with methods of their own (`flush`, `close`, `summary`).
 */
export function validateTelemetryHooks(field: string, hooks: TelemetryHooks): void {
  if (typeof hooks !== 'object' || hooks === null)
    throw new ConfigError(field, 'must be an object of onX hooks');
  for (const [key, value] of Object.entries(hooks)) {
    if (key === 'recordContent') {
      if (value !== undefined && typeof value !== 'boolean')
        throw new ConfigError(`${field}.recordContent`, 'must be true or false');
      continue;
    }
    if (!(hookNames as readonly string[]).includes(key)) {
      if (/^on[A-Z]/.test(key)) {
        throw new ConfigError(
          `${field}.${key}`,
          `is not a telemetry hook; use one of ${hookNames.join(', ')}`,
        );
      }
      continue;
    }
    if (value !== undefined && typeof value !== 'function') {
      throw new ConfigError(`${field}.${key}`, `must be a function (event) => void, got ${typeof value}`);
    }
  }
}

/** Validates `telemetry` when it may be one hook set or a list of them. */
export function validateTelemetryOption(
  field: string,
  telemetry: TelemetryHooks | readonly TelemetryHooks[],
): void {
  if (Array.isArray(telemetry)) {
    telemetry.forEach((hooks, index) => {
      validateTelemetryHooks(`${field}[${index}]`, hooks);
    });
  } else {
    validateTelemetryHooks(field, telemetry as TelemetryHooks);
  }
}
