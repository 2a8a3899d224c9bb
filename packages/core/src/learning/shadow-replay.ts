import type { AttributedDecision } from '../combinators.js';
import type { CallContext, StopKind, StopPolicy, StreamView } from '../policy.js';
import { budgetChanges, guardPolicy } from '../policy-guard.js';
import { safeCutIndex } from '../text-boundary.js';
import type { TokenCounter } from '../token-counter.js';

/** A finished output to replay: its reasoning (empty for a model without one) and its answer text. */
export interface ShadowOutput {
  readonly reasoning: string;
  readonly text: string;
}

/** Where a chain replayed over a finished output would have stopped it, and what it kept. */
export interface ShadowStop {
  readonly policy: string;
  readonly kind: StopKind;
  readonly phase: 'reasoning' | 'answer';
  /** Output tokens received when the chain decided. */
  readonly atToken: number;
  readonly keptReasoning: string;
  /** Empty for a stop in the reasoning phase: the answer never arrived. */
  readonly keptText: string;
  /** The short answer the stopping policy handed over (a stop in the reasoning), if any. */
  readonly answer: string | undefined;
}

/** Options of {@link replayInShadow}. */
export interface ShadowReplayOptions {
  /** The chain to replay: fresh policies (a policy object serves one call at a time). */
  readonly policy: StopPolicy;
  readonly call: CallContext;
  readonly output: ShadowOutput;
  /** Counts tokens of each delta, as the runner does. */
  readonly counter: TokenCounter;
  /** Characters per replayed delta. Default 16, about four tokens. */
  readonly chunkChars?: number | undefined;
}

/**
 * Replays a stop chain over an output that already ran to its end (a holdout call), as the
 * runner would have fed it, and says where it would have stopped. It is how the tuner learns
 * what each step of its ladder would have cost without paying for a call per step: one finished
 * output is replayed once per step.
 *
 * Policies are chunk-boundary invariant in what they decide, so the output is cut into deltas
 * of `chunkChars`; token counts are the counter's count of each delta, as the runner counts
 * deltas, and can differ by a few tokens from the provider's. Elapsed time is not replayed (it
 * reads 0): `timeout` is a safety stop that the tuner does not tune. Nothing is written to any
 * history: policies' `end` is not called.
 */
export function replayInShadow(options: ShadowReplayOptions): ShadowStop | undefined {
  return drain(replayInSlices(options));
}

/** Deltas a slice of {@link replayInSlices} replays before it pauses. */
const deltasPerSlice = 64;

/**
 * {@link replayInShadow} a slice at a time: the generator pauses (yields) every few dozen deltas
 * and returns the stop. Whoever runs it decides when to go on: the online tuner lets the event
 * loop run between slices, so replaying a long holdout output (tens of milliseconds per step on
 * a 100,000-character reasoning) never holds the streams of the process.
 */
export function* replayInSlices(options: ShadowReplayOptions): Generator<void, ShadowStop | undefined> {
  const { call, output, counter } = options;
  const size = options.chunkChars ?? 16;
  const policy = guardPolicy(options.policy);
  const budgetScale = budgetChanges(policy.start?.(call)).reduce((scale, change) => scale * change.scale, 1);
  const texts = { reasoning: '', answer: '' };
  const phaseTokens = { reasoning: 0, answer: 0 };
  let sliceDeltas = 0;
  for (const phase of ['reasoning', 'answer'] as const) {
    const source = phase === 'reasoning' ? output.reasoning : output.text;
    for (let from = 0; from < source.length; ) {
      const to =
        safeCutIndex(source, Math.min(source.length, from + size)) || Math.min(source.length, from + size);
      const delta = source.slice(from, to);
      const deltaOffset = texts[phase].length;
      texts[phase] += delta;
      phaseTokens[phase] += counter.count(delta);
      from = to;
      const view: StreamView = {
        phase,
        delta,
        deltaOffset,
        text: texts.answer,
        reasoning: texts.reasoning,
        tokens: phaseTokens.reasoning + phaseTokens.answer,
        phaseTokens: phaseTokens[phase],
        elapsedMs: 0,
        budgetScale,
        logprobs: undefined,
      };
      const decision = policy.step(view);
      if (decision === undefined) {
        sliceDeltas += 1;
        if (sliceDeltas >= deltasPerSlice) {
          sliceDeltas = 0;
          yield;
        }
        continue;
      }
      const cut = safeCutIndex(texts[phase], decision.cutAt ?? texts[phase].length);
      const kept = texts[phase].slice(0, cut);
      return {
        policy: (decision as AttributedDecision).policy ?? policy.name,
        kind: decision.kind ?? 'complete',
        phase,
        atToken: view.tokens,
        keptReasoning: phase === 'reasoning' ? kept : texts.reasoning,
        keptText: phase === 'answer' ? kept : '',
        answer: decision.answer,
      };
    }
  }
  return undefined;
}

/** Runs a sliced computation to its end at once (offline, where nothing else waits). */
export function drain<T>(slices: Generator<void, T>): T {
  for (;;) {
    const next = slices.next();
    if (next.done === true) return next.value;
  }
}
