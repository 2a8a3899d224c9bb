import { ConfigError } from 'stopwise';
import type { OpenAIApi } from './settings.js';

/**
 * Provider-specific request options, passed as `providerOptions` of a call. Each is sent only
 * when set, under the API's own field name. Not every endpoint takes every option: one that the
 * chosen `api` does not support is a `ConfigError` rather than silently dropped.
 */
export interface OpenAIProviderOptions {
  /** Nucleus sampling, 0 to 1 (`top_p`). All APIs. */
  topP?: number | undefined;
  /** Best-effort deterministic sampling (`seed`). Chat and completions. */
  seed?: number | undefined;
  /** -2 to 2: penalises tokens already present, favouring new topics (`presence_penalty`). Chat and completions. */
  presencePenalty?: number | undefined;
  /** -2 to 2: penalises tokens by how often they appeared, against repetition (`frequency_penalty`). Chat and completions. */
  frequencyPenalty?: number | undefined;
  /**
   * The server's own stop sequences (`stop`, at most 4 on OpenAI). Chat and completions. Unlike
   * stopwise's `policy.stopOn`, the server drops the matched text and nothing is reported as a stop.
   */
  stop?: string | readonly string[] | undefined;
  /** Token id to bias (-100 to 100) (`logit_bias`). Chat and completions. */
  logitBias?: Readonly<Record<string, number>> | undefined;
  /**
   * How many alternatives to return per token with `logprobs: true` on the call: 0 to 20 for chat
   * and responses (`top_logprobs`), 0 to 5 for completions (its `logprobs` count).
   */
  topLogprobs?: number | undefined;
  /** Reasoning effort of reasoning models (`reasoning_effort`; `reasoning.effort` in responses). Chat and responses. */
  reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | undefined;
  /** Ask for a reasoning summary, streamed as reasoning deltas (`reasoning.summary`). Responses only. */
  reasoningSummary?: 'auto' | 'concise' | 'detailed' | undefined;
  /** Processing tier: `auto`, `default`, `flex`, `scale` or `priority` (`service_tier`). Chat and responses. */
  serviceTier?: 'auto' | 'default' | 'flex' | 'scale' | 'priority' | undefined;
  /** Store the output for evals and distillation (`store`). Chat and responses. */
  store?: boolean | undefined;
  /** Up to 16 string key-value pairs stored with the request (`metadata`). Chat and responses. */
  metadata?: Readonly<Record<string, string>> | undefined;
  /** A stable, hashed id of your end user for abuse detection (`safety_identifier`). Chat and responses. */
  safetyIdentifier?: string | undefined;
  /** A key grouping requests that share a prompt prefix, for cache hits (`prompt_cache_key`). Chat and responses. */
  promptCacheKey?: string | undefined;
  /** Answer length of GPT-5-class models: `low`, `medium`, `high` (`verbosity`; `text.verbosity` in responses). Chat and responses. */
  verbosity?: 'low' | 'medium' | 'high' | undefined;
  /**
   * Escape hatch: fields merged into the request body last, as given (snake_case), e.g. vLLM's
   * `{ top_k: 20, repetition_penalty: 1.1 }` or `{ chat_template_kwargs: { enable_thinking: false } }`.
   * They override the mapped fields, except `stream`, which stays `true`. Setting
   * `stream_options: undefined` removes the usage request for servers that reject it.
   */
  extraBody?: Readonly<Record<string, unknown>> | undefined;
}

type OptionName = keyof OpenAIProviderOptions;
type Check = (field: string, value: unknown, api: OpenAIApi) => void;

const all: readonly OpenAIApi[] = ['chat', 'responses', 'completions'];
const chatAndCompletions: readonly OpenAIApi[] = ['chat', 'completions'];
const chatAndResponses: readonly OpenAIApi[] = ['chat', 'responses'];

