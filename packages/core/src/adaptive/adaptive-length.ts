import { ConfigError } from '../errors.js';
import type { CallContext, StopDecision, StopPolicy, StreamView } from '../policy.js';
import { isThenable } from '../thenable.js';
import {
  type CallKeys,
  type History,
  keysOf,
  learn,
  type Phase,
  phaseHistory,
  phaseLists,
  readHistory,
} from './call-history.js';
import { lastWordEnd, sentenceOrLineEnd } from './clean-cut.js';
import {
  defaultLengthHistory,
  isLengthHistoryStore,
  type LengthHistoryStore,
  type LengthSample,
} from './length-history.js';
import { type LengthPrediction, type PredictionSettings, predictLength } from './length-prediction.js';
import { StatedAnswerWatch } from './stated-answer.js';
import { validateAdaptiveLengthOptions } from './validate-adaptive.js';

/** Options of {@link adaptiveLength}. Every field is optional; the defaults are `balanced`'s. */
export interface AdaptiveLengthOptions {
  /** Where lengths are kept. Default: {@link defaultLengthHistory} (in memory, bounded). */
  store?: LengthHistoryStore | undefined;
  /** Which quantile of the predicted length to budget for, in (0, 1). Default 0.95. */
  quantile?: number | undefined;
  /**
   * Confidence of the upper bound used for that quantile, in [0, 1). Default 0.9: the budget
   * uses a sample rank that is at or above the true quantile 9 times in 10, so a bucket needs
   * about 45 natural ends before its q0.95 is used. 0 uses the point estimate.
   */
  confidence?: number | undefined;
  /** Factor over that quantile, at least 1. Default 1.5. */
  slack?: number | undefined;
  /** Natural ends a history level needs before it is used. Default 12. */
  minSamples?: number | undefined;
  /** Tokens past the budget to wait for the end of a sentence or line. Default 64. */
  graceTokens?: number | undefined;
  /** No budget is ever below this many tokens, whatever the scale. Default 64. */
  minBudget?: number | undefined;
  /** How much a user's own lengths count against their bucket's. Default 2. */
  userWeight?: number | undefined;
  /**
   * Budget in tokens when there is no usable history, before the keyword scale. Default none:
   * with no history there is no cut (a wrong guess would cut good answers).
   */
  priorTokens?: number | undefined;
  /**
   * Different quantile, confidence or slack for the reasoning phase. A cut there keeps the
   * reasoning and the answers it has reached, while a cut in the answer usually loses the answer
   * (it comes last), so the presets budget reasoning tighter. Default: the same as the answer's.
   *
   * `roomWithoutAnswer`: how far past its budget reasoning that has not stated an answer yet may
   * run, as a factor of the budget (1 to 100; default 2). A cut there would keep no answer at
   * all: the reasoning gets that much more room to reach one, and is cut as soon as it states
   * one (see docs/adaptive-length.md).
   */
  reasoning?:
    | {
        quantile?: number | undefined;
        confidence?: number | undefined;
        slack?: number | undefined;
        roomWithoutAnswer?: number | undefined;
      }
    | undefined;
  /** Which phases get a budget: each phase has its own history. Default `any` (both). */
  phase?: 'answer' | 'reasoning' | 'any' | undefined;
  /** Record lengths when calls end (default true). */
  learn?: boolean | undefined;
}

/** The validated settings of an adaptive-length policy. */
export type AdaptiveLengthSettings = Required<
  Omit<AdaptiveLengthOptions, 'store' | 'priorTokens' | 'reasoning'>
> & {
  store: LengthHistoryStore;
  priorTokens: number | undefined;
  /**
   * The reasoning phase's quantile, confidence and slack (the answer's where not overridden),
   * and its room without an answer.
   */
  reasoning: { quantile: number; confidence: number; slack: number; roomWithoutAnswer: number };
};

/** An adaptive-length policy: it can load an async history before the call, and tells its budget. */
export interface AdaptiveLengthPolicy extends StopPolicy {
  /**
   * Loads the call's history from the store: a promise the chain resolver awaits before `start`
   * when the store is async, `undefined` when the read was synchronous.
   */
  prepare(call: CallContext): Promise<void> | undefined;
  /** The predictions made at the last `start`, by phase. */
  readonly predictions: { readonly reasoning?: LengthPrediction; readonly answer?: LengthPrediction };
  /** The settings in force. */
  readonly settings: AdaptiveLengthSettings;
  /** The budget of `phase` under a budget scale, in tokens; undefined when there is none. */
  budget(phase: 'reasoning' | 'answer', budgetScale: number): number | undefined;
}

// Tokens before the budget from which the text tail a cut needs is kept (see `step`).
const tailLeadTokens = 256;
// Keeps a cut from going wild on a runaway product of keyword scales.
const clampScale = (scale: number) => Math.min(10, Math.max(0.1, Number.isFinite(scale) ? scale : 1));

