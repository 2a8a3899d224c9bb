import { ProviderError, type ProviderStreamPart, StreamError, type Usage } from 'stopwise';
import { mapAnthropicStopReason } from './stop-reason.js';

/**
 * Token counts as Anthropic reports them. `message_start` carries the input counts (and a
 * placeholder output count); `message_delta` carries the output count and, on some servers, the
 * input counts again: those are whole-message totals, so a later value replaces an earlier one.
 */
interface RawUsage {
  input: number | undefined;
  cacheCreation: number | undefined;
  cacheRead: number | undefined;
  output: number | undefined;
  thinking: number | undefined;
}

/** Turns Messages API stream events into stopwise stream parts, one event at a time. */
export interface AnthropicEventMapper {
  /** The parts one event yields (often none). Throws a `ProviderError` for an `error` event. */
  map(event: unknown): ProviderStreamPart[];
}

/**
 * Creates the stateful mapping of one stream:
 * - `message_start` → `response-metadata` (id, model, input tokens); a repeat with the same
 *   message id is ignored, and one for another message before `message_stop` is an invalid
 *   stream (a `StreamError`, after the parts already mapped), as the SDK's own stream and the
 *   AI SDK treat it: the text of two messages is never merged;
 * - `text_delta` → `text-delta`, `thinking_delta` → `reasoning-delta` (so is any text a
 *   `content_block_start` already carries);
 * - `signature_delta` (thinking's integrity signature), `input_json_delta` (tool input),
 *   `citations_delta`, `redacted_thinking` and server-tool blocks carry no readable text: ignored;
 * - `message_delta` → remembered: stop reason and usage;
 * - `message_stop` → one `finish` with the mapped stop reason and the usage.
 *
 * Input tokens are the whole prompt: `input_tokens` + `cache_creation_input_tokens` +
 * `cache_read_input_tokens` (Anthropic's `input_tokens` leaves out the cached part, OpenAI's
 * `prompt_tokens` includes it; stopwise counts the prompt the model read). Output tokens come from
 * the last `message_delta` (`message_start` only holds a placeholder); `reasoningTokens` from its
 * `output_tokens_details.thinking_tokens` when the API sends it.
 */
export function createEventMapper(options: { provider: string }): AnthropicEventMapper {
  const usage: RawUsage = {
    input: undefined,
    cacheCreation: undefined,
    cacheRead: undefined,
    output: undefined,
    thinking: undefined,
  };
  let stopReason: string | null = null;
  let finished = false;
  // The id of the message this stream carries, once its `message_start` arrived (null: no id).
  let startedId: string | null | undefined;

  const map = (event: unknown): ProviderStreamPart[] => {
    if (!isRecord(event) || finished) return [];
    switch (event.type) {
      case 'message_start': {
        const message = isRecord(event.message) ? event.message : {};
        const id = stringOrUndefined(message.id) ?? null;
        if (startedId !== undefined) {
          if (id === startedId) return [];
          throw new StreamError(
            `${options.provider} started message ${id ?? '(no id)'} before message ${startedId ?? '(no id)'} ended (no message_stop): the stream is invalid`,
          );
        }
        startedId = id;
        readInputUsage(usage, message.usage);
        return [
          {
            type: 'response-metadata',
            id: stringOrUndefined(message.id),
            model: stringOrUndefined(message.model),
            usage: { inputTokens: inputTotal(usage) },
          },
        ];
      }
      case 'content_block_start':
        return blockStartParts(event.content_block);
      case 'content_block_delta':
        return deltaParts(event.delta);
      case 'message_delta': {
        const delta = isRecord(event.delta) ? event.delta : {};
        if (typeof delta.stop_reason === 'string') stopReason = delta.stop_reason;
        readInputUsage(usage, event.usage);
        if (isRecord(event.usage)) {
          usage.output = numberOr(event.usage.output_tokens, usage.output);
          const details = event.usage.output_tokens_details;
          if (isRecord(details)) usage.thinking = numberOr(details.thinking_tokens, usage.thinking);
        }
        return [];
      }
      case 'message_stop':
        finished = true;
        return [
          {
            type: 'finish',
            finishReason: { unified: mapAnthropicStopReason(stopReason), raw: stopReason ?? undefined },
            usage: finalUsage(usage),
          },
        ];
      case 'error':
        // The stream reader throws error payloads itself (under any event name, with the request
        // id); this covers a caller that feeds the mapper directly.
        throw errorEventToProviderError(event, options.provider);
      default:
        // `ping`, `content_block_stop`, and event types newer than this adapter.
        return [];
    }
  };
  return { map };
}

function blockStartParts(block: unknown): ProviderStreamPart[] {
  if (!isRecord(block)) return [];
  if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
    return [{ type: 'text-delta', delta: block.text }];
  }
  if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking !== '') {
    return [{ type: 'reasoning-delta', delta: block.thinking }];
  }
  return [];
}

function deltaParts(delta: unknown): ProviderStreamPart[] {
  if (!isRecord(delta)) return [];
  if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') {
    return [{ type: 'text-delta', delta: delta.text }];
  }
  if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && delta.thinking !== '') {
    return [{ type: 'reasoning-delta', delta: delta.thinking }];
  }
  return [];
}

function readInputUsage(usage: RawUsage, raw: unknown): void {
  if (!isRecord(raw)) return;
  usage.input = numberOr(raw.input_tokens, usage.input);
  usage.cacheCreation = numberOr(raw.cache_creation_input_tokens, usage.cacheCreation);
  usage.cacheRead = numberOr(raw.cache_read_input_tokens, usage.cacheRead);
}

function inputTotal(usage: RawUsage): number | undefined {
  if (usage.input === undefined) return undefined;
  return usage.input + (usage.cacheCreation ?? 0) + (usage.cacheRead ?? 0);
}

function finalUsage(usage: RawUsage): Usage {
  return { inputTokens: inputTotal(usage), outputTokens: usage.output, reasoningTokens: usage.thinking };
}

function errorEventToProviderError(event: Record<string, unknown>, provider: string): ProviderError {
  const error = isRecord(event.error) ? event.error : {};
  const code = stringOrUndefined(error.type);
  return new ProviderError({
    provider,
    message: stringOrUndefined(error.message) ?? 'error event in the stream',
    code,
    retryable: isRetryableErrorType(code),
  });
}

// Error types that say the request itself is wrong: sending it again cannot help.
const permanentErrorTypes = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
]);

/**
 * Whether an Anthropic error type (from an error event, which has no HTTP status) is worth
 * retrying: overload, rate limits, timeouts and server errors are; a bad, unauthorised or
 * unpaid request is not. An unknown type counts as retryable, like a failure without a status.
 */
export function isRetryableErrorType(type: string | undefined): boolean {
  return type === undefined || !permanentErrorTypes.has(type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
