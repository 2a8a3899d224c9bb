import { ConfigError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';

/** Which phase of the output a policy watches. */
export type PhaseOption = 'answer' | 'reasoning' | 'any';

const phases: readonly PhaseOption[] = ['answer', 'reasoning', 'any'];

/**
 * The names of an options interface, for refusing the others. Every name must be listed (a
 * missing one fails the type check), so the list cannot fall behind the interface.
 */
export function optionNames<T extends object>(
  names: { readonly [K in keyof Required<T>]: true },
): readonly string[] {
  return Object.freeze(Object.keys(names));
}

/**
 * The options object of a factory, or `{}`; a {@link ConfigError} naming `field` otherwise, and
 * for a name not in `allowed` (`repetition({ minRepeat: 3 })`: a typo TypeScript catches, plain
 * JavaScript would silently ignore).
 */
export function optionsObject<T extends object>(
  field: string,
  options: T | undefined,
  allowed: readonly string[],
): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(
      field,
      `must be an options object, got ${Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  rejectUnknownOptions(field, options, allowed);
  return options;
}

/** `value` when it is a phase option, `fallback` when undefined; a {@link ConfigError} otherwise. */
export function phaseOption(field: string, value: unknown, fallback: PhaseOption): PhaseOption {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !phases.includes(value as PhaseOption)) {
    throw new ConfigError(field, `must be 'answer', 'reasoning' or 'any', got ${JSON.stringify(value)}`);
  }
  return value as PhaseOption;
}

/**
 * `value` when it is an integer in `[min, max]`, `fallback` when undefined; a
 * {@link ConfigError} naming `field` otherwise.
 */
export function integerOption(
  field: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(field, `must be an integer ${range}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** True when a policy watching `phase` should look at a delta of `deltaPhase`. */
export function watches(phase: PhaseOption, deltaPhase: 'answer' | 'reasoning'): boolean {
  return phase === 'any' || phase === deltaPhase;
}
