import type { ReplayPlan, Segment } from './replay-plan.js';

/**
 * How one API frames a planned response as server-sent events. The `*Delta` builders are hot
 * (one call per token): they splice the JSON-escaped delta into prebuilt strings.
 */
export interface ResponseFrames {
  head(): string[];
  reasoningHead(): string[];
  reasoningDelta(delta: string): string;
  reasoningTail(text: string): string[];
  textHead(): string[];
  textDelta(delta: string): string;
  textTail(text: string): string[];
  tail(): string[];
  /** The JSON body of the non-streamed answer. */
  body(): unknown;
}

/** One write of a stream: an SSE frame and the output tokens it carries. */
export interface Frame {
  text: string;
  tokens: number;
}

function* segmentFrames(segment: Segment, delta: (text: string) => string): Generator<Frame> {
  const { chunks } = segment;
  for (let i = 0; i < segment.count; i += 1) {
    const text = chunks.text.slice(chunks.offsets[i], chunks.offsets[i + 1]);
    yield { text: delta(text), tokens: chunks.tokensPerChunk[i] ?? 1 };
  }
}

const framesOf = (texts: string[]): Frame[] => texts.map((text) => ({ text, tokens: 0 }));

/** Every frame of a streamed response, in order: reasoning first, then the output. */
export function* responseFrames(plan: ReplayPlan, frames: ResponseFrames): Generator<Frame> {
  yield* framesOf(frames.head());
  if (plan.reasoning && plan.reasoning.count > 0) {
    yield* framesOf(frames.reasoningHead());
    yield* segmentFrames(plan.reasoning, frames.reasoningDelta);
    yield* framesOf(frames.reasoningTail(plan.reasoning.text));
  }
  if (plan.output.count > 0) {
    yield* framesOf(frames.textHead());
    yield* segmentFrames(plan.output, frames.textDelta);
    yield* framesOf(frames.textTail(plan.output.text));
  }
  yield* framesOf(frames.tail());
}

/** `event: <type>` + `data: <json>` framing (Responses, Anthropic). */
export function eventFrame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Prebuilt halves of a JSON frame around one string value: `build(value)` gives the frame of
 * `template` with its `marker` string replaced by `value`, without re-serialising the object.
 */
export function spliceTemplate(template: string, marker: string): (value: string) => string {
  const quoted = JSON.stringify(marker);
  const at = template.indexOf(quoted);
  if (at < 0) throw new Error(`marker ${marker} not in template`);
  const before = template.slice(0, at);
  const after = template.slice(at + quoted.length);
  return (value) => before + JSON.stringify(value) + after;
}
