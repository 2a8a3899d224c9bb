import { createWriteStream, type WriteStream } from 'node:fs';
import { ConfigError, type Message, type TelemetryHooks } from 'stopwise';
import type { TraceRecord } from '../traces/trace-record.js';

/** Options of {@link recordTraces}. */
export interface RecordTracesOptions {
  /** The `.jsonl` file records are appended to (created if missing). */
  path: string;
  /** Prefix of each record's id (default `recorded/`); the call id follows. */
  idPrefix?: string | undefined;
  /** Write only the records for which this returns true (default: every finished call). */
  keep?: ((record: TraceRecord) => boolean) | undefined;
  /** Called when the file cannot be written (default: ignored, the stream is never affected). */
  onError?: ((error: unknown) => void) | undefined;
}

/** Telemetry hooks that write finished calls to a trace file, with `flush` and `close`. */
export interface TraceRecorder extends TelemetryHooks {
  readonly recordContent: true;
  /** Records written so far. */
  readonly written: number;
  /** Resolves once every record so far is on disk. */
  flush(): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * Records calls made through a stopwise client in the trace format, so production traffic can
 * be replayed to tune policies offline (`createReplayServer`, `evaluate`, `pnpm bench`). Pass it
 * as (one of) the client's `telemetry` hooks: it asks for content (`recordContent: true`), and on
 * each call's end appends `{ id, model, messages, output, reasoning?, finishReason }` as one
 * JSON line.
 *
 * Only calls that ran to their natural end (outcome `finish`) are written: a stopped call's
 * output is cut, and replaying it as if it were whole would teach policies the wrong lengths.
 * Give the client a `holdout` share to keep recording full outputs while policies are on.
 * Records carry no `gold`/`scorer`: add them to score the replays.
 */
export function recordTraces(options: RecordTracesOptions): TraceRecorder {
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof options.path !== 'string' ||
    options.path === ''
  ) {
    throw new ConfigError('path', 'must be the path of the .jsonl file to append trace records to');
  }
  const idPrefix = options.idPrefix ?? 'recorded/';
  const conversations = new Map<string, readonly Message[]>();
  let file: WriteStream | undefined;
  let written = 0;
  let pending: Promise<void> = Promise.resolve();
  const fail = (error: unknown) => options.onError?.(error);
  const open = () => {
    if (!file) {
      file = createWriteStream(options.path, { flags: 'a', encoding: 'utf8' });
      file.on('error', fail);
    }
    return file;
  };
  const append = (line: string) => {
    const stream = open();
    pending = pending.then(
      () =>
        new Promise<void>((resolve) => {
          stream.write(line, (error) => {
            if (error) fail(error);
            resolve();
          });
        }),
    );
  };
  return {
    recordContent: true,
    get written() {
      return written;
    },
    onCallStart(event) {
      if (event.messages) conversations.set(event.callId, event.messages);
    },
    onCallEnd(event) {
      const messages = conversations.get(event.callId);
      conversations.delete(event.callId);
      if (event.outcome !== 'finish' || !messages || event.text === undefined) return;
      const record: TraceRecord = {
        id: `${idPrefix}${event.callId}`,
        // The model the call asked for: a replayed request names it again, and it picks the tokenizer.
        model: event.model,
        messages: messages.map(({ role, content }) => ({ role, content })),
        output: event.text,
        ...(event.reasoning ? { reasoning: event.reasoning } : {}),
        finishReason: event.finishReason.unified === 'length' ? 'length' : 'stop',
        source: `stopwise recordTraces ${new Date(event.timestamp).toISOString()}`,
      };
      if (options.keep && !options.keep(record)) return;
      written += 1;
      append(`${JSON.stringify(record)}\n`);
    },
    flush: () => pending,
    close: async () => {
      await pending;
      const stream = file;
      file = undefined;
      if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
    },
  };
}
