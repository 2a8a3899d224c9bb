import type { RunResult, StreamPart, StreamRun } from 'stopwise';
import { finishPart, isFinish } from './finish-part.js';
import { HeldOutput } from './held-output.js';
import type { PartLog } from './part-log.js';
import type { V3FinishPart, V3StreamPart } from './v3-types.js';

/** Options of {@link runStream}. */
export interface RunStreamOptions {
  run: StreamRun;
  /** The run's iterator, already started (its first read may be pending). */
  parts: AsyncIterator<StreamPart>;
  log: PartLog;
  holdBack: number;
}

/**
 * The AI SDK stream of a stopwise run: the model's parts in their order and shape, text and
 * reasoning deltas as the run let them through (the stopping delta cut where stopwise cut it),
 * and a finish that always comes, with `providerMetadata.stopwise`. Pulled, not pushed: the run
 * reads the model only as fast as the AI SDK reads this stream, so a stop is decided on the
 * delta that causes it. Cancelling the stream (the caller stopped reading) aborts the run and
 * with it the model's request.
 */
export function runStream(options: RunStreamOptions): ReadableStream<V3StreamPart> {
  const { run, parts, log } = options;
  let output: HeldOutput | undefined;
  let modelFinish: V3FinishPart | undefined;
  let ended = false;
  let written = 0;
  /**
   * A failure waiting for the parts written before it to be read: erroring a web stream drops
   * the chunks it still queues, so the error is raised on the pull after them.
   */
  let failure: { error: unknown } | undefined;
  return new ReadableStream<V3StreamPart>(
    {
      start(controller) {
        const out = new HeldOutput(options.holdBack, (part) => {
          written += 1;
          controller.enqueue(part);
        });
        output = out;
        log.passThrough = (part) => {
          if (!ended) out.push(part);
        };
      },
      async pull(controller) {
        if (failure) {
          controller.error(failure.error);
          return;
        }
        const out = output as HeldOutput;
        // Read until something was written: many run parts write nothing while text is held.
        const before = written;
        while (!ended && written === before) {
          const next = await parts.next();
          if (next.done) {
            ended = true;
            controller.close();
            return;
          }
          const part = next.value;
          switch (part.type) {
            case 'text-delta':
            case 'reasoning-delta':
            case 'stream-start':
            case 'response-metadata': {
              const { passed, decided } = log.takeThrough();
              for (const passedPart of passed) out.push(passedPart);
              if (decided === undefined) break;
              out.push(withRunDelta(decided, part));
              break;
            }
            case 'finish': {
              const { passed, decided } = log.takeThrough();
              for (const passedPart of passed) out.push(passedPart);
              if (isFinish(decided)) modelFinish = decided;
              break;
            }
            case 'policy-stop':
              // Parts logged before the stopping delta pass; the delta itself was either cut and
              // yielded before this part, or kept nothing.
              pushLoggedParts(out, log);
              break;
            case 'abort':
            case 'error':
              // What the model sent before it failed (a block's end, a tool call) is the
              // consumer's, as it would be unwrapped.
              ended = true;
              pushLoggedParts(out, log);
              failure = { error: failureOf(part, log) };
              out.flush();
              failNowOrAfterWritten(controller, failure, written > before);
              return;
            default:
              break;
          }
          if (part.type === 'finish' || part.type === 'policy-stop') {
            ended = true;
            failure = await end(out, await run.result, modelFinish, controller);
            if (failure) failNowOrAfterWritten(controller, failure, written > before);
            return;
          }
        }
      },
      cancel(reason) {
        ended = true;
        return parts.return?.(reason).then(() => undefined);
      },
    },
    // One part in hand at most: the run must not read the model ahead of the AI SDK.
    { highWaterMark: 0 },
  );
}

/** Passes the parts logged since the run's last delta, except undelivered deltas. */
function pushLoggedParts(out: HeldOutput, log: PartLog): void {
  for (const logged of log.takeAll())
    if (logged.type !== 'text-delta' && logged.type !== 'reasoning-delta') out.push(logged);
}

/** Errors the stream now, or on the next pull when this pull wrote parts still to be read. */
function failNowOrAfterWritten(
  controller: ReadableStreamDefaultController<V3StreamPart>,
  failure: { error: unknown },
  wrote: boolean,
): void {
  if (!wrote) controller.error(failure.error);
}

/**
 * Writes the end of a finished or stopped run: held text, closed blocks, the finish. Returns
 * the failure to end with when the run neither finished nor stopped.
 */
async function end(
  out: HeldOutput,
  result: RunResult,
  modelFinish: V3FinishPart | undefined,
  controller: ReadableStreamDefaultController<V3StreamPart>,
): Promise<{ error: unknown } | undefined> {
  if (result.outcome !== 'finish' && result.outcome !== 'policy-stop') {
    out.flush();
    return { error: result.error ?? new Error('the run ended without an outcome') };
  }
  let streamedRetract = 0;
  if (result.outcome === 'policy-stop') {
    streamedRetract = out.retract(result.stop.phase, result.stop.retractedChars);
    out.endOpenBlocks();
  }
  out.flush();
  controller.enqueue(finishPart(result, modelFinish, streamedRetract));
  controller.close();
  return undefined;
}

/** What to fail the AI SDK stream with: what the model threw, as it threw it, when it threw. */
function failureOf(part: StreamPart & { type: 'abort' | 'error' }, log: PartLog): unknown {
  if (part.type === 'abort')
    return part.reason ?? new DOMException('The operation was aborted.', 'AbortError');
  return log.failure ? log.failure.error : part.error;
}

/** The model's delta part carrying the run's delta (the same text, or the kept part of it). */
function withRunDelta(decided: V3StreamPart, part: StreamPart): V3StreamPart {
  if ((decided.type === 'text-delta' || decided.type === 'reasoning-delta') && decided.type === part.type)
    return { ...decided, delta: part.delta };
  return decided;
}
