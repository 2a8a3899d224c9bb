import { takeReceived } from './chunk-stream.js';
import { endsInLoop } from './policies/tail-loop.js';
import type { StopDecision, StopKind, StreamView } from './policy.js';
import { definedOnly } from './run-outcome.js';
import type { RunState } from './run-state.js';
import type { StopInfo } from './stop-info.js';
import type { ProviderStreamPart, Usage } from './stream-part.js';
import { safeCutIndex } from './text-boundary.js';

/**
 * The kind of a stop as its savings see it. A cap's stop says only "longer than here", unless
 * the output was looping when the cap cut it: then it was running away, and its savings are
 * estimated from other runaway calls rather than from the lengths of calls that ended on their
 * own. `result.stop.kind` stays the policy's (`cap`: a token cut is still a token cut, e.g. the
 * AI SDK's finish reason `length`). Checked once per stop, over the end of the phase's text.
 */
export function savingsKindOf(decision: StopDecision, phaseText: string): StopKind {
  const kind = decision.kind ?? 'complete';
  return kind === 'cap' && endsInLoop(phaseText) ? 'runaway' : kind;
}

/**
 * Whether a decision must wait for the next delta before it acts: a judgement (not a safety
 * stop) in the reasoning with nothing but white space after the point that decided it. The
 * reasoning may have ended right there: a model's last thinking line is usually its conclusion
 * ("So the answer is 42.\n"), the line that completes a convergence. Stopping then saves only
 * the answer, which is short and what the caller wants. So the decision waits: if the reasoning
 * goes on, it acts on the next delta (one token later, with the same cut); if the answer begins,
 * it is dropped. Recorded traces whose reasoning was trimmed never end on a line break; streams
 * do (`...\n</think>`, `reasoning_content` ending in `\n\n`).
 */
export function waitsForReasoningEnd(decision: StopDecision, view: StreamView): boolean {
  if (view.phase !== 'reasoning' || decision.safety === true || view.delta.length === 0) return false;
  // Where it was decided, else where it cuts: text after either shows the reasoning went on.
  const point = decision.decidedAt ?? decision.cutAt;
  const from = point === undefined ? view.delta.length : point - view.deltaOffset;
  return !/\S/.test(view.delta.slice(Math.max(0, from)));
}

/** What the provider had already sent when a stop aborted its request. */
export interface ReceivedAtStop {
  /** The provider's finish was among it: the whole output was generated (and billed) already. */
  finished: boolean;
  /** Usage it carried (the provider's count), merged over `usage`. */
  usage: Partial<Usage>;
}

/**
 * Usage the provider already sent with the chunk that held the stopping delta (mapped, not yet
 * read) is the provider's count: keep it rather than report an estimate. Parts not yet received
 * are not waited for; the request is already aborted. Takes them out of `iterator`'s buffer.
 */
export function takeReceivedAtStop(
  iterator: AsyncIterator<ProviderStreamPart> | undefined,
  usage: Partial<Usage>,
): ReceivedAtStop {
  let finished = false;
  let merged = usage;
  for (const part of takeReceived(iterator)) {
    if (part.type === 'finish') finished = true;
    if ((part.type === 'finish' || part.type === 'response-metadata') && part.usage) {
      merged = { ...merged, ...definedOnly(part.usage) };
    }
  }
  return { finished, usage: merged };
}

/**
 * Cuts the phase's text where `decision` says (never inside a surrogate pair) and describes the
 * stop. The cut may reach back before the stopping delta (a loop that began earlier, a stop
 * string split across chunks): the result is trimmed there, and `retractedChars` tells
 * streaming consumers how much of what they already have to drop.
 */
export function cutAtStop(options: {
  state: RunState;
  decision: StopDecision;
  policy: string;
  phase: 'reasoning' | 'answer';
  /** Where the stopping delta starts in the phase's text. */
  deltaOffset: number;
}): StopInfo {
  const { state, decision, phase } = options;
  const target = state.phase(phase);
  const cut = safeCutIndex(target.text, decision.cutAt ?? target.length);
  state.truncate(phase, cut);
  return {
    policy: options.policy,
    reason: decision.reason,
    phase,
    atChar: cut,
    atToken: state.keptTokens(),
    retractedChars: Math.max(0, options.deltaOffset - cut),
    kind: decision.kind ?? 'complete',
    confidence: decision.confidence,
    ...(decision.answer !== undefined && { answer: decision.answer }),
  };
}
