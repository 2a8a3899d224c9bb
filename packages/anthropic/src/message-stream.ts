import type Anthropic from '@anthropic-ai/sdk';
import { APIError } from '@anthropic-ai/sdk';
import { type ProviderStreamPart, StreamError } from 'stopwise';
import { chunkStream } from 'stopwise/adapter';
import { type SseMessage, sseEventBatches } from 'stopwise/sse';
import { mapAnthropicError } from './map-error.js';
import { createEventMapper } from './map-events.js';

// The body is assembled as plain JSON: the 1.x SDK types no longer list `temperature`/`top_p`/`top_k`.
type CreateParams = Parameters<Anthropic['messages']['create']>[0];

/** Per-request options handed to the SDK next to the signal. */
export interface SdkRequestOptions {
  maxRetries?: number | undefined;
  timeout?: number | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Options of {@link streamMessage}. */
export interface StreamMessageOptions {
  client: Anthropic;
  /**
   * Builds the request body (see `buildRequestBody`; `stream: true` is added here). Called on
   * the first read, so that a `ConfigError` it throws ends the run like any other stream error.
   */
  body: () => Record<string, unknown>;
  /** Aborting it closes the HTTP request. */
  signal: AbortSignal;
  requestOptions: SdkRequestOptions;
  provider: string;
  /** Credentials to scrub from error messages. */
  secrets: readonly string[];
}

type SseEvent = Pick<SseMessage, 'event' | 'data'>;

/**
 * Streams one Messages API call and yields stopwise parts: `stream-start`, then the mapped events
 * (see `createEventMapper`). The request goes through the official client
 * (`client.messages.create({ stream: true })`: auth, headers, retries, timeouts, HTTP errors); its
 * SSE body is read by stopwise's reader (`eventsource-parser`), with the SDK's rules: `ping` and
 * events without a name are skipped, an `error` event becomes the SDK's `APIError`. The SDK's
 * `messages.stream()` helper also rebuilds the whole message as it goes, which cost more CPU than
 * the raw SDK's whole stream. Errors are thrown as `ProviderError`/`StreamError` after every part
 * received before them; once `signal` has aborted, errors pass untouched (the runner ignores them).
 */
export function streamMessage(options: StreamMessageOptions): AsyncIterable<ProviderStreamPart> {
  const { client, signal, provider, secrets } = options;
  const mapper = createEventMapper({ provider });
  let headers: Headers | undefined;
  return chunkStream<SseEvent[]>({
    async open() {
      const body = { ...options.body(), stream: true } as unknown as CreateParams;
      const response = await client.messages.create(body, { ...options.requestOptions, signal }).asResponse();
      if (!response.body) throw new StreamError(`${provider} sent a streaming response without a body`);
      headers = response.headers;
      const requestId = response.headers.get('request-id') || undefined; // as `mapAnthropicError` reads it
      return sseEventBatches({ provider, body: response.body, signal, secrets, requestId });
    },
    started: (emit) => emit({ type: 'stream-start' }),
    // One network read's events at a time: a fast stream packs many into one read.
    map(batch, emit) {
      for (const event of batch) {
        const payload = eventPayload(event, headers);
        if (payload !== undefined) for (const part of mapper.map(payload)) emit(part);
      }
    },
    // A stream that ends before `message_stop` has no finish: the runner reports it as an error.
    finish: () => {},
    mapError: (error) =>
      signal.aborted ? error : mapAnthropicError(error, { provider, secrets, url: client.baseURL }),
  });
}

/**
 * The JSON payload of one event, as the SDK's `Stream` reads it: `undefined` for `ping`, for
 * events without a name (unless their data is an error payload) and for empty data; an
 * `APIError` thrown for an `error` event, or an error payload under any name (with the response
 * headers, so its request id survives); a `SyntaxError` for data that is not JSON.
 */
export function eventPayload(event: SseEvent, headers: Headers | undefined): unknown {
  if (event.event === 'ping' || event.data === '') return undefined;
  if (event.event === undefined) {
    // The SDK skips events without a name; an error payload among them (a proxy that dropped the
    // `event:` line) is still the provider's error, not a stream that merely ends early.
    return isNamelessError(event.data) ? throwErrorEvent(event.data, headers) : undefined;
  }
  if (event.event === 'error') return throwErrorEvent(event.data, headers);
  const payload: unknown = JSON.parse(event.data);
  // An error payload under another event name (a proxy that renamed it) is the same error: thrown
  // here as the SDK's `APIError`, it keeps the response's request id and goes through
  // `mapAnthropicError`, which scrubs the configured key (the event mapper knows neither).
  if ((payload as { type?: unknown } | null)?.type === 'error') return throwErrorEvent(event.data, headers);
  return payload;
}

function isNamelessError(data: string): boolean {
  if (!data.includes('"error"')) return false;
  try {
    return (JSON.parse(data) as { type?: unknown } | null)?.type === 'error';
  } catch {
    return false;
  }
}

function throwErrorEvent(data: string, headers: Headers | undefined): never {
  let body: unknown = data;
  try {
    body = JSON.parse(data);
  } catch {
    // Not JSON: the SDK keeps the raw text as the error body too.
  }
  const type = (body as { error?: { type?: string } } | null)?.error?.type;
  throw new APIError(undefined, body as object, undefined, headers ?? new Headers(), type as never);
}
