import type { LanguageModelProvider, ProviderRequest, ProviderStreamPart } from 'stopwise';
import type { PartLog } from './part-log.js';
import type { CallParams, LanguageModel, StreamResult, V3StreamPart } from './v3-types.js';

/**
 * What one AI SDK call hands the stopwise provider, as the call's `providerOptions`: the
 * wrapped model, its call parameters (without stopwise's own provider options), the log the
 * middleware writes the AI SDK stream from, and where to report the opened stream.
 */
export interface ModelCall {
  model: LanguageModel;
  params: CallParams;
  log: PartLog;
  /** Called once `doStream` resolved, with its request and response metadata. */
  onOpen: (result: Omit<StreamResult, 'stream'>) => void;
}

/**
 * A stopwise provider that streams from whatever AI SDK model the call carries, through its
 * `doStream`: the runner, chain, telemetry and savings are stopwise's own, and this provider only
 * translates. The runner's signal replaces the caller's `abortSignal` in the model call (the
 * runner aborts it on a stop and on the caller's abort alike), so a stop closes the wrapped
 * model's HTTP request the moment it is decided.
 */
export function modelProvider(): LanguageModelProvider<ModelCall> {
  return {
    name: 'ai-sdk',
    stream(request) {
      return { [Symbol.asyncIterator]: () => new ModelStreamIterator(request) };
    },
  };
}

const finished: IteratorResult<ProviderStreamPart> = Object.freeze({ done: true, value: undefined });

/**
 * The model's stream as stopwise parts. Written with `then` rather than as an async generator:
 * each generator layer costs rounds of promise jobs per part, and this sits on every chunk.
 */
class ModelStreamIterator implements AsyncIterator<ProviderStreamPart> {
  private readonly call: ModelCall;
  private reader: ReadableStreamDefaultReader<V3StreamPart> | undefined;
  /** `return()` came: a stream that opens after it is cancelled, not read. */
  private closed = false;

  constructor(private readonly request: ProviderRequest<ModelCall>) {
    const call = request.providerOptions;
    if (call === undefined) throw new Error('@stopwise/ai-sdk: the call carries no model');
    this.call = call;
  }

  next(): Promise<IteratorResult<ProviderStreamPart>> {
    if (this.reader === undefined) return this.open().then(this.read, this.failed);
    return this.read();
  }

  return(): Promise<IteratorResult<ProviderStreamPart>> {
    // The request is aborted already (a stop, the caller) or finished: release the reader.
    const reader = this.reader;
    this.reader = undefined;
    this.closed = true;
    if (reader) reader.cancel().then(undefined, () => {});
    return Promise.resolve(finished);
  }

  private async open(): Promise<void> {
    const { model, params, onOpen } = this.call;
    const { stream, ...rest } = await model.doStream({ ...params, abortSignal: this.request.signal });
    onOpen(rest);
    // A model that ignores the abort (a stop or the caller's, while it waited for headers)
    // still hands over its stream: nobody will read it, so cancel it, or its HTTP response
    // runs on, billed, to the end.
    if (this.closed || this.request.signal.aborted) {
      stream.cancel(this.request.signal.reason).then(undefined, () => {});
      return;
    }
    this.reader = stream.getReader();
  }

  private readonly read = (): Promise<IteratorResult<ProviderStreamPart>> => {
    const reader = this.reader;
    if (reader === undefined) return Promise.resolve(finished);
    return reader.read().then(this.onRead, this.failed);
  };

  private readonly onRead = (
    next: ReadableStreamReadResult<V3StreamPart>,
  ): IteratorResult<ProviderStreamPart> | Promise<IteratorResult<ProviderStreamPart>> => {
    if (next.done) return finished;
    const part = this.call.log.accept(next.value);
    // A part the chain does not decide on is logged for the middleware and not yielded.
    return part === undefined ? this.read() : { done: false, value: part };
  };

  /** Keeps what the model threw, as it threw it (the AI SDK's retry reads its own error types). */
  private readonly failed = (error: unknown): never => {
    if (!this.request.signal.aborted) this.call.log.failure ??= { error };
    throw error;
  };
}
