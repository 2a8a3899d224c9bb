import { ConfigError, ProviderError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import type { LanguageModelProvider, ProviderRequest } from '../provider.js';
import type { FinishReason, ProviderStreamPart, Usage } from '../stream-part.js';
import {
  checkConnection,
  checkNumberOption,
  checkProviderOptions,
  checkStringsOption,
  numberOrUndefined,
  type SseConnectionSettings,
} from './shared.js';
import { createSseProvider, finishPart, type SseEvent, type SseStreamState } from './sse-provider.js';

/** Settings of {@link cohere}. */
export interface CohereSettings extends SseConnectionSettings {
  /** Default `https://api.cohere.com`; requests go to `{baseURL}/v2/chat`. */
  baseURL?: string | undefined;
}

/** Cohere-specific call options (`providerOptions` of a call). */
export interface CohereProviderOptions {
  /** Reasoning models: `{ type: 'enabled', tokenBudget }` streams thinking as reasoning. */
  thinking?: { type: 'enabled' | 'disabled'; tokenBudget?: number | undefined } | undefined;
  /** Up to 5 sequences at which the API itself stops (`stop_sequences`). */
  stopSequences?: readonly string[] | undefined;
  /** Nucleus sampling (`p`). */
  p?: number | undefined;
  /** Top-k sampling (`k`). */
  k?: number | undefined;
  seed?: number | undefined;
}

const defaultBaseURL = 'https://api.cohere.com';

/**
 * Cohere's `finish_reason` in stopwise's words: `COMPLETE`/`STOP_SEQUENCE` → stop,
 * `MAX_TOKENS`/`ERROR_LIMIT` (context full) → length, `ERROR_TOXIC` → content-filter,
 * `ERROR` → error (which {@link mapCohereEvent} reports as a `ProviderError` instead), `TOOL_CALL`
 * → tool-calls, anything else → other.
 */
export function mapCohereFinishReason(raw: string): FinishReason['unified'] {
  switch (raw) {
    case 'COMPLETE':
    case 'STOP_SEQUENCE':
      return 'stop';
    case 'MAX_TOKENS':
    case 'ERROR_LIMIT':
      return 'length';
    case 'ERROR_TOXIC':
      return 'content-filter';
    case 'ERROR':
      return 'error';
    case 'TOOL_CALL':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/**
 * Cohere's `usage` as stopwise usage, from `billed_units` (falling back to `tokens`). The two
 * differ: in the recording `billed_units` says 12 in / 7 out and `tokens` 507 in / 10 out.
 * `billed_units` is what Cohere charges, and its output count matches the text received (7
 * deltas, 7 tokens); `tokens` adds Cohere's own preamble and control tokens that are not billed.
 * Savings are priced per billed token, so billed units are the honest figure.
 */
export function cohereUsage(usage: unknown): Usage {
  const record = (typeof usage === 'object' && usage !== null ? usage : {}) as Record<string, unknown>;
  const billed = record.billed_units as Record<string, unknown> | undefined;
  const tokens = record.tokens as Record<string, unknown> | undefined;
  return {
    inputTokens: numberOrUndefined(billed?.input_tokens) ?? numberOrUndefined(tokens?.input_tokens),
    outputTokens: numberOrUndefined(billed?.output_tokens) ?? numberOrUndefined(tokens?.output_tokens),
  };
}

/**
 * Cohere's v2 chat API (`POST /v2/chat`, `stream: true`) as a stopwise provider: text deltas as
 * the answer, thinking deltas as reasoning, `message-end` as `finish` (a `ProviderError` when its
 * finish reason is `ERROR`).
 */
export function cohere(settings: CohereSettings): LanguageModelProvider<CohereProviderOptions> {
  const baseURL = checkConnection('cohere', settings, defaultBaseURL);
  const provider = createSseProvider<CohereProviderOptions>({
    name: 'cohere',
    url: `${baseURL}/v2/chat`,
    headers: { ...settings.headers, authorization: `Bearer ${settings.apiKey}` },
    body: cohereBody,
    mapEvent: mapCohereEvent,
    fetch: settings.fetch,
  });
  // Checked at the call too, so an option mistake throws there instead of ending the run.
  return { ...provider, checkRequest: (request) => void checkCohereOptions(request.providerOptions) };
}

/** The `/v2/chat` request body for a stopwise request. */
export function cohereBody(request: ProviderRequest<CohereProviderOptions>): Record<string, unknown> {
  const options = checkCohereOptions(request.providerOptions);
  const { thinking } = options;
  return {
    model: request.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    stream: true,
    max_tokens: request.maxOutputTokens,
    temperature: request.temperature,
    p: options.p,
    k: options.k,
    seed: options.seed,
    stop_sequences: options.stopSequences,
    thinking: thinking && { type: thinking.type, token_budget: thinking.tokenBudget },
  };
}

const cohereOptionNames = ['thinking', 'stopSequences', 'p', 'k', 'seed'] as const satisfies ReadonlyArray<
  keyof CohereProviderOptions
>;

function checkCohereOptions(value: unknown): CohereProviderOptions {
  const options = checkProviderOptions<CohereProviderOptions>(value, [...cohereOptionNames]);
  checkStringsOption('stopSequences', options.stopSequences);
  checkNumberOption('p', options.p, { min: 0, max: 1 });
  checkNumberOption('k', options.k, { min: 0, integer: true });
  checkNumberOption('seed', options.seed, { min: 0, integer: true });
  const thinking = options.thinking as unknown;
  if (thinking === undefined) return options;
  if (typeof thinking !== 'object' || thinking === null) {
    throw new ConfigError(
      'providerOptions.thinking',
      "must be { type: 'enabled' | 'disabled', tokenBudget? }",
    );
  }
  rejectUnknownOptions('providerOptions.thinking', thinking, ['type', 'tokenBudget']);
  const { type, tokenBudget } = thinking as { type?: unknown; tokenBudget?: unknown };
  if (type !== 'enabled' && type !== 'disabled') {
    throw new ConfigError('providerOptions.thinking.type', "must be 'enabled' or 'disabled'");
  }
  checkNumberOption('thinking.tokenBudget', tokenBudget, { min: 1, integer: true });
  return options;
}

interface CohereChunk {
  type?: unknown;
  id?: unknown;
  delta?: {
    message?: { content?: { text?: unknown; thinking?: unknown } };
    finish_reason?: unknown;
    error?: unknown;
    usage?: unknown;
  };
}

/** Maps one Cohere event to stream parts; `message-end` becomes `finish`, or throws for `ERROR`. */
export function mapCohereEvent(
  event: SseEvent,
  state: SseStreamState<unknown>,
): ProviderStreamPart | undefined {
  const chunk = event.json() as CohereChunk;
  if (typeof chunk !== 'object' || chunk === null) return undefined;
  switch (chunk.type ?? event.event) {
    case 'message-start':
      return { type: 'response-metadata', id: typeof chunk.id === 'string' ? chunk.id : undefined };
    case 'content-delta': {
      const content = chunk.delta?.message?.content;
      if (typeof content?.thinking === 'string') return { type: 'reasoning-delta', delta: content.thinking };
      if (typeof content?.text === 'string') return { type: 'text-delta', delta: content.text };
      return undefined;
    }
    case 'message-end': {
      const raw = chunk.delta?.finish_reason;
      // `ERROR` means the generation failed midway (Cohere puts why in `delta.error`): an API
      // error, as the other adapters report one inside a stream, not a finish that passes for a
      // complete answer. Without a status it is retryable, like their in-stream errors.
      if (raw === 'ERROR') {
        throw new ProviderError({
          provider: 'cohere',
          message: typeof chunk.delta?.error === 'string' ? chunk.delta.error : 'the generation failed',
        });
      }
      if (typeof raw === 'string') state.finishReason = { unified: mapCohereFinishReason(raw), raw };
      state.usage = cohereUsage(chunk.delta?.usage);
      return finishPart(state);
    }
    default:
      return undefined;
  }
}
