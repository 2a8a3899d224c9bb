import type Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from 'stopwise';
import { rejectUnknownOptions } from 'stopwise/adapter';

/** Settings of {@link anthropic}: one object, every field optional. */
export interface AnthropicSettings {
  /** The API key. Default: what the SDK finds (`ANTHROPIC_API_KEY`, then its credential chain). */
  apiKey?: string | undefined;
  /** Base URL of the API (a proxy or a test server); requests go to `{baseURL}/v1/messages`. */
  baseURL?: string | undefined;
  /** Extra headers sent with every request (e.g. `anthropic-beta`). */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * How often the SDK retries a request that failed before streaming began (connection errors,
   * 408/409/429/5xx), with back-off and `retry-after`. Default: the SDK's own (2). A stream
   * that broke midway is never retried: that is the caller's choice (`error.retryable`).
   */
  maxRetries?: number | undefined;
  /**
   * Milliseconds to wait for the response to start (the SDK's `timeout`; default: the SDK's
   * 10 minutes). Stalls mid-stream are the `timeout` policy's business.
   */
  timeoutMs?: number | undefined;
  /**
   * An `Anthropic` client to use instead of creating one (then `apiKey` and `baseURL` must be
   * left out; `headers`, `maxRetries` and `timeoutMs` still apply, per request).
   */
  client?: Anthropic | undefined;
  /**
   * `max_tokens` for calls without `maxOutputTokens` (default 4096). Anthropic requires a cap
   * on every request; this is the provider's cap, distinct from stopwise's policies.
   */
  defaultMaxTokens?: number | undefined;
  /** Provider name in errors and telemetry (default `anthropic`). */
  name?: string | undefined;
}

/** The settings after validation, with defaults filled in. */
export interface ResolvedSettings {
  name: string;
  defaultMaxTokens: number;
  headers: Readonly<Record<string, string>> | undefined;
  maxRetries: number | undefined;
  timeoutMs: number | undefined;
}

const knownSettings = [
  'apiKey',
  'baseURL',
  'headers',
  'maxRetries',
  'timeoutMs',
  'client',
  'defaultMaxTokens',
  'name',
];

/** The SDK's name of the cap (`max_tokens`) and its camel case, given to `anthropic()`. */
const capSynonyms: Readonly<Record<string, string>> = Object.fromEntries(
  ['maxTokens', 'max_tokens'].map((name) => [
    name,
    "`defaultMaxTokens` (sent when a call sets none), or each call's `maxOutputTokens`",
  ]),
);

/** Checks {@link AnthropicSettings}; throws a `ConfigError` naming the first bad field. */
export function resolveSettings(settings: AnthropicSettings): ResolvedSettings {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new ConfigError('settings', 'anthropic() takes one object, e.g. anthropic({ apiKey })');
  }
  rejectUnknownOptions('', settings, knownSettings, { synonyms: capSynonyms });
  const { apiKey, baseURL, headers, client } = settings;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
    throw new ConfigError('apiKey', 'must be a non-empty string (your Anthropic API key)');
  }
  if (baseURL !== undefined && (typeof baseURL !== 'string' || !URL.canParse(baseURL))) {
    throw new ConfigError('baseURL', 'must be an absolute URL such as https://api.anthropic.com');
  }
  if (headers !== undefined) checkHeaders(headers);
  if (client !== undefined) {
    if (typeof (client as { messages?: { stream?: unknown } })?.messages?.stream !== 'function') {
      throw new ConfigError('client', 'must be an Anthropic client (new Anthropic() from @anthropic-ai/sdk)');
    }
    if (apiKey !== undefined || baseURL !== undefined) {
      throw new ConfigError(
        apiKey !== undefined ? 'apiKey' : 'baseURL',
        'must be set on the Anthropic client you pass as `client`, not next to it',
      );
    }
  }
  const name = settings.name ?? 'anthropic';
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigError('name', 'must be a non-empty string such as "anthropic"');
  }
  return {
    name,
    defaultMaxTokens: checkInteger('defaultMaxTokens', settings.defaultMaxTokens, 1) ?? 4096,
    headers,
    maxRetries: checkInteger('maxRetries', settings.maxRetries, 0),
    timeoutMs: checkInteger('timeoutMs', settings.timeoutMs, 1),
  };
}

function checkHeaders(headers: unknown): void {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigError('headers', 'must be an object of header names to string values');
  }
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new ConfigError(`headers.${key}`, `must be a string, got ${typeof value}`);
    }
  }
}

function checkInteger(field: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  // The SDK takes whole numbers only (it throws on 1.5 at request time, not here).
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(field, `must be an integer of at least ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}
