import { ConfigError, ProviderError } from '../errors.js';
import type { Message } from '../messages.js';
import type { LanguageModelProvider, ProviderRequest } from '../provider.js';
import type { FinishReason, ProviderStreamPart, Usage } from '../stream-part.js';
import type { SseErrorDetails, SseHttpError } from './http-error.js';
import {
  checkConnection,
  checkNumberOption,
  checkProviderOptions,
  checkStringsOption,
  compact,
  numberOrUndefined,
  type SseConnectionSettings,
} from './shared.js';
import { createSseProvider, finishPart, type SseEvent, type SseStreamState } from './sse-provider.js';

/** Settings of {@link gemini}. */
export interface GeminiSettings extends SseConnectionSettings {
  /** Default `https://generativelanguage.googleapis.com`; requests go to `{baseURL}/v1beta/models/...`. */
  baseURL?: string | undefined;
}

/** Gemini-specific call options (`providerOptions` of a call). */
export interface GeminiProviderOptions {
  /** Stream the model's thought summaries as reasoning (`thinkingConfig.includeThoughts`). */
  includeThoughts?: boolean | undefined;
  /** Thinking token budget (`thinkingConfig.thinkingBudget`; 0 turns thinking off on 2.5 Flash). */
  thinkingBudget?: number | undefined;
  /** Thinking level for models that take one instead of a budget, e.g. `low` or `high`. */
  thinkingLevel?: string | undefined;
  /** Up to 5 sequences at which the API itself stops. */
  stopSequences?: readonly string[] | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  /** Passed through as `safetySettings`. */
  safetySettings?: ReadonlyArray<{ category: string; threshold: string }> | undefined;
}

const defaultBaseURL = 'https://generativelanguage.googleapis.com';

const contentFilterReasons = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

/**
 * Gemini's `finishReason` in stopwise's words: `STOP` → stop, `MAX_TOKENS` → length, the safety
 * and recitation blocks → content-filter, anything else (`OTHER`, `MALFORMED_FUNCTION_CALL`, ...)
 * → other.
 */
export function mapGeminiFinishReason(raw: string): FinishReason['unified'] {
  if (raw === 'STOP') return 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  return contentFilterReasons.has(raw) ? 'content-filter' : 'other';
}

/**
 * Gemini's `usageMetadata` as stopwise usage. `candidatesTokenCount` leaves out the thinking
 * tokens (the recordings add up: prompt 9 + candidates 23 + thoughts 185 = total 217), and
 * thinking is billed as output, so `outputTokens` = candidates + thoughts and `reasoningTokens` =
 * thoughts, matching stopwise's rule that reasoning is included in output.
 */
export function geminiUsage(metadata: Record<string, unknown>): Usage {
  const candidates = numberOrUndefined(metadata.candidatesTokenCount);
  const thoughts = numberOrUndefined(metadata.thoughtsTokenCount);
  return {
    inputTokens: numberOrUndefined(metadata.promptTokenCount),
    outputTokens:
      candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    reasoningTokens: thoughts,
  };
}

/**
 * Google Gemini (`streamGenerateContent?alt=sse`) as a stopwise provider. Thought parts stream as
 * reasoning, other text as the answer. Gemini has no terminal event: `finish` comes with the
 * chunk that carries the `finishReason` (the last one, with the final usage), or when the stream
 * closes after a prompt block; a stream that closes without either ends the run with a
 * `StreamError`, because it cannot be told from a cut connection.
 */
export function gemini(settings: GeminiSettings): LanguageModelProvider<GeminiProviderOptions> {
  const baseURL = checkConnection('gemini', settings, defaultBaseURL);
  const provider = createSseProvider<GeminiProviderOptions>({
    name: 'gemini',
    url: (request) => `${baseURL}/v1beta/${modelPath(request.model)}:streamGenerateContent?alt=sse`,
    // The key goes in a header: a key in the query string ends up in logs and error messages.
    headers: { ...settings.headers, 'x-goog-api-key': settings.apiKey },
    body: geminiBody,
    mapEvent: mapGeminiEvent,
    onEnd: (state) => (state.finishReason ? finishPart(state) : undefined),
    mapError: mapGeminiError,
    fetch: settings.fetch,
  });
  // Checked at the call too, so an option mistake throws there instead of ending the run.
  return { ...provider, checkRequest: (request) => void checkGeminiOptions(request.providerOptions) };
}

function modelPath(model: string): string {
  // `models/x` and `tunedModels/x` are already resource names.
  return model.includes('/') ? model : `models/${encodeURIComponent(model)}`;
}

/** The `streamGenerateContent` request body for a stopwise request. */
export function geminiBody(request: ProviderRequest<GeminiProviderOptions>): Record<string, unknown> {
  const options = checkGeminiOptions(request.providerOptions);
  const system = request.messages.filter((message) => message.role === 'system');
  const thinkingConfig = compact({
    includeThoughts: options.includeThoughts,
    thinkingBudget: options.thinkingBudget,
    thinkingLevel: options.thinkingLevel,
  });
  return {
    contents: request.messages.filter((message) => message.role !== 'system').map(toContent),
    systemInstruction:
      system.length > 0 ? { parts: system.map((message) => ({ text: message.content })) } : undefined,
    generationConfig: compact({
      maxOutputTokens: request.maxOutputTokens,
      temperature: request.temperature,
      topP: options.topP,
      topK: options.topK,
      stopSequences: options.stopSequences,
      thinkingConfig,
    }),
    safetySettings: options.safetySettings,
  };
}

function toContent(message: Message): { role: 'user' | 'model'; parts: Array<{ text: string }> } {
  return { role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] };
}

