import { ConfigError } from './errors.js';
import type { StopPolicy } from './policy.js';

/** Throws a {@link ConfigError} naming `field` unless `value` is a usable {@link StopPolicy}. */
export function assertPolicy(field: string, value: unknown): asserts value is StopPolicy {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(field, `must be a stop policy object ({ name, step(view) }), got ${typeof value}`);
  }
  const policy = value as Partial<StopPolicy>;
  if (typeof policy.name !== 'string' || policy.name.length === 0) {
    throw new ConfigError(`${field}.name`, 'must be a non-empty string naming the policy');
  }
  if (typeof policy.step !== 'function') {
    throw new ConfigError(`${field}.step`, `policy "${policy.name}" has no step(view) function`);
  }
  for (const hook of ['start', 'end', 'nextCheckAt'] as const) {
    if (policy[hook] !== undefined && typeof policy[hook] !== 'function') {
      throw new ConfigError(`${field}.${hook}`, `must be a function when given (policy "${policy.name}")`);
    }
  }
}
