import { readFileSync } from 'node:fs';
import { type FileHandle, open, rename } from 'node:fs/promises';
import { ConfigError, describeError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import { optionNames } from '../policies/options.js';
import type { LearningStore } from '../store/learning-store.js';
import { createMemoryStore, type StoreEntry } from '../store/memory-store.js';

/** Options of {@link fileStore}. */
export interface FileStoreOptions {
  /** The JSON file. Created at the first flush when it does not exist. */
  path: string;
  /** Milliseconds between automatic flushes when something changed. Default 5,000; 0: only `flush()`/`close()`. */
  flushEveryMs?: number | undefined;
  /** Keys kept (see `createMemoryStore`). Default 50,000. */
  maxKeys?: number | undefined;
  /** Hears a failed write; the store keeps everything in memory and tries again at the next flush. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A {@link LearningStore} kept in a JSON file. */
export interface FileStore extends LearningStore {
  /** Writes the file now (atomically) if anything changed since the last write. */
  flush(): Promise<void>;
  /**
   * Flushes and stops the timer. What is learnt afterwards stays in memory, is reported once to
   * `onError`, and is written by another `flush()` or `close()`.
   */
  close(): Promise<void>;
}

interface FileShape {
  version: 1;
  entries: Array<[string, StoreEntry]>;
}

/**
 * A {@link LearningStore} that keeps what one process learns across restarts: in memory while
 * running, loaded from `path` at creation, written back every `flushEveryMs` and on `close()`.
 * Writes are atomic (a temporary file, synced to disk, renamed over the old one), so a crash
 * mid-write leaves the last complete file, and sliced: the event loop runs between slices of
 * JSON, so a large store's flush does not hold up the streams of the process. One process per file: for several, use `@stopwise/redis`.
 *
 * A file that exists but is not one this store wrote throws a `ConfigError` here, before any
 * call, rather than being overwritten.
 *
 * @example
 * ```ts
 * import { createClient } from 'stopwise';
 * import { fileStore } from 'stopwise/node';
 *
 * const store = fileStore({ path: './stopwise-learned.json' });
 * const client = createClient({ provider, profile: 'balanced', learn: {}, store });
 * process.on('beforeExit', () => store.close());
 * ```
 */
export function fileStore(options: FileStoreOptions): FileStore {
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof options.path !== 'string' ||
    options.path === ''
  )
    throw new ConfigError('path', 'must be the path of the JSON file to keep the store in');
  rejectUnknownOptions(
    '',
    options,
    optionNames<FileStoreOptions>({ path: true, flushEveryMs: true, maxKeys: true, onError: true }),
  );
  const flushEveryMs = options.flushEveryMs ?? 5_000;
  if (!(Number.isFinite(flushEveryMs) && flushEveryMs >= 0))
    throw new ConfigError(
      'flushEveryMs',
      `must be a number of milliseconds ≥ 0, got ${String(flushEveryMs)}`,
    );
  const memory = createMemoryStore({ maxKeys: options.maxKeys });
  for (const [key, entry] of load(options.path)) memory.replace(key, entry);
  let dirty = false;
  let closed = false;
  let toldAfterClose = false;
  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // Nothing left to report to.
    }
  };
  // After close() nothing writes on a timer: say so once, rather than lose what calls still learn.
  const changed = (): void => {
    dirty = true;
    if (!closed || toldAfterClose) return;
    toldAfterClose = true;
    report(
      new Error(
        `fileStore(${options.path}): learnt after close(); kept in memory, saved only by another flush() or close()`,
      ),
    );
  };

  storesMade += 1;
  const temporary = `${options.path}.${process.pid}.${storesMade}.tmp`;
  // One write at a time: a flush asked for during a write waits for it, then writes what
  // changed meanwhile.
  let writing: Promise<void> = Promise.resolve();
  const writeChanges = async (): Promise<void> => {
    if (!dirty) return;
    // What is learnt while the file is written marks the store dirty again, for the next write.
    dirty = false;
    try {
      await writeAtomically(options.path, temporary, memory.entries());
    } catch (error) {
      dirty = true;
      report(error);
    }
  };
  const write = (): Promise<void> => {
    writing = writing.then(writeChanges);
    return writing;
  };
  let timerWrite: Promise<void> | undefined;
  const onTimer = (): void => {
    // A slow disk must not queue writes: skip a tick while the last one is still going.
    if (timerWrite !== undefined) return;
    timerWrite = write().finally(() => {
      timerWrite = undefined;
    });
  };
  const timer = flushEveryMs > 0 ? setInterval(onTimer, flushEveryMs) : undefined;
  // A store must never keep the process alive on its own.
  timer?.unref();

  return {
    increment(key, deltas) {
      memory.increment(key, deltas);
      changed();
    },
    counters: (key) => memory.counters(key),
    append(key, value, maxLength) {
      memory.append(key, value, maxLength);
      changed();
    },
    list: (key) => memory.list(key),
    revision: (key) => memory.revision(key),
    flush: write,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      // Again after a first close: what was learnt since is written then.
      await write();
    },
  };
}

/** Stores made in this process: each writes its own temporary file. */
let storesMade = 0;

/** Characters of JSON gathered before each write to the file (one synchronous stretch of work). */
const writeSliceChars = 64 * 1024;

/**
 * Writes `entries` as the store's file: to `temporary`, flushed to disk, then renamed over
 * `path`, so a crash at any point leaves the last whole file. The JSON is made a slice of
 * entries at a time, each slice written before the next is made: a store of a few hundred
 * buckets is megabytes of JSON, and making it in one go (`JSON.stringify` of the whole, then a
 * synchronous write) held the event loop for 70-160 ms at every flush, stalling every stream
 * of the process, stop decisions and aborts included.
 */
async function writeAtomically(
  path: string,
  temporary: string,
  entries: ReadonlyArray<[string, StoreEntry]>,
): Promise<void> {
  let file: FileHandle | undefined = await open(temporary, 'w');
  try {
    let pending = '{"version":1,"entries":[';
    for (let index = 0; index < entries.length; index += 1) {
      pending += (index === 0 ? '' : ',') + JSON.stringify(entries[index]);
      if (pending.length >= writeSliceChars) {
        await file.write(pending);
        pending = '';
      }
    }
    await file.write(`${pending}]}`);
    await file.sync();
    await file.close();
    file = undefined;
    await rename(temporary, path);
  } finally {
    await file?.close().catch(() => {});
  }
}

function load(path: string): Array<[string, StoreEntry]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw new ConfigError('path', `cannot read ${path}: ${describeError(error)}`);
  }
  let shape: unknown;
  try {
    shape = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      'path',
      `${path} is not JSON (${describeError(error)}); move it away or pass another path`,
    );
  }
  const entries = (shape as Partial<FileShape> | null)?.entries;
  if ((shape as Partial<FileShape> | null)?.version !== 1 || !Array.isArray(entries)) {
    throw new ConfigError(
      'path',
      `${path} is not a stopwise store file (no version 1 entries); move it away or pass another path`,
    );
  }
  return entries.filter(
    (entry): entry is [string, StoreEntry] =>
      Array.isArray(entry) &&
      typeof entry[0] === 'string' &&
      typeof entry[1] === 'object' &&
      entry[1] !== null,
  );
}
