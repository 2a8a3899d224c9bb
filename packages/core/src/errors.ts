/**
 * Errors thrown or reported by stopwise. One base class; a provider failure, a bad configuration
 * and a failing policy are siblings. A caller's abort and a policy stop are outcomes, not errors.
 */

import type { PolicyMethod } from './policy.js';

const marker = Symbol.for('stopwise.error');

/** The kinds of {@link StopwiseError}, so callers can switch on `error.kind` without instanceof. */
export type StopwiseErrorKind = 'provider' | 'config' | 'policy' | 'stream';

/**
 * Base class of every error stopwise creates. Use {@link StopwiseError.isInstance} rather than
 * `instanceof`: it also recognises errors from a second copy of the package in `node_modules`.
 */
export class StopwiseError extends Error {
  readonly [marker] = true;
  /** Which family of error this is. */
  readonly kind: StopwiseErrorKind;

  constructor(kind: StopwiseErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'StopwiseError';
  }

  /** True for any stopwise error, including ones made by another copy of this package. */
  static isInstance(error: unknown): error is StopwiseError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** Fields of a {@link ProviderError}; every one but `message` is optional. */
export interface ProviderErrorInit {
  /** Which provider failed, e.g. `openai`. */
  provider: string;
  /** The provider's own message (never contains the API key: adapters redact it). */
  message: string;
  /** HTTP status, when the failure had one. */
  status?: number;
  /** The provider's error type or code, e.g. `rate_limit_error`, `overloaded_error`. */
  code?: string;
  /** The provider's request id, for support tickets. */
  requestId?: string;
  /** Milliseconds the provider asked to wait before retrying (from `retry-after`). */
  retryAfterMs?: number;
  /** Whether the same request may succeed if sent again. Defaults from `status`. */
  retryable?: boolean;
  /** For a failed or broken connection: where it went and what the system said. */
  connection?: ProviderConnection | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Where a failed connection went and what the operating system said, as far as known: the same
 * fields whichever adapter (OpenAI, Anthropic, `stopwise/sse`) saw the failure.
 */
export interface ProviderConnection {
  /** The host connected to: the resolved address when the system reports it, else the URL's host. */
  readonly host: string | undefined;
  /** The port connected to. */
  readonly port: number | undefined;
  /** The system error number (negative on Linux, e.g. -111 for a refused connection). */
  readonly errno: number | undefined;
  /** The system error code, e.g. `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `UND_ERR_SOCKET`. */
  readonly code: string | undefined;
  /** The system call that failed, e.g. `connect`, `getaddrinfo`, `read`. */
  readonly syscall: string | undefined;
}

/** Statuses worth retrying: timeouts, conflicts, rate limits, server errors and overload (529). */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true; // connection-level failures carry no status
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A provider API failed: an HTTP error, an error event mid-stream, a dropped connection. */
export class ProviderError extends StopwiseError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;
  /** Set for connection failures (`code` `connection_error` or `timeout`): see {@link ProviderConnection}. */
  readonly connection: ProviderConnection | undefined;

  constructor(init: ProviderErrorInit) {
    const where = init.status === undefined ? init.provider : `${init.provider} ${init.status}`;
    super('provider', `${where}: ${redactSecrets(init.message)}`, { cause: init.cause });
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable = init.retryable ?? isRetryableStatus(init.status);
    this.connection = init.connection;
  }

  /** True for a ProviderError from any copy of this package. */
  static override isInstance(error: unknown): error is ProviderError {
    return StopwiseError.isInstance(error) && error.kind === 'provider';
  }
}

/** A configuration or call option is invalid. Thrown before any request is sent. */
export class ConfigError extends StopwiseError {
  /** The option path to fix, e.g. `messages[2].role` or `policy.stopOn[0]`. */
  readonly field: string;

  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super('config', `Invalid \`${field}\`: ${problem}`, options);
    this.name = 'ConfigError';
    this.field = field;
  }

  /** True for a ConfigError from any copy of this package. */
  static override isInstance(error: unknown): error is ConfigError {
    return StopwiseError.isInstance(error) && error.kind === 'config';
  }
}

/** A stop policy threw. It was switched off for the rest of the call; the stream went on. */
export class PolicyError extends StopwiseError {
  /** Name of the policy that threw. */
  readonly policy: string;
  /** Which method threw. */
  readonly during: PolicyMethod;

  constructor(policy: string, during: PolicyMethod, cause: unknown) {
    super('policy', `Policy "${policy}" threw in ${during}(): ${describeError(cause)}`, { cause });
    this.name = 'PolicyError';
    this.policy = policy;
    this.during = during;
  }

  /** True for a PolicyError from any copy of this package. */
  static override isInstance(error: unknown): error is PolicyError {
    return StopwiseError.isInstance(error) && error.kind === 'policy';
  }
}

/** The stream broke in a way that is not the provider's HTTP error: bad JSON, a cut frame. */
export class StreamError extends StopwiseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('stream', message, options);
    this.name = 'StreamError';
  }

  /** True for a StreamError from any copy of this package. */
  static override isInstance(error: unknown): error is StreamError {
    return StopwiseError.isInstance(error) && error.kind === 'stream';
  }
}

/** A short description of anything thrown, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

// Provider messages sometimes echo the key back ("Incorrect API key provided: sk-abc..."):
// OpenAI and Anthropic keys (sk-, sk-ant-), Google keys (AIza...), and bearer tokens.
const secretPattern =
  /\b(sk-(?:ant-)?[A-Za-z0-9_*-]{6,}|AIza[0-9A-Za-z_-]{20,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;

/**
 * Replaces anything shaped like an API key or bearer token with `[redacted]`, and every exact
 * occurrence of `knownSecrets` (the keys a client was configured with, whatever their shape).
 * Known secrets shorter than 8 characters are left alone: placeholders such as `ollama` would
 * redact ordinary words, and real keys are long.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out.replace(secretPattern, '[redacted]');
}

/**
 * A plain Error with the original's name and a redacted message, to attach as `cause` instead
 * of an SDK error: those hold the response body and request options, which may echo the key.
 */
export function scrubbedError(error: unknown, knownSecrets: readonly string[] = []): Error {
  const copy = new Error(redactSecrets(describeError(error), knownSecrets));
  const name = error instanceof Error ? error.name : undefined;
  copy.name =
    name && name !== 'Error'
      ? name
      : ((error as { constructor?: { name?: string } })?.constructor?.name ?? 'Error');
  return copy;
}
