import type OpenAI from 'openai';
import {
  type Message,
  type ProviderRequest,
  type ProviderStreamPart,
  StreamError,
  type Usage,
} from 'stopwise';
import type { ReasoningTags } from 'stopwise/adapter';
import { mapOpenAIFinishReason } from './finish-reason.js';
import type { OpenAIProviderOptions } from './provider-options.js';
import { unknownUsage } from './usage.js';

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
  /** Credentials in use (the API key), scrubbed from every error message. */
  secrets: readonly string[];
  /** Which Chat Completions field carries `maxOutputTokens`. */
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  /** Inline reasoning tags to split off the answer text (Chat Completions); none when off. */
  reasoningTags: ReasoningTags | undefined;
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

/**
 * The `finish` part that ends a Chat Completions or Completions stream. A body that ended
 * because the request was aborted is no finish, and a stream that closed with neither a
 * `finish_reason` nor usage was cut off: both throw instead.
 */
export function finishOf(
  context: StreamContext,
  finishReason: string | null | undefined,
  usage: Usage,
): ProviderStreamPart & { type: 'finish' } {
  context.request.signal.throwIfAborted();
  if (finishReason === undefined && usage === unknownUsage) {
    throw new StreamError(
      `${context.provider} stream ended without a finish_reason (connection closed early?)`,
    );
  }
  return { type: 'finish', finishReason: mapOpenAIFinishReason(finishReason), usage };
}
