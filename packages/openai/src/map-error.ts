import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ProviderError, StopwiseError, StreamError } from 'stopwise';
import {
  connectionFailure,
  isRetryableStatus,
  redactSecrets,
  retryAfterFromHeaders,
  scrubbedError,
} from 'stopwise/adapter';

/** What {@link mapOpenAIError} needs besides the error. */
export interface MapErrorContext {
  /** Provider name for the error, e.g. `openai`. */
  provider: string;
  /** Credentials in use (the API key), removed from every message even when not shaped like `sk-...`. */
  secrets: readonly string[];
  /** The client's base URL: host and port of a connection failure when the system error lacks them. */
  url?: string | undefined;
}

// Codes that no retry can fix, even when they come with a retryable status (OpenAI sends
// insufficient_quota as a 429) or inside the stream, where there is no status at all.
const fatalCodes = new Set([
  'insufficient_quota',
  'invalid_api_key',
  'invalid_request_error',
  'context_length_exceeded',
  'model_not_found',
  'content_policy_violation',
  'unsupported_parameter',
  'unsupported_value',
  'authentication_error',
  'permission_error',
  // The Responses API's `response.failed` codes for a bad input (its other codes, server_error,
  // rate_limit_exceeded, vector_store_timeout and failed_to_download_image, may pass on retry).
  'invalid_prompt',
  'invalid_image',
  'invalid_image_format',
  'invalid_base64_image',
  'invalid_image_url',
  'invalid_image_mode',
  'image_too_large',
  'image_too_small',
  'image_parse_error',
  'image_content_policy_violation',
  'image_file_too_large',
  'image_file_not_found',
  'unsupported_image_media_type',
  'empty_image_file',
]);

/**
 * Turns whatever the `openai` SDK threw into a stopwise error: an HTTP or in-stream API error
 * into a {@link ProviderError} (status, code, request id, `retry-after`, retryable), a dropped
 * connection into a retryable ProviderError without status, a chunk that is not JSON into a
 * {@link StreamError}. Stopwise errors pass through. Never carries the API key: messages are
 * redacted and `cause` is a scrubbed copy of the SDK error, without its body or headers.
 */
export function mapOpenAIError(error: unknown, context: MapErrorContext): StopwiseError {
  if (StopwiseError.isInstance(error)) return error;
  const redact = (text: string) => redactSecrets(text, context.secrets);
  const cause = scrubbedError(error, context.secrets);
  if (error instanceof SyntaxError) {
    return new StreamError(
      `${context.provider} sent a stream chunk that is not JSON: ${redact(error.message)}`,
      {
        cause,
      },
    );
  }
  if (isConnectionError(error)) {
    const timedOut =
      error instanceof APIConnectionTimeoutError || nameOf(error) === 'APIConnectionTimeoutError';
    return connectionFailure({
      provider: context.provider,
      error,
      url: context.url,
      timedOut,
      secrets: context.secrets,
    });
  }
  if (isApiError(error)) return fromApiError(error, context.provider, redact, cause);
  // Anything else broke the body mid-stream (undici's "terminated" when the socket drops).
  return connectionFailure({
    provider: context.provider,
    error,
    url: context.url,
    midStream: true,
    secrets: context.secrets,
  });
}

function fromApiError(
  error: APIError,
  provider: string,
  redact: (text: string) => string,
  cause: Error,
): ProviderError {
  const body = error.error as unknown;
  const details = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  // An error inside the stream has no HTTP status; vLLM and LiteLLM put one in its `code`
  // (`{ "error": { "code": 400, ... } }`): a bad request stays one, not a retryable failure.
  const status =
    typeof error.status === 'number'
      ? error.status
      : (httpStatusIn(error.code) ?? httpStatusIn(details.code));
  const code =
    nonEmpty(error.code) ?? nonEmpty(error.type) ?? nonEmpty(details.code) ?? nonEmpty(details.type);
  const headers = hasHeaders(error.headers) ? error.headers : undefined;
  const message =
    nonEmpty(details.message) ??
    (typeof body === 'string' ? body : undefined) ??
    // A body that was not JSON: the SDK put its text in the message, after the status.
    nonEmpty(error.message.replace(/^\d{3} /, '').replace(/^status code \(no body\)$/, '')) ??
    (status === undefined ? 'the stream reported an error' : `HTTP ${status}`);
  return new ProviderError({
    provider,
    status,
    message: redact(message),
    code,
    requestId: nonEmpty(error.requestID) ?? nonEmpty(headers?.get('x-request-id')),
    retryAfterMs: headers ? retryAfterFromHeaders(headers) : undefined,
    retryable: isRetryable(status, code, headers),
    cause,
  });
}

/**
 * By status (408, 409, 429 and 5xx yes; other 4xx no); a server's explicit `x-should-retry`
 * header wins, as it does for the SDK's own retries; a code no retry can fix (quota, bad key)
 * says no. Errors inside the stream have no status: retryable unless their code says otherwise.
 */
function isRetryable(
  status: number | undefined,
  code: string | undefined,
  headers: Headers | undefined,
): boolean {
  if (code !== undefined && fatalCodes.has(code)) return false;
  const header = headers?.get('x-should-retry');
  if (header === 'true') return true;
  if (header === 'false') return false;
  return isRetryableStatus(status);
}

function httpStatusIn(code: unknown): number | undefined {
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : undefined;
}

function isApiError(error: unknown): error is APIError {
  if (error instanceof APIError) return true;
  // An `OpenAI` client from another copy of the SDK throws its own classes: recognise the shape.
  return (
    error instanceof Error &&
    'status' in error &&
    'headers' in error &&
    'error' in error &&
    /Error$/.test(nameOf(error) ?? '')
  );
}

function isConnectionError(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  const name = nameOf(error);
  return name === 'APIConnectionError' || name === 'APIConnectionTimeoutError';
}

// Duck-typed: a custom `fetch` may hand the SDK its own Headers class.
function hasHeaders(value: unknown): value is Headers {
  return typeof value === 'object' && value !== null && typeof (value as Headers).get === 'function';
}

function nameOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