/**
 * Adaptive length: before the call, predicts how long a good answer is from lengths seen for
 * similar calls (same model and bucket, and this user) and budgets `quantile × slack ×
 * view.budgetScale` tokens per phase. Reaching the budget stops at the next end of a sentence or
 * line within `graceTokens`, else at the last word end. Learns only what calls tell truly: a
 * natural end is a length, a stopped call is "at least this long" (see docs/adaptive-length.md).
 */
export function adaptiveLength(options: AdaptiveLengthOptions = {}): AdaptiveLengthPolicy {
  return adaptiveLengthFrom(adaptiveLengthConfig(options));
}

/**
 * Validates {@link AdaptiveLengthOptions} and its store (a `ConfigError` naming the field) and
 * fills in the defaults, once per profile plan rather than once per call.
 */
export function adaptiveLengthConfig(options: AdaptiveLengthOptions = {}): AdaptiveLengthSettings {
  const settings = validateAdaptiveLengthOptions('adaptiveLength', options);
  if (!isLengthHistoryStore(settings.store)) {
    throw new ConfigError(
      'adaptiveLength.store',
      'must be a LengthHistoryStore { get(key), add(key, sample) }',
    );
  }
  return settings;
}

/** A fresh adaptive-length policy (per-call state only) from validated settings. */
export function adaptiveLengthFrom(settings: AdaptiveLengthSettings): AdaptiveLengthPolicy {
  const { store } = settings;
  let preparedFor: CallContext | undefined;
  let prepared: History | undefined;
  let preparedKeys: CallKeys | undefined;
  let keys: CallKeys | undefined;
  let predictions: Predictions = {};
  const seen = { reasoning: 0, answer: 0, scale: 1 };
  // Whether each phase has shown anything but white space: an empty thinking block
  // ("<think>\n\n</think>") is no thinking, and a one-token "length" of it would drag the
  // bucket's reasoning budget down (and count toward its minimum of samples).
  const spoke = { reasoning: false, answer: false };
  const tails = { reasoning: '', answer: '' };
  const answers = new StatedAnswerWatch();
  const scaled = {
    scale: Number.NaN,
    reasoning: undefined as number | undefined,
    answer: undefined as number | undefined,
  };

  // Its helpers are functions of the module and its hooks methods: a policy is made for every
  // call, and each closure made with it costs an allocation (under tsx, a `__name` call too).
  return {
    name: nameOf(settings),
    settings,
    get predictions() {
      return predictions;
    },
    /**
     * Loads the call's history. Synchronous over a synchronous store (the memory store): the
     * chain then resolves without the promise round trips an async read costs every call.
     */
    prepare(call: CallContext): Promise<void> | undefined {
      const callKeys = keysOf(call);
      const reasoning = phaseLists(store, callKeys.reasoning);
      const answer = phaseLists(store, callKeys.answer);
      if (!reasoning.some(isThenable) && !answer.some(isThenable)) {
        prepared = {
          reasoning: phaseHistory(reasoning as Array<readonly LengthSample[] | undefined>),
          answer: phaseHistory(answer as Array<readonly LengthSample[] | undefined>),
        };
        preparedFor = call;
        preparedKeys = callKeys;
        return undefined;
      }
      return Promise.all([Promise.all(reasoning), Promise.all(answer)]).then(
        ([loadedReasoning, loadedAnswer]) => {
          prepared = { reasoning: phaseHistory(loadedReasoning), answer: phaseHistory(loadedAnswer) };
          preparedFor = call;
          preparedKeys = callKeys;
        },
      );
    },
    budget(phase: Phase, budgetScale: number): number | undefined {
      return budgetOf(settings, predictions, phase, budgetScale);
    },
    start(call) {
      // Keys are worked out once per call: `prepare` already did when it ran for this call.
      const callKeys = preparedFor === call && preparedKeys ? preparedKeys : keysOf(call);
      keys = callKeys;
      // What `prepare` loaded, else a synchronous read (async stores: none).
      const history = preparedFor === call && prepared ? prepared : readHistory(store, callKeys);
      preparedFor = undefined;
      prepared = undefined;
      preparedKeys = undefined;
      predictions = {
        reasoning: predictLength('reasoning', history.reasoning, keys.reasoning, reasoningSettings(settings)),
        answer: predictLength('answer', history.answer, keys.answer, settings),
      };
      seen.reasoning = 0;
      seen.answer = 0;
      seen.scale = 1;
      spoke.reasoning = false;
      spoke.answer = false;
      tails.reasoning = '';
      tails.answer = '';
      answers.reset();
      scaled.scale = Number.NaN;
    },
    step(view) {
      if (!spoke[view.phase]) spoke[view.phase] = /\S/.test(view.delta);
      if (spoke[view.phase]) seen[view.phase] = view.phaseTokens;
      if (scaled.scale !== view.budgetScale) {
        // The scale is set at start; work it out once, not per delta.
        seen.scale = clampScale(view.budgetScale);
        scaled.scale = view.budgetScale;
        scaled.reasoning = budgetOf(settings, predictions, 'reasoning', view.budgetScale);
        scaled.answer = budgetOf(settings, predictions, 'answer', view.budgetScale);
      }
      const limit = scaled[view.phase];
      // The budget is fixed at start: a phase without one has nothing to cut or to remember.
      if (limit === undefined || view.phaseTokens < limit - tailLeadTokens) return undefined;
      // The text before this delta, kept from 256 tokens before the budget on and trimmed now
      // and then, not per delta.
      const kept = tails[view.phase];
      tails[view.phase] = kept.length > 512 ? (kept + view.delta).slice(-64) : kept + view.delta;
      if (view.phaseTokens < limit) return undefined;
      // Reasoning that has stated no answer yet would keep none if cut: it gets more room, and
      // is cut right after the line that states one.
      let hardLimit: number | undefined;
      if (view.phase === 'reasoning' && settings.reasoning.roomWithoutAnswer > 1) {
        if (!answers.stated(view)) {
          hardLimit = Math.round(limit * settings.reasoning.roomWithoutAnswer);
          if (view.phaseTokens < hardLimit) return undefined;
        } else if (answers.statedLineEnd !== undefined) {
          return {
            reason: `reached the predicted reasoning length of ${limit} tokens (${describePrediction(predictions.reasoning)}), then stated an answer`,
            cutAt: answers.statedLineEnd,
            kind: 'runaway',
            confidence: 0.9,
          };
        }
      }
      let tail = kept.slice(-64);
      if (tail.length < 64 && view.deltaOffset > tail.length) {
        // Huge deltas jumped the lead: read the 64 characters from the text (rare, once a step).
        const text = view.phase === 'answer' ? view.text : view.reasoning;
        tail = text.slice(Math.max(0, view.deltaOffset - 64), view.deltaOffset);
      }
      const window = tail + view.delta;
      const prediction = predictions[view.phase];
      const why =
        hardLimit === undefined
          ? `reached the predicted ${view.phase} length of ${limit} tokens (${describePrediction(prediction)})`
          : `reached ${hardLimit} tokens of reasoning without stating an answer, ${settings.reasoning.roomWithoutAnswer} × its predicted length of ${limit} tokens (${describePrediction(prediction)})`;
      return cutDecision(view, window, tail.length, hardLimit ?? limit, why, settings.graceTokens);
    },
    end(end) {
      if (settings.learn && keys) learn(store, keys, seen, end);
    },
  };
}