const geminiOptionNames = [
  'includeThoughts',
  'thinkingBudget',
  'thinkingLevel',
  'stopSequences',
  'topP',
  'topK',
  'safetySettings',
] as const satisfies ReadonlyArray<keyof GeminiProviderOptions>;

function checkGeminiOptions(value: unknown): GeminiProviderOptions {
  const options = checkProviderOptions<GeminiProviderOptions>(value, [...geminiOptionNames]);
  const field = (name: string) => `providerOptions.${name}`;
  if (options.includeThoughts !== undefined && typeof options.includeThoughts !== 'boolean') {
    throw new ConfigError(field('includeThoughts'), 'must be true or false');
  }
  if (
    options.thinkingBudget !== undefined &&
    (!Number.isInteger(options.thinkingBudget) || options.thinkingBudget < -1)
  ) {
    throw new ConfigError(field('thinkingBudget'), 'must be an integer ≥ 0 (or -1 for dynamic thinking)');
  }
  if (options.thinkingLevel !== undefined && typeof options.thinkingLevel !== 'string') {
    throw new ConfigError(field('thinkingLevel'), "must be a string such as 'low' or 'high'");
  }
  checkStringsOption('stopSequences', options.stopSequences);
  checkNumberOption('topP', options.topP, { min: 0, max: 1 });
  checkNumberOption('topK', options.topK, { min: 1, integer: true });
  const safety = options.safetySettings as unknown;
  if (
    safety !== undefined &&
    (!Array.isArray(safety) ||
      safety.some(
        (setting: { category?: unknown; threshold?: unknown } | null) =>
          typeof setting?.category !== 'string' || typeof setting.threshold !== 'string',
      ))
  ) {
    throw new ConfigError(field('safetySettings'), 'must be an array of { category, threshold } strings');
  }
  return options;
}

interface GeminiChunk {
  candidates?: Array<{
    index?: number;
    content?: { parts?: Array<{ text?: unknown; thought?: unknown }> };
    finishReason?: unknown;
  }>;
  usageMetadata?: Record<string, unknown>;
  promptFeedback?: { blockReason?: unknown };
  responseId?: unknown;
  modelVersion?: unknown;
  error?: { code?: unknown; message?: unknown; status?: unknown };
}

/** Maps one Gemini chunk to stream parts, collecting usage and the finish reason in `state`. */
export function mapGeminiEvent(event: SseEvent, state: SseStreamState<unknown>): ProviderStreamPart[] {
  const raw = event.json();
  // Chunks (an error above all) may come wrapped in an array, as Gemini's non-SSE stream and some
  // proxies send them.
  if (!Array.isArray(raw)) return mapGeminiChunk(raw as GeminiChunk, state);
  const parts: ProviderStreamPart[] = [];
  for (const chunk of raw) {
    parts.push(...mapGeminiChunk(chunk as GeminiChunk, state));
    if (parts.at(-1)?.type === 'finish') break;
  }
  return parts;
}

function mapGeminiChunk(chunk: GeminiChunk, state: SseStreamState<unknown>): ProviderStreamPart[] {
  if (typeof chunk !== 'object' || chunk === null) return [];
  if (chunk.error) throw geminiStreamError(chunk.error);
  const parts: ProviderStreamPart[] = [];
  if (
    state.extra.metadataSent !== true &&
    (typeof chunk.responseId === 'string' || typeof chunk.modelVersion === 'string')
  ) {
    state.extra.metadataSent = true;
    parts.push({
      type: 'response-metadata',
      id: stringOr(chunk.responseId),
      model: stringOr(chunk.modelVersion),
    });
  }
  // Each chunk repeats the running totals: the last one wins.
  if (chunk.usageMetadata) state.usage = geminiUsage(chunk.usageMetadata);
  const blocked = chunk.promptFeedback?.blockReason;
  if (typeof blocked === 'string') state.finishReason = { unified: 'content-filter', raw: blocked };
  const candidate = chunk.candidates?.find((c) => (c.index ?? 0) === 0);
  for (const part of candidate?.content?.parts ?? []) {
    if (typeof part.text !== 'string' || part.text === '') continue;
    parts.push({ type: part.thought === true ? 'reasoning-delta' : 'text-delta', delta: part.text });
  }
  if (typeof candidate?.finishReason === 'string') {
    state.finishReason = {
      unified: mapGeminiFinishReason(candidate.finishReason),
      raw: candidate.finishReason,
    };
    state.extra.finishPending = true;
  }
  // Gemini's chunk with the finish reason is the last, with the final usage: finish with it, so a
  // stop decided on its text still gets the provider's usage and knows nothing was saved. One
  // without usage (proxies that translate an OpenAI-style stream send it in a chunk of its own
  // after the finish reason) waits for the chunk with it, or the close (`onEnd`), not to drop it.
  if (state.extra.finishPending === true && chunk.usageMetadata) parts.push(finishPart(state));
  return parts;
}

function geminiStreamError(error: NonNullable<GeminiChunk['error']>): ProviderError {
  const status = typeof error.code === 'number' ? error.code : undefined;
  return new ProviderError({
    provider: 'gemini',
    status,
    code: stringOr(error.status),
    message: stringOr(error.message) ?? 'error event in the stream',
  });
}

/** Reads Gemini's `RetryInfo.retryDelay` (e.g. `"37s"`) when no `retry-after` header came. */
function mapGeminiError(error: SseHttpError): SseErrorDetails | undefined {
  const root = Array.isArray(error.body) ? error.body[0] : error.body;
  const details = (root as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    if (match) return { retryAfterMs: Number(match[1]) * 1000 };
  }
  return undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
