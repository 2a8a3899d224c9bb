import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describeError, ProviderError, redactSecrets, StreamError } from '../errors.js';

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
export async function* sseEventBatches(options: SseEventsOptions): AsyncGenerator<SseMessage[]> {
  const { provider } = options;
  const maxEventChars = options.maxEventChars ?? defaultMaxEventChars;
  const reader = options.body.getReader();
  const decoder = new TextDecoder();
  let queue: EventSourceMessage[] = [];
  let failure: StreamError | undefined;
  let strayLine: string | undefined;
  let sawEvent = false;
  let drained = false;
  const parser = createParser({
    onEvent: (event) => {
      queue.push(event);
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new StreamError(`${provider}: an SSE event exceeded ${maxEventChars} characters`);
      } else {
        // The SSE spec says to ignore unknown fields; remember one in case nothing else arrives.
        strayLine ??= error.line ?? error.message;
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
      if (done) break;
    }
    drained = true;
    if (!sawEvent && strayLine !== undefined) {
      const line = redactSecrets(strayLine, options.secrets);
      throw new StreamError(
        `${provider}: the response is not an SSE stream; it began with: ${truncate(line, 200)}`,
      );
    }
  } finally {
    // Cancelling the body is what closes the connection when the consumer stops early.
    if (!drained) reader.cancel().catch(() => {});
  }
}

async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  options: SseEventsOptions,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    if (options.signal.aborted) throw error;
    throw new ProviderError({
      provider: options.provider,
      message: redactSecrets(`the connection broke mid-stream: ${describeWithCause(error)}`, options.secrets),
      code: 'connection_error',
      retryable: true,
      cause: error,
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
