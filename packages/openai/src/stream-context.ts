import type OpenAI from 'openai';
import type { Message, ProviderRequest } from 'stopwise';
import type { OpenAIProviderOptions } from './provider-options.js';

/** Per-request options handed to the SDK: the abort signal, and settings of a caller's client. */
export interface SdkRequestOptions {
  /** The runner's signal: aborting it makes the SDK abort `fetch`, closing the connection. */
  signal: AbortSignal;
  maxRetries?: number | undefined;
  timeout?: number | undefined;
  headers?: Record<string, string> | undefined;
}

/** Everything an endpoint's stream function needs for one request. */
export interface StreamContext {
  client: OpenAI;
  request: ProviderRequest<OpenAIProviderOptions>;
  /** The validated provider options (empty when none were given). */
  options: OpenAIProviderOptions;
  sdkOptions: SdkRequestOptions;
  /** Provider name, for errors. */
  provider: string;
  /** Which Chat Completions field carries `maxOutputTokens`. */
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
}

/** Drops undefined fields, so the body the server sees holds only what was asked for. */
export function compact<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Merges `extraBody` last (it may override mapped fields) and keeps `stream: true`. */
export function withExtraBody<T extends object>(
  body: T,
  extraBody: Readonly<Record<string, unknown>> | undefined,
): T {
  return extraBody === undefined ? body : { ...body, ...extraBody, stream: true };
}

/** Messages in the `{ role, content }` shape every OpenAI endpoint takes, without extra fields. */
export function wireMessages(
  messages: readonly Message[],
): Array<{ role: Message['role']; content: string }> {
  return messages.map(({ role, content }) => ({ role, content }));
}
