import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { ConfigError, ProviderError, StopwiseError, StreamError } from 'stopwise';
import {
  connectionFailure,
  describeError,
  isRetryableStatus,
  redactSecrets,
  retryAfterFromHeaders,
  scrubbedError,
} from 'stopwise/adapter';
import { isRetryableErrorType } from './map-events.js';

/** Options of {@link mapAnthropicError}. */
export interface MapErrorOptions {
  /** Provider name for the error, e.g. `anthropic`. */
  provider: string;
  /** Credentials in use (API key, auth token), scrubbed from every message and from `cause`. */
  secrets: readonly string[];
  /** The client's base URL: host and port of a connection failure when the system error lacks them. */
  url?: string | undefined;
}

/**
 * Turns what `@anthropic-ai/sdk` throws into a stopwise error:
 * - an HTTP error (`APIError` with a status) → `ProviderError` with the status, the body's
 *   `error.type` as `code` (e.g. `rate_limit_error`, `overloaded_error`), the `request-id`
 *   header, `retry-after-ms`/`retry-after` as `retryAfterMs`, the API's message, and retryable
 *   for 408/409/429/5xx (529 included) unless an `x-should-retry` header says otherwise;
 * - an `error` event mid-stream (an `APIError` without status) → `ProviderError` with its type
 *   as `code`, retryable unless the type says the request itself is wrong;
 * - a connection failure, a timeout or a connection dropped mid-body → `ProviderError` without
 *   status, retryable, `code` `connection_error` (or `timeout`), with `connection` details (see
 *   `connectionFailure`);
 * - an event that is not JSON, or events the SDK cannot assemble (out of order, malformed) →
 *   `StreamError`.
 *
 * Stopwise errors pass through. The API key never reaches the result: messages are scrubbed, and
 * an SDK error whose body may echo the key becomes a scrubbed copy as `cause`.
 */
export function mapAnthropicError(error: unknown, options: MapErrorOptions): StopwiseError {
  if (StopwiseError.isInstance(error)) return error;
  const redact = (text: string) => redactSecrets(text, options.secrets);
  const provider = options.provider;
  if (isSdkError(error, APIConnectionTimeoutError, 'APIConnectionTimeoutError')) {
    return connectionFailure({ provider, error, url: options.url, timedOut: true, secrets: options.secrets });
  }
  if (isSdkError(error, APIConnectionError, 'APIConnectionError')) {
    return connectionFailure({ provider, error, url: options.url, secrets: options.secrets });
  }
  if (isSdkError(error, APIError, 'APIError')) return fromApiError(error, provider, redact, options.secrets);
  if (hasCause(error, SyntaxError)) {
    return new StreamError(
      `${provider} sent an event that is not valid JSON: ${redact(describeError(error))}`,
      {
        cause: scrubbedError(error, options.secrets),
      },
    );
  }
  if (isNetworkFailure(error)) {
    return connectionFailure({
      provider,
      error,
      url: options.url,
      midStream: true,
      secrets: options.secrets,
    });
  }
  if (error instanceof Error && error.message.startsWith('Could not resolve authentication method')) {
    // The SDK found no credential (no apiKey, no ANTHROPIC_API_KEY, nothing in its default
    // chain) and sent nothing: a setting to fix, not a broken stream.
    return new ConfigError(
      'apiKey',
      `is required: pass apiKey to anthropic() or set ANTHROPIC_API_KEY (a server on this machine needs none). The SDK said: ${redact(error.message)}`,
    );
  }
  // Anything else broke while the SDK read the events (an event out of order, a block of an
  // unexpected shape): the stream itself was wrong.
  return new StreamError(`${provider} stream could not be read: ${redact(describeChain(error))}`, {
    cause: scrubbedError(error, options.secrets),
  });
}

// What runtimes say when a response body breaks off: undici's `terminated` (Node), socket and
// reset errors (Bun, Deno), and the system error codes beneath them.
const networkMessage =
  /terminated|socket|network|connection|reset|other side closed|body|ECONN|EPIPE|timed? ?out/i;

function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(UND_ERR|E[A-Z]+$)/.test(code)) return true;
    if (networkMessage.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

function fromApiError(
  error: APIError,
  provider: string,
  redact: (text: string) => string,
  secrets: readonly string[],
): ProviderError {
  const status = typeof error.status === 'number' ? error.status : undefined;
  const body = error.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const code = error.type ?? (typeof body?.error?.type === 'string' ? body.error.type : undefined);
  const headers = error.headers instanceof Headers ? error.headers : undefined;
  // The SDK's own message starts with the status, which ProviderError adds again.
  const message = error.apiMessage ?? error.message.replace(/^\d{3} /, '');
  return new ProviderError({
    provider,
    status,
    code: code ?? undefined,
    message: redact(message),
    requestId: error.requestID ?? headers?.get('request-id') ?? undefined,
    retryAfterMs: headers ? retryAfterFromHeaders(headers) : undefined,
    retryable:
      serverSaysRetry(headers) ??
      (status !== undefined ? isRetryableStatus(status) : isRetryableErrorType(code ?? undefined)),
    // The SDK's error holds the response body, which may quote the key back: keep a scrubbed copy.
    cause: scrubbedError(error, secrets),
  });
}

/** Anthropic's `x-should-retry` header, which the SDK itself obeys over the status. */
function serverSaysRetry(headers: Headers | undefined): boolean | undefined {
  const value = headers?.get('x-should-retry');
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/**
 * `instanceof` for this copy of the SDK, the class's `_errorName` for another copy (a `client`
 * passed in may come from a different install). The SDK keeps that name because minifiers
 * rename classes.
 */
function isSdkError<T>(error: unknown, type: abstract new (...args: never[]) => T, name: string): error is T {
  if (error instanceof type) return true;
  if (!(error instanceof Error)) return false;
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    if ((proto.constructor as { _errorName?: unknown } | undefined)?._errorName === name) return true;
  }
  return false;
}

function hasCause(error: unknown, type: abstract new (...args: never[]) => SyntaxError): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof type) return true;
    current = current.cause;
  }
  return false;
}

/** `error: cause: cause`, for the messages of failures whose root cause is the useful part. */
function describeChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 4; depth += 1) {
    const text = describeError(current);
    if (text !== '' && !parts.includes(text)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
