import { ConfigError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';

/** Settings every ready-made SSE provider takes. */
export interface SseConnectionSettings {
  /** The API key. Sent in a header, never in the URL. */
  apiKey: string;
  /** Base URL of the API (a proxy, a regional endpoint, or a test server). */
  baseURL?: string | undefined;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The fetch to use (default: the global `fetch`). */
  fetch?: typeof fetch | undefined;
}

const connectionSettingNames = ['apiKey', 'baseURL', 'headers', 'fetch'] as const satisfies ReadonlyArray<
  keyof SseConnectionSettings
>;

/**
 * Checks the connection settings of a ready-made provider and returns the base URL without its
 * trailing slash.
 */
export function checkConnection(
  provider: string,
  settings: SseConnectionSettings,
  defaultBaseURL: string,
): string {
  if (typeof settings !== 'object' || settings === null) {
    throw new ConfigError('settings', `${provider}() takes one object, e.g. ${provider}({ apiKey })`);
  }
  // A misspelt `baseUrl` would send the request, and the key, to the default host.
  rejectUnknownOptions('', settings, connectionSettingNames);
  if (typeof settings.apiKey !== 'string' || settings.apiKey.trim() === '') {
    throw new ConfigError('apiKey', `must be a non-empty string (your ${provider} API key)`);
  }
  const baseURL = settings.baseURL ?? defaultBaseURL;
  if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) {
    throw new ConfigError('baseURL', `must be an absolute URL such as ${defaultBaseURL}`);
  }
  if (settings.headers !== undefined && (typeof settings.headers !== 'object' || settings.headers === null)) {
    throw new ConfigError('headers', 'must be an object of header strings');
  }
  if (settings.fetch !== undefined && typeof settings.fetch !== 'function') {
    throw new ConfigError('fetch', 'must be a fetch function when given');
  }
  return baseURL.replace(/\/+$/, '');
}

/** A copy of `record` without its undefined values, or undefined when nothing is left. */
export function compact<T extends Record<string, unknown>>(record: T): Partial<T> | undefined {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Partial<T>);
}

/** `value` when it is a number, else undefined. */
export function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Checks a call's `providerOptions` for a ready-made provider: an object with only `allowed`
 * names (a misspelt option would be silently left out of the request). Returns it typed.
 */
export function checkProviderOptions<T extends object>(
  options: unknown,
  allowed: readonly (keyof T & string)[],
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('providerOptions', `must be an object with any of: ${allowed.join(', ')}`);
  }
  rejectUnknownOptions('providerOptions', options, allowed);
  return options as T;
}

/** Throws unless `value` is undefined or a finite number in `[min, max]` (an integer when asked). */
export function checkNumberOption(
  field: string,
  value: unknown,
  range: { min: number; max?: number; integer?: boolean },
): void {
  if (value === undefined) return;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= max &&
    (!range.integer || Number.isInteger(value));
  if (ok) return;
  const kind = range.integer ? 'an integer' : 'a number';
  const bounds = max === Number.POSITIVE_INFINITY ? `≥ ${range.min}` : `from ${range.min} to ${max}`;
  throw new ConfigError(
    `providerOptions.${field}`,
    `must be ${kind} ${bounds}, got ${JSON.stringify(value)}`,
  );
}

/** Throws unless `value` is undefined or an array of strings. */
export function checkStringsOption(field: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new ConfigError(`providerOptions.${field}`, 'must be an array of strings');
  }
}