type Predictions = { reasoning?: LengthPrediction; answer?: LengthPrediction };

/** The budget of `phase` under a budget scale, in tokens; undefined when there is none. */
function budgetOf(
  settings: AdaptiveLengthSettings,
  predictions: Predictions,
  phase: Phase,
  budgetScale: number,
): number | undefined {
  const base = predictions[phase]?.baseBudget;
  if (base === undefined || !(settings.phase === 'any' || settings.phase === phase)) return undefined;
  return Math.max(settings.minBudget, Math.round(base * clampScale(budgetScale)));
}

// The policy's name, made once per settings object rather than once per call.
const names = new WeakMap<AdaptiveLengthSettings, string>();

function nameOf(settings: AdaptiveLengthSettings): string {
  let name = names.get(settings);
  if (name === undefined) {
    name = `adaptiveLength(q${settings.quantile} × ${settings.slack})`;
    names.set(settings, name);
  }
  return name;
}

function cutDecision(
  view: StreamView,
  window: string,
  tailLength: number,
  limit: number,
  why: string,
  graceTokens: number,
): StopDecision | undefined {
  const windowStart = view.deltaOffset - tailLength;
  const clean = sentenceOrLineEnd(window, Math.max(0, tailLength - 1));
  // A budget far past similar answers' lengths is blown by an output running away.
  if (clean >= 0) return { reason: why, cutAt: windowStart + clean, kind: 'runaway', confidence: 0.9 };
  if (view.phaseTokens < limit + graceTokens) return undefined;
  const wordEnd = lastWordEnd(window);
  return {
    reason: `${why}; no sentence end within ${graceTokens} tokens`,
    cutAt: wordEnd > 0 ? windowStart + wordEnd : undefined,
    kind: 'runaway',
    confidence: 0.8,
  };
}

// The reasoning phase's prediction settings, made once per settings object: predictions are
// cached by the identity of their settings.
const reasoningSettingsOf = new WeakMap<AdaptiveLengthSettings, PredictionSettings>();

function reasoningSettings(settings: AdaptiveLengthSettings): PredictionSettings {
  let found = reasoningSettingsOf.get(settings);
  if (found === undefined) {
    found = { ...settings, ...settings.reasoning };
    reasoningSettingsOf.set(settings, found);
  }
  return found;
}

/** A short description of where a budget came from, for stop reasons and `explain`. */
export function describePrediction(prediction: LengthPrediction | undefined): string {
  if (!prediction || prediction.level === 'none') return 'no history';
  if (prediction.level === 'prior') return `prior of ${prediction.baseBudget} tokens`;
  const bound = prediction.lowerBound ? '≥ ' : '';
  return `quantile ${bound}${prediction.quantileTokens} tokens over ${prediction.naturals} natural and ${prediction.censored} cut-short calls (${prediction.level})`;
}
