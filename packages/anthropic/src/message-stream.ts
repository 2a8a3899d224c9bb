import type Anthropic from '@anthropic-ai/sdk';
import type { ProviderStreamPart } from 'stopwise';
import { mapAnthropicError } from './map-error.js';
import { createEventMapper } from './map-events.js';

// The body is assembled as plain JSON: the 1.x SDK types no longer list `temperature`/`top_p`/`top_k`.
type StreamParams = Parameters<Anthropic['messages']['stream']>[0];

/** Per-request options handed to the SDK next to the signal. */
export interface SdkRequestOptions {
  maxRetries?: number | undefined;
  timeout?: number | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Options of {@link streamMessage}. */
export interface StreamMessageOptions {
  client: Anthropic;
  /** The request body (see `buildRequestBody`); `stream: true` is added by the SDK. */
  body: Record<string, unknown>;
  /** Aborting it closes the HTTP request. */
  signal: AbortSignal;
  requestOptions: SdkRequestOptions;
  provider: string;
  /** Credentials to scrub from error messages. */
  secrets: readonly string[];
}

/**
 * Streams one Messages API call through `client.messages.stream()` and yields stopwise parts:
 * `stream-start`, then the mapped events (see `createEventMapper`). Errors are thrown as
 * `ProviderError`/`StreamError` after every part received before them has been yielded. Once
 * `signal` has aborted, the SDK's own abort error is rethrown untouched (the runner ignores it).
 */
export async function* streamMessage(options: StreamMessageOptions): AsyncGenerator<ProviderStreamPart> {
  const { client, signal, provider } = options;
  const stream = client.messages.stream(options.body as unknown as StreamParams, {
    ...options.requestOptions,
    signal,
  });
  // Two traps of MessageStream's iterator, both seen against the wire server: it only sees
  // events emitted after it was created (the request is already running, so create it before
  // the first yield), and it ends without throwing when the error arrives while no read is
  // pending (so the outcome comes from done() after the loop). Catching done() now also keeps
  // an early exit from turning the abort into an unhandled rejection.
  const events = stream[Symbol.asyncIterator]();
  const ended = stream.done();
  ended.catch(() => {});
  const mapper = createEventMapper({ provider });
  try {
    yield { type: 'stream-start' };
    for (let next = await events.next(); !next.done; next = await events.next()) {
      for (const part of mapper.map(next.value)) yield part;
    }
    await ended;
  } catch (error) {
    if (signal.aborted) throw error;
    throw mapAnthropicError(error, { provider, secrets: options.secrets });
  } finally {
    // Reached early only when the consumer stopped reading: close the request.
    if (!stream.ended) stream.abort();
  }
}
