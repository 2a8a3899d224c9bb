import { createWriteStream, type WriteStream } from 'node:fs';
import { ConfigError, redactSecrets } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import { optionNames } from '../policies/options.js';
import type { TelemetryEvent, TelemetryHooks } from '../telemetry/events.js';
import { serializeEvent } from '../telemetry/serialize-event.js';

/** Options of {@link jsonlFileExporter}. */
export interface JsonlFileExporterOptions {
  /** File to append to (created if missing; its directory must exist). */
  path: string;
  /** Write prompt and output text into events. Default false. */
  recordContent?: boolean | undefined;
  /** Which event types to write. Default: all. */
  events?: readonly TelemetryEvent['type'][] | undefined;
  /** Bytes waiting for the disk past which new events are dropped (and counted). Default 16 MiB. */
  maxBufferedBytes?: number | undefined;
  /** Hears write failures (a missing directory, a full disk). Default: ignore them. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Telemetry hooks writing one JSON event per line, with flush/close. */
export interface JsonlFileExporter extends TelemetryHooks {
  /** Resolves once every event handed over so far is written (or failed). */
  flush(): Promise<void>;
  /** Flushes, closes the file, and drops any later event. */
  close(): Promise<void>;
  /** Events written so far. */
  readonly written: number;
  /** Events dropped: buffer full, file closed or failed, or an event that could not be serialised. */
  readonly dropped: number;
}

const eventTypes: readonly TelemetryEvent['type'][] = [
  'call-start',
  'policy-decision',
  'policy-stop',
  'call-end',
  'error',
];

function validate(options: JsonlFileExporterOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object { path }');
  rejectUnknownOptions(
    '',
    options,
    optionNames<JsonlFileExporterOptions>({
      path: true,
      recordContent: true,
      events: true,
      maxBufferedBytes: true,
      onError: true,
    }),
  );
  if (typeof options.path !== 'string' || options.path === '')
    throw new ConfigError('path', 'must be a file path');
  if (options.recordContent !== undefined && typeof options.recordContent !== 'boolean') {
    throw new ConfigError('recordContent', 'must be true or false');
  }
  const max = options.maxBufferedBytes;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new ConfigError('maxBufferedBytes', `must be a positive integer, got ${String(max)}`);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('onError', 'must be a function (error) => void');
  }
  for (const [index, type] of (options.events ?? []).entries()) {
    if (!eventTypes.includes(type))
      throw new ConfigError(`events[${index}]`, `must be one of ${eventTypes.join(', ')}`);
  }
}

/**
 * A JSON-lines file exporter (Node only: `stopwise/node`). Appends one event per line. Writes
 * are queued on a file stream and never awaited by the run; a write failure is reported to
 * `onError`, never thrown into the stream. Call `close()` before the process exits.
 *
 * @example
 * import { jsonlFileExporter } from 'stopwise/node';
 * const file = jsonlFileExporter({ path: './stopwise-events.jsonl' });
 * const client = createClient({ provider, telemetry: file });
 * // ...
 * await file.close();
 */
export function jsonlFileExporter(options: JsonlFileExporterOptions): JsonlFileExporter {
  validate(options);
  const maxBuffered = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  const wanted = new Set(options.events ?? eventTypes);
  let stream: WriteStream | undefined;
  let state: 'open' | 'closed' | 'failed' = 'open';
  let pending = 0;
  let waiters: Array<() => void> = [];
  let written = 0;
  let dropped = 0;

  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error handler has nowhere left to report to.
    }
  };
  const release = () => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const settled = () => {
    if (pending === 0) return; // already released by a stream error
    pending -= 1;
    if (pending === 0) release();
  };
  const open = (): WriteStream => {
    if (stream) return stream;
    stream = createWriteStream(options.path, { flags: 'a', encoding: 'utf8' });
    stream.on('error', (error) => {
      // The stream is destroyed: queued lines are lost, and flush() must not wait for them.
      state = 'failed';
      dropped += pending;
      pending = 0;
      release();
      report(error);
    });
    return stream;
  };

  const exporter: JsonlFileExporter = {
    recordContent: options.recordContent ?? false,
    onEvent(event) {
      if (!wanted.has(event.type)) return;
      if (state !== 'open') {
        dropped += 1;
        return;
      }
      let line: string;
      try {
        line = `${redactSecrets(JSON.stringify(serializeEvent(event)))}\n`;
      } catch (error) {
        dropped += 1;
        report(error);
        return;
      }
      const file = open();
      if (file.writableLength + line.length > maxBuffered) {
        dropped += 1;
        return;
      }
      pending += 1;
      file.write(line, (error) => {
        if (state === 'failed') return; // counted as dropped by the error handler
        if (error) dropped += 1;
        else written += 1;
        settled();
      });
    },
    flush: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async close() {
      if (state === 'open') state = 'closed';
      await exporter.flush();
      const file = stream;
      if (!file || file.closed) return;
      await new Promise<void>((resolve) => {
        file.end(() => resolve());
        file.once('error', () => resolve());
      });
    },
    get written() {
      return written;
    },
    get dropped() {
      return dropped;
    },
  };
  return exporter;
}
