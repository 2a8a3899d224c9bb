import type { ProviderStreamPart } from './stream-part.js';

/** How {@link chunkStream} turns a provider's raw chunks into parts. */
export interface ChunkMapping<TChunk> {
  /** Sends the request; resolves with the raw chunks once the response has started. */
  open(): Promise<AsyncIterable<TChunk>>;
  /** Parts to emit once `open` resolved (e.g. `stream-start`). */
  started?(emit: (part: ProviderStreamPart) => void): void;
  /**
   * Maps one raw chunk to zero or more parts, synchronously. When it throws, the parts it emitted
   * before throwing are still read first, then the (mapped) error.
   */
  map(chunk: TChunk, emit: (part: ProviderStreamPart) => void): void;
  /** Parts to emit when the raw chunks end (e.g. `finish`). */
  finish(emit: (part: ProviderStreamPart) => void): void;
  /** Maps anything thrown by `open`, the chunks or the mapping (an SDK error to a `ProviderError`). */
  mapError(error: unknown): unknown;
}

/**
 * A provider stream built from raw chunks with a synchronous mapping. It does what an async
 * generator (`for await (const chunk of raw) yield ...`) does, but forwards each read with one
 * promise per raw chunk instead of a generator's rounds of promise jobs per part: on a fast
 * stream of hundreds of chunks that layer is a measurable share of the client's CPU. Starts on
 * the first read; `return()` closes the raw chunks.
 *
 * @example
 * ```ts
 * stream: (request) =>
 *   chunkStream({
 *     open: () => sdk.create(body, { signal: request.signal }),
 *     started: (emit) => emit({ type: 'stream-start' }),
 *     map: (chunk, emit) => { if (chunk.text) emit({ type: 'text-delta', delta: chunk.text }); },
 *     finish: (emit) => emit({ type: 'finish', finishReason, usage }),
 *     mapError: (error) => toProviderError(error),
 *   }),
 * ```
 */
export function chunkStream<TChunk>(mapping: ChunkMapping<TChunk>): AsyncIterable<ProviderStreamPart> {
  return { [Symbol.asyncIterator]: () => new ChunkIterator(mapping) };
}

type Result = IteratorResult<ProviderStreamPart, undefined>;

class ChunkIterator<TChunk> implements AsyncIterator<ProviderStreamPart, undefined> {
  private source: AsyncIterator<TChunk> | undefined;
  // Parts mapped but not yet read: almost always one, so a plain array's push and shift.
  private readonly queue: ProviderStreamPart[] = [];
  private state: 'new' | 'streaming' | 'ended' = 'new';
  private readonly emit = (part: ProviderStreamPart) => {
    this.queue.push(part);
  };
  private readonly fail = (error: unknown): never => {
    this.state = 'ended';
    throw this.mapping.mapError(error);
  };
  // A mapping failure waits here until the parts mapped before it (earlier items of the same
  // chunk, when a chunk is a batch of events) have been read: nothing received is dropped.
  private failure: { error: unknown } | undefined;

  constructor(private readonly mapping: ChunkMapping<TChunk>) {}

  next(): Promise<Result> {
    const queued = this.take();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.takeFailure());
    if (this.state === 'ended') return Promise.resolve({ done: true, value: undefined });
    try {
      if (this.state === 'new') {
        this.state = 'streaming';
        return this.mapping.open().then((chunks): Result | Promise<Result> => {
          try {
            this.source = chunks[Symbol.asyncIterator]();
            // Closed (`return()`) while the request was still opening: close what it opened.
            if (this.state === 'ended') return this.closeSource();
            this.mapping.started?.(this.emit);
          } catch (error) {
            return this.fail(error);
          }
          return this.take() ?? this.pull();
        }, this.fail);
      }
      return this.pull();
    } catch (error) {
      return Promise.reject(this.mapping.mapError(error));
    }
  }

  /**
   * Hands over, and forgets, the parts already mapped but not yet read: a stop decided on one
   * part of a chunk still gets the usage the same chunk carried (Gemini's last chunk holds text,
   * finish reason and usage together). Synchronous: nothing more is read.
   */
  takeReceived(): ProviderStreamPart[] {
    return this.queue.splice(0);
  }

  /** The parts already mapped but not yet read, left in place. Synchronous. */
  peekReceived(): readonly ProviderStreamPart[] {
    return this.queue;
  }

  return(): Promise<Result> {
    this.state = 'ended';
    this.queue.splice(0);
    return this.closeSource();
  }

  private closeSource(): Promise<Result> {
    const closing = this.source?.return?.();
    const done: Result = { done: true, value: undefined };
    return closing ? closing.then(() => done, this.fail) : Promise.resolve(done);
  }

  /** Reads raw chunks until one maps to a part, or they end. */
  private pull(): Promise<Result> {
    return (this.source as AsyncIterator<TChunk>).next().then((read): Result | Promise<Result> => {
      if (this.state === 'ended') return { done: true, value: undefined };
      try {
        if (read.done) {
          this.state = 'ended';
          this.mapping.finish(this.emit);
        } else {
          this.mapping.map(read.value, this.emit);
        }
      } catch (error) {
        this.state = 'ended';
        this.failure = { error: this.mapping.mapError(error) };
      }
      const part = this.take();
      if (part) return part;
      if (this.failure) throw this.takeFailure();
      return this.state === 'ended' ? { done: true, value: undefined } : this.pull();
    }, this.fail);
  }

  private takeFailure(): unknown {
    const { error } = this.failure as { error: unknown };
    this.failure = undefined;
    return error;
  }

  private take(): Result | undefined {
    const value = this.queue.shift();
    return value === undefined ? undefined : { done: false, value };
  }
}

/**
 * Whether the provider's own `finish` part has already been received (mapped, not yet read):
 * the provider generated the whole output before this point, so a stop here saves nothing.
 * A fast provider or a slow reader buffers a short output's end before the policy decides.
 * Nothing is consumed; false for iterators that do not buffer.
 */
export function receivedFinish(iterator: AsyncIterator<unknown> | undefined): boolean {
  const peek = (iterator as { peekReceived?: unknown } | undefined)?.peekReceived;
  if (typeof peek !== 'function') return false;
  try {
    const parts = peek.call(iterator);
    return Array.isArray(parts) && parts.some((part) => (part as ProviderStreamPart)?.type === 'finish');
  } catch {
    return false;
  }
}

/**
 * The parts a provider iterator has already received but not handed out yet, taken without
 * reading further; empty for iterators that do not buffer ({@link chunkStream}'s do, and
 * {@link providerStream} forwards them).
 */
export function takeReceived(iterator: AsyncIterator<unknown> | undefined): ProviderStreamPart[] {
  const take = (iterator as { takeReceived?: unknown } | undefined)?.takeReceived;
  if (typeof take !== 'function') return [];
  try {
    const parts = take.call(iterator);
    return Array.isArray(parts) ? parts : [];
  } catch {
    // An adapter's own buffer failing costs this call the provider's count, nothing else.
    return [];
  }
}
