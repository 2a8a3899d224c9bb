import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { connectionFailure } from '../connection-failure.js';
import { describeError, ProviderError, redactSecrets, StreamError } from '../errors.js';
import { cancelQuietly } from './cancel-body.js';
import { defaultErrorDetails } from './http-error.js';

/** One server-sent event: `event` (when sent), `data` (its data lines joined by `\n`) and `id`. */
export type SseMessage = EventSourceMessage;

/** The largest event {@link sseEvents} buffers unless told otherwise: 32 MiB. */
export const defaultMaxEventChars = 32 * 1024 * 1024;

/** Options of {@link sseEvents} and {@link sseEventBatches}. */
export interface SseEventsOptions {
  /** The provider's name, for error messages. */
  provider: string;
  /** The response body. */
  body: ReadableStream<Uint8Array>;
  /** The request's signal: a read that fails after it aborted is rethrown as it is. */
  signal: AbortSignal;
  /** Credentials to scrub from messages. */
  secrets: readonly string[];
  /**
   * The response's request id (its API's header: `x-request-id` for OpenAI, `request-id` for
   * Anthropic): the errors this reader builds (a connection broken mid-stream, an error body
   * written raw) carry it, as the errors of a failed request do, so a support ticket can name
   * the request.
   */
  requestId?: string | undefined;
  /**
   * Largest event (or unterminated line) to buffer, in characters (default
   * {@link defaultMaxEventChars}): a runaway line ends the run with a `StreamError` instead of
   * growing the buffer without bound.
   */
  maxEventChars?: number | undefined;
}

/**
 * The SSE events of a response body, decoded as UTF-8 across read boundaries (a character split
 * between two network reads decodes whole) and parsed by `eventsource-parser`. Stopping the
 * iteration early (`return()`) cancels the body, which closes the connection. A read that fails
 * mid-stream becomes a retryable `ProviderError` (`code: 'connection_error'`), an event larger
 * than `maxEventChars` a `StreamError`.
 *
 * @example
 * ```ts
 * const response = await sdk.create(body, { signal }).asResponse();
 * for await (const event of sseEvents({
 *   provider: 'acme', body: response.body!, signal, secrets: [apiKey],
 * })) {
 *   if (event.data !== '[DONE]') console.log(JSON.parse(event.data));
 * }
 * ```
 */
export async function* sseEvents(options: SseEventsOptions): AsyncGenerator<SseMessage> {
  for await (const batch of sseEventBatches(options)) yield* batch;
}

/**
 * {@link sseEvents}, one batch per network read: the events that read completed (never empty).
 * A fast stream packs many events into one read; mapping a batch synchronously (with
 * `chunkStream`) saves a round of promise jobs per event.
 */
export function sseEventBatches(options: SseEventsOptions): AsyncGenerator<SseMessage[]> {
  const batches = readEventBatches(options);
  const closeGenerator = batches.return.bind(batches);
  // A generator closed before its first `next()` never runs its body, so the `finally` that
  // cancels the body never runs either, and the server goes on generating (and billing) into
  // an unread socket. Until the first read locks the body, closing cancels it here.
  batches.return = async (value) => {
    const result = await closeGenerator(value);
    if (!options.body.locked) await options.body.cancel().catch(() => {});
    return result;
  };
  return batches;
}

