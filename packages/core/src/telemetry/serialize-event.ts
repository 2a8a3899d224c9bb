import { redactSecrets, StopwiseError } from '../errors.js';
import type { TelemetryEvent } from './events.js';

/** An error as exporters write it: no `cause` (SDK errors can carry request headers), secrets redacted. */
export interface SerializedError {
  name: string;
  kind: string | undefined;
  message: string;
  [field: string]: unknown;
}

const errorFields = [
  'field',
  'policy',
  'during',
  'provider',
  'status',
  'code',
  'requestId',
  'retryable',
  'retryAfterMs',
  'connection',
] as const;

/** A JSON-safe copy of an error: name, kind, redacted message and the stopwise error fields. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error))
    return { name: 'Error', kind: undefined, message: redactSecrets(String(error)) };
  const out: SerializedError = {
    name: error.name,
    kind: StopwiseError.isInstance(error) ? error.kind : undefined,
    message: redactSecrets(error.message),
  };
  for (const field of errorFields) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = typeof value === 'string' ? redactSecrets(value) : value;
  }
  return out;
}

/**
 * A telemetry event as a plain JSON-safe object, for exporters that write events out (JSON
 * lines, logs). Errors become {@link SerializedError}s. Content fields are kept as they are:
 * they are on the event only when its hook set asked for `recordContent`.
 */
export function serializeEvent(event: TelemetryEvent): Record<string, unknown> {
  if (event.type === 'error') return { ...event, error: serializeError(event.error) };
  return { ...event };
}
