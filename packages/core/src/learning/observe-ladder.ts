import type { LengthHistoryStore } from '../adaptive/length-history.js';
import { anyOf } from '../combinators.js';
import type { CallContext, StopPolicy } from '../policy.js';
import { withLengthStore } from '../profiles/call-settings.js';
import { buildPolicies } from '../profiles/sections.js';
import type { ProfileSettings } from '../profiles/settings.js';
import { safeCutIndex } from '../text-boundary.js';
import type { TokenCounter } from '../token-counter.js';
import { finalAnswer } from './final-answer.js';
import { stepSettings, type TuningLadder } from './ladder.js';
import { drain, replayInSlices, type ShadowOutput, type ShadowStop } from './shadow-replay.js';

/** What one ladder step would have done to one finished output. */
export interface StepObservation {
  readonly step: number;
  /** Where the step's chain would have stopped; undefined when it would have let the output run. */
  readonly stop: ShadowStop | undefined;
  /** Output tokens the stop would have saved (0 when it would not have stopped). */
  readonly tokensSaved: number;
  /** Whether the text kept at the stop still states the full output's final answer (see `finalAnswer`). */
  readonly answerKept: boolean;
  /**
   * False when the output states no explicit answer (no `\boxed{}`, no "the answer is ..."),
   * so a stop cannot be judged on it. Such an observation counts for no step, neither kept nor
   * lost: a step earns no trust on outputs it cannot be checked on.
   */
  readonly judged: boolean;
}

/** Options of {@link observeLadder}. */
export interface ObserveLadderOptions {
  /** The profile's own settings (the steps' overrides go over them). */
  readonly settings: ProfileSettings;
  readonly ladder: TuningLadder;
  readonly call: CallContext;
  /** The holdout call's whole output. */
  readonly output: ShadowOutput;
  /**
   * Output tokens the call produced in the end. Undefined: counted here, a slice at a time
   * (counting a 150,000-character reasoning in one go takes 9-36 ms).
   */
  readonly finalTokens: number | undefined;
  readonly counter: TokenCounter;
  /**
   * The length history the call's adaptive length read (the client's `store`), for the steps
   * that leave `adaptiveLength.store` at its default. Undefined: the process-wide default.
   */
  readonly lengthStore?: LengthHistoryStore | undefined;
}

/**
 * Replays every step of a ladder over one holdout call's output (label-free: "answer kept"
 * compares the kept text with the full output, not with a gold answer), which is what the tuner
 * counts per bucket and step. Steps whose chain needs an asynchronous `prepare` (a remote length
 * store) replay without it: they see what a cold call would.
 */
export function observeLadder(options: ObserveLadderOptions): StepObservation[] {
  return drain(observeLadderInSlices(options));
}

/**
 * {@link observeLadder} a slice at a time (see `replayInSlices`): it pauses between steps and
 * within each step's replay, and returns the observations.
 */
export function* observeLadderInSlices(options: ObserveLadderOptions): Generator<void, StepObservation[]> {
  const { settings, ladder, call, output, counter, lengthStore } = options;
  const finalTokens =
    options.finalTokens ??
    (yield* tokensInSlices(counter, output.reasoning)) + (yield* tokensInSlices(counter, output.text));
  const fullAnswer = statedAnswer(output);
  const judged = fullAnswer !== undefined;
  // Every step cuts the output into the same deltas: count each once, not once per step.
  const counted = memoizedCounter(counter);
  const observations: StepObservation[] = [];
  for (let step = 0; step < ladder.steps.length; step += 1) {
    if (step > 0) yield;
    const stepped = stepSettings(settings, ladder, step);
    const policy = chainFor(lengthStore ? withLengthStore(stepped, lengthStore) : stepped, call);
    const stop = policy && (yield* replayInSlices({ policy, call, output, counter: counted }));
    observations.push(
      stop === undefined
        ? { step, stop: undefined, tokensSaved: 0, answerKept: true, judged }
        : {
            step,
            stop,
            tokensSaved: Math.max(0, finalTokens - stop.atToken),
            answerKept: keptAnswer(stop, fullAnswer),
            judged,
          },
    );
  }
  return observations;
}

/** Characters counted between pauses of {@link tokensInSlices}. */
const countSliceChars = 4_000;

/**
 * Tokens of `text`, counted a piece at a time with a pause after each. Pieces end before white
 * space, where a token starts in the encodings stopwise uses, so the sum is the whole text's
 * count, or within a token or two of it.
 */
function* tokensInSlices(counter: TokenCounter, text: string): Generator<void, number> {
  let tokens = 0;
  for (let from = 0; from < text.length; ) {
    let to = Math.min(text.length, from + countSliceChars);
    const space = text.slice(to, to + 200).search(/\s/);
    to = space === -1 ? safeCutIndex(text, to) : to + space;
    if (to <= from) to = text.length;
    tokens += counter.count(text.slice(from, to));
    from = to;
    if (from < text.length) yield;
  }
  return tokens;
}

/**
 * The answer an output states explicitly (a box, "the answer is ..."), which is what makes its
 * observations judgeable; undefined when it states none. Only an explicit answer is judged: the
 * last number of an output is too often whatever a loop or a re-check was computing, which made
 * stops of loops read as lost answers (3% of MATH-500 outputs at the most conservative step).
 * Online, an output without one is not replayed at all: its observations would count for no step.
 */
export function statedAnswer(output: ShadowOutput): string | undefined {
  return finalAnswer(output.text !== '' ? output.text : output.reasoning, { explicitOnly: true });
}

function memoizedCounter(counter: TokenCounter): TokenCounter {
  const counts = new Map<string, number>();
  const memoized: TokenCounter = {
    encoding: counter.encoding,
    exact: counter.exact,
    get ready() {
      return counter.ready;
    },
    load: () => counter.load().then(() => memoized),
    count(text) {
      let count = counts.get(text);
      if (count === undefined) {
        count = counter.count(text);
        // An approximation (the table still loading) is not the count to remember.
        if (counter.ready) counts.set(text, count);
      }
      return count;
    },
  };
  return memoized;
}

function chainFor(settings: ProfileSettings, call: CallContext): StopPolicy | undefined {
  const policies = buildPolicies(settings, call).map((built) => built.policy);
  for (const policy of policies) {
    const prepare = (policy as { prepare?: (call: CallContext) => unknown }).prepare;
    // A promise means a remote store: replay cold rather than wait (this runs after the call).
    if (typeof prepare === 'function') void Promise.resolve(prepare.call(policy, call)).catch(() => {});
  }
  if (policies.length === 0) return undefined;
  return policies.length === 1 ? policies[0] : anyOf(...policies);
}

function keptAnswer(stop: ShadowStop, fullAnswer: string | undefined): boolean {
  const handed = stop.answer === undefined ? undefined : finalAnswer(`\\boxed{${stop.answer}}`);
  const kept =
    handed ?? finalAnswer(stop.keptText !== '' ? stop.keptText : stop.keptReasoning, { explicitOnly: true });
  return kept === fullAnswer;
}
