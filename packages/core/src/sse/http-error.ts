import { ProviderError, redactSecrets } from '../errors.js';
import { retryAfterFromHeaders } from '../retry-after.js';
import { cancelQuietly } from './cancel-body.js';

/** What an API answered instead of a stream: handed to a provider's `mapError`. */
export interface SseHttpError {
  /** HTTP status (≥ 400). */
  status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
  /** The raw body text: its first 64 KiB (the rest is never read). */
  text: string;
  /** The response headers. */
  headers: Headers;
}

/** What a `mapError` may say about an error body; anything left out gets the default. */
export interface SseErrorDetails {
  /** The API's own message. */
  message?: string | undefined;
  /** The API's error type or code, e.g. `RESOURCE_EXHAUSTED`. */
  code?: string | undefined;
  /** Milliseconds to wait before retrying, when the body says so (headers win over it). */
  retryAfterMs?: number | undefined;
  /** Overrides the status-based default (408/409/429/5xx are retryable). */
  retryable?: boolean | undefined;
}

// Header names APIs use for the id a support ticket needs, most specific first.
const requestIdHeaders = [
  'x-request-id',
  'request-id',
  'x-goog-request-id',
  'x-debug-trace-id',
  'x-amzn-requestid',
];

// An error body is read up to this many bytes, then the connection is closed: a proxy that
// answers 502 with a megabyte of HTML (or a body that never ends) must not hold the call.
const maxErrorBodyBytes = 64 * 1024;

/** The request id from whichever common header the API uses. */
export function requestIdFromHeaders(headers: Headers): string | undefined {
  for (const name of requestIdHeaders) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/**
 * The message and code of the usual JSON error shapes: `{ error: { message, type|status|code } }`
 * (OpenAI, Gemini, Anthropic), `{ message }` (Cohere), `{ error: "..." }`, `{ detail }`, and
 * each of those wrapped in a one-element array (Gemini's streaming endpoint).
 */
export function defaultErrorDetails(body: unknown): SseErrorDetails {
  const root = Array.isArray(body) && body.length > 0 ? body[0] : body;
  if (typeof root === 'string' && root !== '') return { message: root };
  if (typeof root !== 'object' || root === null) return {};
  const record = root as Record<string, unknown>;
  const inner = record.error;
  if (typeof inner === 'string') return { message: inner, code: stringField(record, 'code', 'type') };
  if (typeof inner === 'object' && inner !== null) {
    const error = inner as Record<string, unknown>;
    return { message: stringField(error, 'message'), code: stringField(error, 'type', 'status', 'code') };
  }
  return { message: stringField(record, 'message', 'detail'), code: stringField(record, 'code', 'type') };
}

function stringField(record: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Options of {@link providerErrorFromResponse}. */
export interface ResponseErrorOptions {
  provider: string;
  response: Response;
  mapError?: ((error: SseHttpError) => SseErrorDetails | undefined) | undefined;
  /** Credentials sent with the request, scrubbed from the message. */
  secrets: readonly string[];
}

/**
 * Reads an error response into a {@link ProviderError}: status, the API's message and code,
 * `retry-after`, the request id, retryable by status unless `mapError` says otherwise.
 */
export async function providerErrorFromResponse(options: ResponseErrorOptions): Promise<ProviderError> {
  const { response, provider } = options;
  const text = await readErrorBody(response, maxErrorBodyBytes);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const info: SseHttpError = { status: response.status, body, text, headers: response.headers };
  const fallback = defaultErrorDetails(body);
  let custom: SseErrorDetails | undefined;
  try {
    custom = options.mapError?.(info);
  } catch {
    // A mapError that chokes on an unexpected body must not hide the HTTP error itself.
  }
  const details = { ...fallback, ...definedOnly(custom ?? {}) };
  const message =
    details.message ??
    (body === undefined && text.trim() !== '' ? text.trim().slice(0, 500) : undefined) ??
    `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new ProviderError({
    provider,
    status: response.status,
    message: redactSecrets(message, options.secrets),
    code: details.code,
    requestId: requestIdFromHeaders(response.headers),
    retryAfterMs: retryAfterFromHeaders(response.headers) ?? details.retryAfterMs,
    retryable: details.retryable,
  });
}

/**
 * The first `maxBytes` of a response body as text, then the body is cancelled (which closes the
 * connection). A body that breaks off gives what arrived before the break: the status and
 * headers are still worth reporting.
 */
export async function readErrorBody(response: Response, maxBytes: number): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const take = value.byteLength <= maxBytes - bytes ? value : value.subarray(0, maxBytes - bytes);
      bytes += take.byteLength;
      text += decoder.decode(take, { stream: true });
    }
    // Cut mid-character: the decoder drops the incomplete tail instead of inventing one.
    return text;
  } catch {
    return text;
  } finally {
    cancelQuietly(reader);
  }
}

function definedOnly(details: SseErrorDetails): SseErrorDetails {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
