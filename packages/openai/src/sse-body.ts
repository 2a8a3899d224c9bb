import { APIError } from 'openai';
import { StreamError } from 'stopwise';
import { type SseMessage, sseEventBatches } from 'stopwise/sse';
import type { StreamContext } from './stream-context.js';

/** One server-sent event (`eventsource-parser`'s message). */
export type SseEvent = Pick<SseMessage, 'event' | 'data'>;

/** The events of a streaming response, one batch per network read, and its headers (in-stream errors carry them). */
export interface SseBody {
  batches: AsyncIterable<SseEvent[]>;
  headers: Headers;
}

/**
 * Sends a streaming request through the official client and reads the SSE body with stopwise's
 * reader (`eventsource-parser`) instead of the SDK's `Stream`. The request itself (auth, headers,
 * retries, timeouts, HTTP errors) stays with the SDK. Why: the SDK's splitter copies the rest of
 * the buffered bytes each time it takes an event off (`data.slice`), so a network read that holds
 * n events costs O(n²) bytes copied. On a fast stream, that was most of the client's CPU.
 */
export async function openSseBody(
  pending: { asResponse(): Promise<Response> },
  context: StreamContext,
): Promise<SseBody> {
  const response = await pending.asResponse();
  if (!response.body) {
    throw new StreamError(`${context.provider} sent a streaming response without a body`);
  }
  const batches = sseEventBatches({
    provider: context.provider,
    body: response.body,
    signal: context.request.signal,
    secrets: context.secrets,
    requestId: response.headers.get('x-request-id') || undefined, // as `mapOpenAIError` reads it
  });
  return { batches, headers: response.headers };
}

/**
 * The JSON payload of one event, as the SDK's `Stream` reads it: `undefined` for the `[DONE]`
 * sentinel, an `APIError` thrown for an `{ "error": ... }` object (built as the SDK builds it, so
 * `mapOpenAIError` maps it like every other failure), and a `SyntaxError` thrown for data that is
 * not JSON.
 */
export function eventPayload<T>(event: SseEvent, headers: Headers): T | undefined {
  if (event.data.startsWith('[DONE]')) return undefined;
  const payload = JSON.parse(event.data) as (T & { error?: unknown }) | null;
  if (payload?.error) throw new APIError(undefined, payload.error as object, undefined, headers);
  return payload ?? undefined;
}

/** The events of `batches` one by one, for adapters written as generators. */
export async function* eachEvent(batches: AsyncIterable<SseEvent[]>): AsyncGenerator<SseEvent> {
  for await (const batch of batches) yield* batch;
}
