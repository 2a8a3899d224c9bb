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
 * The names a hook object answers to: its own keys and its class's methods. A class exporter's
 * hooks live on its prototype, where `Object.entries` does not look, so a misspelt
 * `onCalEnd() {}` there was never reported and never called.
 */
function hookObjectKeys(hooks: object): string[] {
  const keys = new Set(Object.keys(hooks));
  for (
    let prototype: object | null = Object.getPrototypeOf(hooks);
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const key of Object.getOwnPropertyNames(prototype)) if (key !== 'constructor') keys.add(key);
  }
  return [...keys];
}

/**
 * Throws a {@link ConfigError} for a hook that is not a function, a misspelt hook (any `onX`
 * key that is not a hook, its class's methods included), or a `recordContent` that is not a
 * boolean. Other keys are allowed: exporters are hook objects with methods of their own
 * (`flush`, `close`, `summary`).
 */
export function validateTelemetryHooks(field: string, hooks: TelemetryHooks): void {
  if (typeof hooks !== 'object' || hooks === null)
    throw new ConfigError(field, 'must be an object of onX hooks');
  // Values are read only for the names checked: an exporter's getters (`summary`) are not run.
  const hookValue = (key: string): unknown => (hooks as Record<string, unknown>)[key];
  for (const key of hookObjectKeys(hooks)) {
    if (key === 'recordContent') {
      const value = hookValue(key);
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
    const value = hookValue(key);
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
