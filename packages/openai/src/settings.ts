import type OpenAI from 'openai';
import { ConfigError } from 'stopwise';
import { type ReasoningTagOptions, reasoningTagsOption, rejectUnknownOptions } from 'stopwise/adapter';

/** Which OpenAI endpoint the provider streams from. */
export type OpenAIApi = 'chat' | 'responses' | 'completions';

/** Settings of {@link openai}: one object, every field optional. */
export interface OpenAISettings {
  /**
   * The API key. Defaults to the `OPENAI_API_KEY` environment variable (read by the `openai`
   * SDK). Local servers that check no key (Ollama, vLLM) accept any string, e.g. `'ollama'`.
   */
  apiKey?: string | undefined;
  /**
   * Base URL of any OpenAI-compatible server, including the version path: e.g.
   * `http://localhost:11434/v1` (Ollama), `http://localhost:8000/v1` (vLLM),
   * `https://api.deepseek.com/v1`, `https://api.groq.com/openai/v1`. Default: OpenAI's own API
   * (or `OPENAI_BASE_URL`).
   */
  baseURL?: string | undefined;
  /** OpenAI organization id (`OpenAI-Organization` header). */
  organization?: string | undefined;
  /** OpenAI project id (`OpenAI-Project` header). */
  project?: string | undefined;
  /** Extra HTTP headers sent with every request. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * How often the SDK retries a failed request before any byte of the answer arrived (connection
   * errors, 408, 409, 429, 5xx). Default: the SDK's own (2). A stream that broke mid-way is never
   * retried: the caller decides, from `ProviderError.retryable`.
   */
  maxRetries?: number | undefined;
  /**
   * Milliseconds to wait for the response headers of each attempt (the SDK's `timeout`; it does
   * not cover the streamed body: use a timeout policy for slow streams). Default: the SDK's own
   * (10 minutes).
   */
  timeoutMs?: number | undefined;
  /**
   * An `OpenAI` client you already configured (proxy, custom fetch, Azure). Then `apiKey`,
   * `baseURL`, `organization` and `project` are not allowed; `headers`, `maxRetries` and
   * `timeoutMs` apply per request.
   */
  client?: OpenAI | undefined;
  /**
   * The endpoint: `chat` (Chat Completions, default; what compatible servers speak),
   * `responses` (OpenAI's Responses API) or `completions` (legacy text completions).
   */
  api?: OpenAIApi | undefined;
  /** Provider name in errors and telemetry (default `openai`), e.g. `deepseek` or `vllm`. */
  name?: string | undefined;
  /**
   * Which Chat Completions field carries `maxOutputTokens`. Default: `max_completion_tokens` for
   * OpenAI's own API (its reasoning models reject `max_tokens`), `max_tokens` for any other
   * `baseURL` (many compatible servers ignore `max_completion_tokens`).
   */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens' | undefined;
  /**
   * Reasoning streamed inline in the answer text (Chat Completions only): DeepSeek-R1, QwQ and
   * their distills served without a reasoning parser send `<think>...</think>` before the answer.
   * By default, text that begins with `<think>` is read as reasoning up to `</think>` (streamed as
   * `reasoning-delta`, so policies see the thinking as thinking, and `result.reasoning` holds it);
   * text that does not begin with it is left alone. Other tags: `{ open, close }`; a chat template
   * that puts the opening tag in the prompt: `{ startsInside: true }`; `false` keeps all text as
   * the answer. Reasoning the server sends apart (`reasoning_content`, `reasoning`) is read as
   * reasoning either way.
   */
  reasoningTags?: ReasoningTagOptions | false | undefined;
}

const settingNames: readonly (keyof OpenAISettings)[] = [
  'apiKey',
  'baseURL',
  'organization',
  'project',
  'headers',
  'maxRetries',
  'timeoutMs',
  'client',
  'api',
  'name',
  'maxTokensParam',
  'reasoningTags',
];

const apis: readonly OpenAIApi[] = ['chat', 'responses', 'completions'];

/** The SDK's name of the cap, given to `openai()`: here a cap is an option of each call. */
const capSynonyms: Readonly<Record<string, string>> = Object.fromEntries(
  ['maxTokens', 'max_tokens', 'maxOutputTokens'].map((name) => [name, "each call's `maxOutputTokens`"]),
);

/** Throws a {@link ConfigError} naming the first invalid setting. */
export function validateSettings(settings: OpenAISettings): void {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new ConfigError('settings', 'must be an object such as { apiKey: process.env.OPENAI_API_KEY }');
  }
  rejectUnknownOptions('', settings, settingNames, { synonyms: capSynonyms });
  for (const field of ['apiKey', 'organization', 'project', 'name'] as const) {
    const value = settings[field];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new ConfigError(
        field,
        `must be a non-empty string, got ${typeof value === 'string' ? '""' : typeof value}`,
      );
    }
  }
  validateBaseURL(settings.baseURL);
  validateHeaders(settings.headers);
  const { maxRetries, timeoutMs } = settings;
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new ConfigError('maxRetries', `must be an integer ≥ 0, got ${String(maxRetries)}`);
  }
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)
  ) {
    throw new ConfigError('timeoutMs', `must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  if (settings.api !== undefined && !apis.includes(settings.api)) {
    throw new ConfigError('api', `must be one of ${apis.join(', ')}, got ${JSON.stringify(settings.api)}`);
  }
  const param = settings.maxTokensParam;
  if (param !== undefined && param !== 'max_tokens' && param !== 'max_completion_tokens') {
    throw new ConfigError(
      'maxTokensParam',
      `must be 'max_tokens' or 'max_completion_tokens', got ${JSON.stringify(param)}`,
    );
  }
  reasoningTagsOption('reasoningTags', settings.reasoningTags);
  validateClient(settings);
}

function validateBaseURL(baseURL: unknown): void {
  if (baseURL === undefined) return;
  let url: URL | undefined;
  try {
    url = typeof baseURL === 'string' ? new URL(baseURL) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      'baseURL',
      `must be an http(s) URL such as http://localhost:8000/v1, got ${JSON.stringify(baseURL)}`,
    );
  }
}

function validateHeaders(headers: unknown): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigError('headers', 'must be an object of header names to string values');
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new ConfigError(`headers.${name}`, `must be a string, got ${typeof value}`);
    }
  }
}

function validateClient(settings: OpenAISettings): void {
  const { client } = settings;
  if (client === undefined) return;
  const looksLikeClient =
    typeof client === 'object' &&
    client !== null &&
    typeof client.chat?.completions?.create === 'function' &&
    typeof client.responses?.create === 'function';
  if (!looksLikeClient) {
    throw new ConfigError('client', 'must be an instance of OpenAI from the `openai` package');
  }
  for (const field of ['apiKey', 'baseURL', 'organization', 'project'] as const) {
    if (settings[field] !== undefined) {
      throw new ConfigError(field, 'cannot be combined with `client`: configure it on the client you pass');
    }
  }
}
