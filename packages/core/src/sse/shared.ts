import { ConfigError } from '../errors.js';

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