async function* readEventBatches(options: SseEventsOptions): AsyncGenerator<SseMessage[]> {
  const { provider } = options;
  const maxEventChars = options.maxEventChars ?? defaultMaxEventChars;
  const reader = options.body.getReader();
  const decoder = new TextDecoder();
  let queue: EventSourceMessage[] = [];
  let failure: StreamError | undefined;
  const stray = new StrayText();
  // A raw error body, once the stray lines form one; events after it are not delivered.
  let rawError: { message: string; code: string | undefined } | undefined;
  let sawEvent = false;
  let drained = false;
  const parser = createParser({
    onEvent: (event) => {
      if (rawError === undefined) queue.push(event);
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new StreamError(`${provider}: an SSE event exceeded ${maxEventChars} characters`);
      } else {
        // The SSE spec says to ignore unknown fields; keep them in case they are an error body
        // the server wrote raw (not as an event), or the response was not SSE at all.
        stray.add(error.line ?? error.message);
        rawError ??= stray.errorBody();
      }
    },
    maxBufferSize: maxEventChars,
  });

  try {
    for (;;) {
      const { done, value } = await readChunk(reader, options);
      // At the end, flush the decoder and close a last event the server left without its blank
      // line; a frame cut in half then reaches the mapping as bad JSON instead of vanishing.
      parser.feed(done ? `${decoder.decode()}\n\n` : decoder.decode(value, { stream: true }));
      if (failure) throw failure;
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        sawEvent = true;
        yield batch;
      }
      // Events that came before a raw error body are delivered first, then the error.
      if (rawError !== undefined) throw rawErrorBodyError(options, rawError);
      if (done) break;
    }
    drained = true;
    const firstStray = stray.first;
    if (!sawEvent && firstStray !== undefined) {
      const line = redactSecrets(firstStray, options.secrets);
      throw new StreamError(
        `${provider}: the response is not an SSE stream; it began with: ${truncate(line, 200)}`,
      );
    }
  } finally {
    // Cancelling the body is what closes the connection when the consumer stops early.
    if (!drained) cancelQuietly(reader);
  }
}

// Error types or codes that say the request itself is wrong: sending it again cannot help.
const permanentErrorCodes =
  /invalid_request|invalid_api_key|authentication|permission|not_found|billing|insufficient_quota|context_length|unsupported|content_policy|request_too_large|UNAUTHENTICATED|PERMISSION_DENIED|INVALID_ARGUMENT|NOT_FOUND/i;

/**
 * An error body that a server (or a proxy in front of it) wrote into the stream as raw JSON
 * instead of an SSE event, e.g. `{"error":{"message":"Overloaded","type":"server_error"}}` after
 * some events: a `ProviderError` with the provider's message and code, not a stream that merely
 * "ended without a finish".
 */
function rawErrorBodyError(
  options: SseEventsOptions,
  body: { message: string; code: string | undefined },
): ProviderError {
  return new ProviderError({
    provider: options.provider,
    message: redactSecrets(body.message, options.secrets),
    code: body.code,
    retryable: body.code === undefined || !permanentErrorCodes.test(body.code),
    requestId: options.requestId,
  });
}

/**
 * Lines of a response body that are not SSE fields, kept (up to 64 KiB) to tell a raw JSON error
 * body, which may span several lines when pretty-printed, from a response that is not SSE.
 */
class StrayText {
  /** The first stray line, for the "not an SSE stream" message. */
  first: string | undefined;
  private text = '';
  private static readonly maxChars = 64 * 1024;

  add(line: string): void {
    this.first ??= line;
    if (this.text.length + line.length > StrayText.maxChars) return;
    this.text += `${line}\n`;
  }

  /** The message and code of the stray text when it has become a whole JSON error body. */
  errorBody(): { message: string; code: string | undefined } | undefined {
    const start = this.text.search(/[{[]/);
    if (start < 0) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(this.text.slice(start));
    } catch {
      return undefined; // not JSON, or not whole yet
    }
    if (!isErrorShaped(body)) return undefined;
    const details = defaultErrorDetails(body);
    return { message: details.message ?? 'error body in the stream', code: details.code };
  }
}

/** `{ error: ... }`, `{ type: 'error' }`, `{ object: 'error' }` (vLLM), or a list holding one (Gemini). */
function isErrorShaped(body: unknown): boolean {
  const root = Array.isArray(body) ? body[0] : body;
  if (typeof root !== 'object' || root === null) return false;
  const record = root as Record<string, unknown>;
  return record.error !== undefined || record.type === 'error' || record.object === 'error';
}

async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  options: SseEventsOptions,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    if (options.signal.aborted) throw error;
    throw connectionFailure({
      provider: options.provider,
      error,
      midStream: true,
      secrets: options.secrets,
      requestId: options.requestId,
    });
  }
}

/** `error.message`, plus its cause's message (fetch puts the useful part there). */
export function describeWithCause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? describeError(error) : `${describeError(error)} (${describeError(cause)})`;
}

/** `text` cut to `max` characters, marked with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never end on half a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}