// Per option: which endpoints take it, and what a valid value is.
const rules: Record<OptionName, { apis: readonly OpenAIApi[]; check: Check }> = {
  topP: { apis: all, check: (field, value) => assertNumber(field, value, 0, 1) },
  seed: {
    apis: chatAndCompletions,
    check: (field, value) => assertInteger(field, value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  },
  presencePenalty: { apis: chatAndCompletions, check: (field, value) => assertNumber(field, value, -2, 2) },
  frequencyPenalty: { apis: chatAndCompletions, check: (field, value) => assertNumber(field, value, -2, 2) },
  stop: { apis: chatAndCompletions, check: assertStop },
  logitBias: {
    apis: chatAndCompletions,
    check: (field, value) =>
      assertRecord(
        field,
        value,
        (item) => typeof item === 'number' && item >= -100 && item <= 100,
        'a number from -100 to 100',
      ),
  },
  topLogprobs: {
    apis: all,
    check: (field, value, api) => assertInteger(field, value, 0, api === 'completions' ? 5 : 20),
  },
  reasoningEffort: {
    apis: chatAndResponses,
    check: (field, value) => assertOneOf(field, value, ['none', 'minimal', 'low', 'medium', 'high', 'xhigh']),
  },
  reasoningSummary: {
    apis: ['responses'],
    check: (field, value) => assertOneOf(field, value, ['auto', 'concise', 'detailed']),
  },
  serviceTier: {
    apis: chatAndResponses,
    check: (field, value) => assertOneOf(field, value, ['auto', 'default', 'flex', 'scale', 'priority']),
  },
  store: { apis: chatAndResponses, check: (field, value) => assertType(field, value, 'boolean') },
  metadata: {
    apis: chatAndResponses,
    check: (field, value) => assertRecord(field, value, (item) => typeof item === 'string', 'a string'),
  },
  safetyIdentifier: { apis: chatAndResponses, check: (field, value) => assertType(field, value, 'string') },
  promptCacheKey: { apis: chatAndResponses, check: (field, value) => assertType(field, value, 'string') },
  verbosity: {
    apis: chatAndResponses,
    check: (field, value) => assertOneOf(field, value, ['low', 'medium', 'high']),
  },
  extraBody: { apis: all, check: (field, value) => assertRecord(field, value, () => true, 'anything') },
};

/**
 * Checks `providerOptions` of one call for `api`: unknown names (typos), wrong types and ranges,
 * and options the endpoint does not take. Returns the options (an empty object when unset).
 */
export function validateProviderOptions(
  options: unknown,
  api: OpenAIApi,
  logprobs: boolean,
): OpenAIProviderOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('providerOptions', 'must be an object of OpenAI request options');
  }
  const record = options as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const field = `providerOptions.${name}`;
    const rule = Object.hasOwn(rules, name) ? rules[name as OptionName] : undefined;
    if (rule === undefined) {
      throw new ConfigError(
        field,
        `is not an OpenAI provider option; allowed: ${Object.keys(rules).join(', ')} (extraBody takes anything else)`,
      );
    }
    if (!rule.apis.includes(api)) {
      throw new ConfigError(field, `is not supported by the ${api} API (only ${rule.apis.join(', ')})`);
    }
    rule.check(field, value, api);
  }
  if (record.topLogprobs !== undefined && !logprobs) {
    throw new ConfigError('providerOptions.topLogprobs', 'needs `logprobs: true` on the call');
  }
  return record as OpenAIProviderOptions;
}

function assertStop(field: string, value: unknown): void {
  if (typeof value === 'string') return;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return;
  throw new ConfigError(field, 'must be a string or an array of strings');
}

function assertType(field: string, value: unknown, type: 'boolean' | 'string'): void {
  if (typeof value !== type) throw new ConfigError(field, `must be a ${type}, got ${typeof value}`);
}

function assertNumber(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(field, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function assertInteger(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function assertOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ConfigError(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
}

function assertRecord(field: string, value: unknown, check: (item: unknown) => boolean, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, 'must be a plain object');
  }
  for (const [key, item] of Object.entries(value)) {
    if (!check(item))
      throw new ConfigError(`${field}.${key}`, `must be ${what}, got ${JSON.stringify(item)}`);
  }
}
