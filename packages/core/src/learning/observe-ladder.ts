import { anyOf } from '../combinators.js';
import type { CallContext, StopPolicy } from '../policy.js';
import { buildPolicies } from '../profiles/sections.js';
import type { ProfileSettings } from '../profiles/settings.js';
import type { TokenCounter } from '../token-counter.js';
import { finalAnswer } from './final-answer.js';
import { stepSettings, type TuningLadder } from './ladder.js';
import { replayInShadow, type ShadowOutput, type ShadowStop } from './shadow-replay.js';

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
  /** Output tokens the call produced in the end. */
  readonly finalTokens: number;
  readonly counter: TokenCounter;
}

/**
 * Replays every step of a ladder over one holdout call's output (label-free: "answer kept"
 * compares the kept text with the full output, not with a gold answer), which is what the tuner
 * counts per bucket and step. Steps whose chain needs an asynchronous `prepare` (a remote length
 * store) replay without it: they see what a cold call would.
 */
export function observeLadder(options: ObserveLadderOptions): StepObservation[] {
  const { settings, ladder, call, output, finalTokens, counter } = options;
  const fullAnswer = statedAnswer(output);
  const judged = fullAnswer !== undefined;
  // Every step cuts the output into the same deltas: count each once, not once per step.
  const counted = memoizedCounter(counter);
  return ladder.steps.map((_, step) => {
    const policy = chainFor(stepSettings(settings, ladder, step), call);
    const stop = policy && replayInShadow({ policy, call, output, counter: counted });
    if (stop === undefined) return { step, stop: undefined, tokensSaved: 0, answerKept: true, judged };
    return {
      step,
      stop,
      tokensSaved: Math.max(0, finalTokens - stop.atToken),
      answerKept: keptAnswer(stop, fullAnswer),
      judged,
    };
  });
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
