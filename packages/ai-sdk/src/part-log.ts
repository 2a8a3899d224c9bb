import type { ProviderStreamPart } from 'stopwise';
import type { V3StreamPart } from './v3-types.js';

/**
 * The wrapped model's stream parts in arrival order, between the stopwise provider that reads
 * them and the middleware that writes the AI SDK stream back out.
 *
 * The stopwise runner sees only the parts its chain decides on (text and reasoning deltas) and
 * the ones that shape its result (stream start, response metadata, finish). Everything else (tool
 * calls, sources, files, block starts and ends, raw chunks, error parts) must reach the AI SDK
 * unchanged and in order, so every part is logged here (or passed straight through, see
 * {@link PartLog.passThrough}), and when the run yields its counterpart
 * of a decided part the middleware takes the log up to that part: the parts logged before it
 * pass through as they were, the decided one is written with the run's (possibly cut) delta.
 * This is exact because the runner reads the provider one part at a time and never ahead.
 */
export class PartLog {
  private parts: V3StreamPart[] = [];
  /** What the wrapped model threw (from `doStream` or mid-stream), as it threw it. */
  failure: { error: unknown } | undefined;

  /**
   * Where a part the runner does not see goes at once, when nothing logged waits before it: the
   * provider reads on past such parts to the next one the runner sees, and a tool input or a
   * source must not wait there for the next text delta (or the finish) to reach the consumer.
   */
  passThrough: ((part: V3StreamPart) => void) | undefined;

  /** Logs a part (or passes it through); returns its stopwise counterpart when the runner must see it. */
  accept(part: V3StreamPart): ProviderStreamPart | undefined {
    const counterpart = runnerPartOf(part);
    if (counterpart === undefined && this.passThrough && this.parts.length === 0) this.passThrough(part);
    else this.parts.push(part);
    return counterpart;
  }

  /**
   * Takes the parts logged up to and including the one the run just yielded the counterpart of:
   * that is the last logged part, since nothing is logged after it until the run reads again.
   */
  takeThrough(): { passed: V3StreamPart[]; decided: V3StreamPart | undefined } {
    const parts = this.parts;
    this.parts = [];
    const decided = parts.pop();
    return { passed: parts, decided };
  }

  /** Takes every part logged and not yet taken. */
  takeAll(): V3StreamPart[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }
}

/** The part the runner sees for a model's part; undefined for parts it does not decide on. */
function runnerPartOf(part: V3StreamPart): ProviderStreamPart | undefined {
  switch (part.type) {
    // The runner drops empty deltas without yielding them: they pass through instead.
    case 'text-delta':
      return part.delta === '' ? undefined : { type: 'text-delta', delta: part.delta };
    case 'reasoning-delta':
      return part.delta === '' ? undefined : { type: 'reasoning-delta', delta: part.delta };
    case 'stream-start':
      return { type: 'stream-start' };
    case 'response-metadata':
      return { type: 'response-metadata', id: part.id, model: part.modelId };
    case 'finish':
      return {
        type: 'finish',
        finishReason: part.finishReason,
        usage: {
          inputTokens: part.usage.inputTokens.total,
          outputTokens: part.usage.outputTokens.total,
          reasoningTokens: part.usage.outputTokens.reasoning,
        },
      };
    default:
      return undefined;
  }
}
