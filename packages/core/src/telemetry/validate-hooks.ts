import { ConfigError } from '../errors.js';
import type { TelemetryHooks } from './events.js';

const hookNames = ['onCallStart', 'onPolicyDecision', 'onPolicyStop', 'onCallEnd', 'onError', 'onEvent', 'onHookError'] as const;

/** Throws a {@link ConfigError} for a hook that is not a function or an unknown hook name. */
export function validateTelemetryHooks(field: string, hooks: TelemetryHooks): void {
  if (typeof hooks !== 'object' || hooks === null) throw new ConfigError(field, 'must be an object of onX hooks');
  for (const [key, value] of Object.entries(hooks)) {
    if (key === 'recordContent') {
      if (typeof value !== 'boolean') throw new ConfigError(`${field}.recordContent`, 'must be true or false');
      continue;
    }
    if (!(hookNames as readonly string[]).includes(key)) {
      throw new ConfigError(`${field}.${key}`, `is not a telemetry hook; use one of ${hookNames.join(', ')}`);
    }
    if (value !== undefined && typeof value !== 'function') {
      throw new ConfigError(`${field}.${key}`, `must be a function (event) => void, got ${typeof value}`);
    }
  }
}
