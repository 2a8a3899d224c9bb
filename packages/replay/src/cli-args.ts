import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * `parseArgs` for this package's command lines. A flag it does not know (`--prot 1`) or a value
 * that reads as a flag (`--tokens-per-second -5`) ends the program with the problem and the
 * usage text on stderr and exit code 2, as any other bad argument does, instead of a stack trace.
 */
export function parseCommandLine<const T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) throw error;
    return exitWithUsage((error as Error).message, usage);
  }
}

/** Ends the program for a mistake on its command line: what to fix, then the usage, exit 2. */
export function exitWithUsage(message: string, usage: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/** A flag that must be a positive integer when given; anything else ends with {@link exitWithUsage}. */
export function positiveIntegerFlag(
  name: string,
  value: string | undefined,
  usage: string,
): number | undefined {
  if (value === undefined) return undefined;
  const number = numberFlag(value);
  if (!Number.isInteger(number) || number < 1)
    exitWithUsage(`--${name} must be a positive integer, got ${value}`, usage);
  return number;
}

/**
 * A flag's number. `Number('')` is 0, so `--port=` or `--held-out ""` (an unset shell variable)
 * would quietly mean 0 (any free port, no held-out calls); blank is NaN here, which the flag's
 * own check refuses with its message.
 */
export function numberFlag(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}
