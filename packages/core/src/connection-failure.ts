import {
  describeError,
  type ProviderConnection,
  ProviderError,
  redactSecrets,
  scrubbedError,
} from './errors.js';

/** Options of {@link connectionFailure}. */
export interface ConnectionFailureOptions {
  /** Provider name for the error, e.g. `openai`. */
  provider: string;
  /** What was thrown: a `fetch` TypeError, an SDK connection error, undici's `terminated`. */
  error: unknown;
  /** Where the request went: host and port come from here when the system error lacks them. */
  url?: string | URL | undefined;
  /** True when no response came before the request's timeout (code `timeout` instead). */
  timedOut?: boolean | undefined;
  /** True when the connection broke after the response started (the message says so). */
  midStream?: boolean | undefined;
  /** Credentials to scrub from the message and the cause. */
  secrets?: readonly string[] | undefined;
  /** The response's request id, when the connection broke after the response started. */
  requestId?: string | undefined;
}

/**
 * The one shape of a failed or broken connection, whichever adapter saw it: a retryable
 * {@link ProviderError} without status, `code: 'connection_error'` (or `'timeout'`), the
 * system error's details in `connection` (host, port, errno, system code, syscall: found in the
 * cause chain, where `fetch` and the SDKs bury them), a scrubbed copy of the error as `cause`.
 *
 * @example
 * ```ts
 * // A refused connection:
 * // ProviderError { code: 'connection_error', retryable: true,
 * //   connection: { host: '127.0.0.1', port: 8080, errno: -111, code: 'ECONNREFUSED', syscall: 'connect' } }
 * ```
 */
export function connectionFailure(options: ConnectionFailureOptions): ProviderError {
  const system = findSystemError(options.error);
  const target = parseTarget(options.url);
  const connection: ProviderConnection = {
    host: system?.host ?? target?.host,
    port: system?.port ?? target?.port,
    errno: system?.errno,
    code: system?.code,
    syscall: system?.syscall,
  };
  const secrets = options.secrets ?? [];
  const what = options.timedOut
    ? 'request timed out before the response started'
    : options.midStream
      ? 'the connection broke mid-stream'
      : 'connection failed';
  const detail = describeChain(options.error, system?.message);
  return new ProviderError({
    provider: options.provider,
    message: redactSecrets(detail === undefined ? what : `${what}: ${detail}`, secrets),
    code: options.timedOut ? 'timeout' : 'connection_error',
    retryable: true,
    connection,
    requestId: options.requestId,
    cause: scrubbedError(options.error, secrets),
  });
}

interface SystemErrorDetails {
  host: string | undefined;
  port: number | undefined;
  errno: number | undefined;
  code: string | undefined;
  syscall: string | undefined;
  message: string;
}

// Node's system error codes (ECONNREFUSED, ENOTFOUND, ...) and undici's (UND_ERR_SOCKET, ...).
const systemCode = /^(E[A-Z0-9]+|UND_ERR_[A-Z_]+)$/;

/** The first system error in the cause chain (and in an AggregateError's list), if any. */
function findSystemError(error: unknown): SystemErrorDetails | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (typeof record.code === 'string' && systemCode.test(record.code)) {
      return {
        host: stringOf(record.address) ?? stringOf(record.hostname) ?? stringOf(record.host),
        port: typeof record.port === 'number' ? record.port : undefined,
        errno: typeof record.errno === 'number' ? record.errno : undefined,
        code: record.code,
        syscall: stringOf(record.syscall),
        message: describeError(current),
      };
    }
    if (Array.isArray(record.errors)) queue.push(...record.errors);
    queue.push(record.cause);
  }
  return undefined;
}

/**
 * The thrown error's own message (`terminated`, `fetch failed`, the SDK's `Connection error.`)
 * with the system's below it (`read ECONNRESET`), or the innermost cause's when there is none.
 */
function describeChain(error: unknown, systemMessage: string | undefined): string | undefined {
  if (error === undefined) return systemMessage;
  const outer = describeError(error);
  let inner = systemMessage;
  if (inner === undefined) {
    let current = error;
    for (let depth = 0; current instanceof Error && current.cause instanceof Error && depth < 5; depth += 1) {
      current = current.cause;
    }
    inner = current === error ? undefined : describeError(current);
  }
  return inner === undefined || inner === outer ? outer : `${outer} (${inner})`;
}

function parseTarget(url: string | URL | undefined): { host: string; port: number | undefined } | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    const port =
      parsed.port !== ''
        ? Number(parsed.port)
        : parsed.protocol === 'https:'
          ? 443
          : parsed.protocol === 'http:'
            ? 80
            : undefined;
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
