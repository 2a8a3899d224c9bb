import type { Message } from './messages.js';
import type { Outcome, TokenLogprob } from './stream-part.js';

/** What a policy sees of the call before the first token. */
export interface CallContext {
  readonly model: string;
  readonly messages: readonly Message[];
  /** The user's turns joined: what input-side policies read. */
  readonly prompt: string;
  /** The end user's id, when the call named one. */
  readonly user: string | undefined;
  /** The resolved profile name, when a profile applies. */
  readonly profile: string | undefined;
  /** The call's `maxOutputTokens`, when set. */
  readonly maxOutputTokens: number | undefined;
  /** Free-form call metadata (bucket keys, tags) from the call options. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /**
   * Reports something a policy wants recorded without stopping: a shadow decision, or a
   * sub-policy that threw. Combinators use it; leaf policies rarely need it.
   */
  readonly report: (report: PolicyReport) => void;
}

/**
 * What a policy sees after each delta. `text` and `reasoning` are the full texts so far, but a
 * policy must do work proportional to `delta` (plus a bounded window), never re-scan them.
 */
export interface StreamView {
  /** Which part of the output the delta belongs to. */
  readonly phase: 'reasoning' | 'answer';
  /** The new text. */
  readonly delta: string;
  /** Offset of `delta` within the current phase's text. */
  readonly deltaOffset: number;
  /** The answer text so far (including `delta` when phase is `answer`). */
  readonly text: string;
  /** The reasoning text so far (including `delta` when phase is `reasoning`). */
  readonly reasoning: string;
  /** Output tokens so far, reasoning and answer, counted as the deltas arrive. */
  readonly tokens: number;
  /** Tokens of the current phase so far. */
  readonly phaseTokens: number;
  /** Milliseconds since the request was sent, read from the clock when first asked during `step`. */
  readonly elapsedMs: number;
  /** Product of the budget changes returned by policies' `start` (1 when none). */
  readonly budgetScale: number;
  /** Logprobs that came with this delta, when the provider sent them. */
  readonly logprobs: readonly TokenLogprob[] | undefined;
}

/**
 * What a stop says about the rest of the output, which is how its savings are estimated:
 * - `complete`: the answer is done (a stop string, an answer marker, converged reasoning); what
 *   would have followed is usually short.
 * - `runaway`: the output was running away (a loop, far past the length of similar answers); it
 *   would likely have run on to the generation limit.
 * - `cap`: a fixed limit on tokens or time was reached; it says only "longer than here". (A cap
 *   that cuts an output whose end repeats a block back to back, a loop, keeps this kind, but its
 *   savings are estimated as a runaway's.)
 */
export type StopKind = 'complete' | 'runaway' | 'cap';

/** A policy's verdict that the rest of the stream is not worth paying for. */
export interface StopDecision {
  /**
   * Human-readable why, e.g. `stop string "\n\n" matched`. It goes into telemetry whether or
   * not `recordContent` is on: never quote the model's output or the prompt here (put an
   * extracted answer in `answer`, which telemetry carries only with `recordContent`).
   */
  reason: string;
  /**
   * Where to cut the current phase's text: keep `text.slice(0, cutAt)`. Omitted: keep all that
   * arrived. The runner moves a cut that would split a surrogate pair to the pair's start.
   */
  cutAt?: number | undefined;
  /**
   * Offset in the current phase's text just after the character that made the decision due,
   * for policies that read text character by character (its stop does not depend on the
   * splits). When two policies of an `anyOf` decide on the same delta, the one that was due
   * first wins, as it would have had the text arrived one character at a time. Omitted: the
   * end of the delta.
   */
  decidedAt?: number | undefined;
  /** What the stop says about the rest of the output (see {@link StopKind}). Default `complete`. */
  kind?: StopKind | undefined;
  /** How sure the policy is, 0..1, for telemetry. */
  confidence?: number | undefined;
  /** A short answer to hand the caller when the stop came before the answer phase. */
  answer?: string | undefined;
  /**
   * A safety stop: a limit that protects the caller (a token cap, a timeout), not a judgement
   * that the rest is not worth paying for. It acts in every call, also in a holdout call where
   * the other policies only record where they would have stopped. `maxTokens` and `timeout`
   * set it.
   */
  safety?: boolean | undefined;
}

/** A change a policy's `start` asks of the call's length budget. */
export interface BudgetChange {
  /** Multiplies the budget of length-based policies (e.g. 0.5 for "one word"). */
  scale: number;
  /** Why, for `explain` and telemetry. */
  reason: string;
}

/** How a call ended, for policies that learn from it. */
export interface PolicyCallEnd {
  readonly outcome: Outcome;
  /** Output tokens generated (provider count when available, else estimated). */
  readonly outputTokens: number;
  /** Whether the output ended on its own (outcome `finish`, reason not `length`). */
  readonly natural: boolean;
  /** The policy that stopped the call, when one did. */
  readonly stoppedBy: string | undefined;
  /** What that stop said about the rest of the output, when a policy stopped the call. */
  readonly stopKind?: StopKind | undefined;
}

/** Things a policy can record without stopping the stream. */
export type PolicyReport =
  | {
      type: 'shadow-decision';
      policy: string;
      decision: StopDecision;
      tokens: number;
      phase: 'reasoning' | 'answer';
    }
  | { type: 'policy-error'; policy: string; error: unknown; during: PolicyMethod };

/** The method of a {@link StopPolicy} that threw (see `PolicyError`). */
export type PolicyMethod = 'start' | 'step' | 'nextCheckAt' | 'end';

/**
 * A stop policy: a plain object, usually made by a small factory such as `stopOn([...])`.
 * The runner calls `start` once per call (reset per-call state there), `step` after each delta,
 * and `end` when the call is over. A policy never aborts anything itself: it returns a decision.
 * One policy object may serve many calls in sequence, but not two calls at once: the runner
 * refuses that with a `ConfigError` (use a profile or a factory for shared setups).
 */
export interface StopPolicy {
  /** Unique, descriptive name, used in results and telemetry. */
  readonly name: string;
  /**
   * True for a policy whose stops are safety stops (see `StopDecision.safety`): in a holdout
   * call it keeps running, and acting, after the rest of the chain has gone quiet.
   */
  readonly safety?: boolean | undefined;
  /** Called before the request; may change the length budget. */
  start?(call: CallContext): void | BudgetChange | readonly BudgetChange[];
  /** Called after each delta. Must be O(delta + bounded window). */
  step(view: StreamView): StopDecision | undefined;
  /** Called once when the call is over, whatever the outcome. */
  end?(end: PolicyCallEnd): void;
  /**
   * For policies that must act when nothing arrives (timeouts): the `elapsedMs` at which the
   * runner should call `step` even without a delta (it then passes an empty `delta`).
   * Asked after `start` and after every `step`; undefined means no timed check.
   */
  nextCheckAt?(): number | undefined;
}
