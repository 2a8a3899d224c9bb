import { StopwiseError } from './errors.js';
import type { RunResult } from './run-result.js';
import { executeRun, type RunParts, type RunSetup } from './runner.js';
import type { StreamPart } from './stream-part.js';

/**
 * One call in flight: an async iterable of {@link StreamPart}s, plus `result`. The request is
 * sent when you start iterating, or when you read `result` without iterating (the run is then
 * drained for you). Iterate at most once. Breaking out of the loop aborts the request and ends
 * the run with outcome `abort`.
 */
export class StreamRun implements AsyncIterable<StreamPart> {
  /** Unique id of this call, the same as in its telemetry events. */
  readonly callId: string;
  readonly #parts: RunParts;
  readonly #result: Promise<RunResult>;
  #mode: 'idle' | 'iterating' | 'draining' = 'idle';

  /**
   * `afterResult` hears the result once it settles (the client's learning loop), without what
   * reading `result` does: reading it would start the run a microtask later and drain it, so a
   * caller who iterates after an `await` would find the run consumed and its parts dropped.
   */
  constructor(setup: RunSetup, afterResult?: (result: RunResult) => void) {
    this.callId = setup.callId;
    let settle!: (result: RunResult) => void;
    this.#result = new Promise((resolve) => {
      settle = resolve;
    });
    this.#parts = executeRun(setup, settle);
    if (afterResult) void this.#result.then(afterResult);
  }

  /**
   * Resolves when the run has ended, however it ended: it never rejects. Check `outcome`
   * (`finish`, `policy-stop`, `abort`, `error`). Reading it without iterating drains the run.
   * While iterating, it resolves once you have been handed the terminal part (on your next read,
   * a `break`, reading `result` after it, or a macrotask later), after the hooks that end the
   * call.
   */
  get result(): Promise<RunResult> {
    if (this.#mode === 'idle') {
      // Deferred, so `const r = run.result; for await (const p of run)` still iterates.
      queueMicrotask(() => {
        if (this.#mode === 'idle') void this.#drain();
      });
    } else if (this.#mode === 'iterating') {
      // Asked for after the terminal part: the consumer is done with the parts.
      this.#parts.resultRequested();
    }
    return this.#result;
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamPart> {
    if (this.#mode !== 'idle') {
      throw new StopwiseError(
        'config',
        this.#mode === 'iterating'
          ? 'this run has already been iterated (or is being iterated); a run can be iterated once: read what it returned from `await run.result`'
          : 'this run was already consumed through `result`; start iterating before awaiting result',
      );
    }
    this.#mode = 'iterating';
    return this.#parts;
  }

  /** The answer text deltas alone, for the common `for await (const text of run.textStream)`. */
  get textStream(): AsyncIterable<string> {
    const run = this;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const part of run) if (part.type === 'text-delta') yield part.delta;
      },
    };
  }

  async #drain(): Promise<void> {
    this.#mode = 'draining';
    for await (const _ of this.#parts) {
      // Parts are dropped: whoever drains only wants `result`.
    }
  }
}
