import type { LengthHistoryStore } from '../adaptive/length-history.js';
import type { CallOptions } from '../call-options.js';
import { ConfigError, describeError } from '../errors.js';
import { userPrompt } from '../messages.js';
import { rejectUnknownOptions } from '../option-names.js';
import { optionNames } from '../policies/options.js';
import type { CallContext } from '../policy.js';
import { findProfile } from '../profiles/registry.js';
import type { ProfileOverrides, ProfileSettings } from '../profiles/settings.js';
import type { RunResult } from '../run-result.js';
import { tokenCounterFor } from '../token-counter.js';
import { defaultLadder, type TuningLadder } from './ladder.js';
import { observeLadderInSlices, statedAnswer } from './observe-ladder.js';
import { type LearnOptions, Tuner, type TuningScope, type Verdict, validateLearnOptions } from './tuner.js';
import { tuningKeys } from './tuning-keys.js';

/** `createClient({ learn })`: online tuning of the profile's stop settings. */
export interface ClientLearnOptions extends LearnOptions {
  /**
   * The least share of calls held out (run unstopped, the chain in shadow) so evidence keeps
   * coming; the client's `holdout.fraction` is raised to it. Default 0.05.
   */
  holdoutFloor?: number | undefined;
  /** The ladder for a profile's settings. Default {@link defaultLadder}. */
  ladder?: ((settings: ProfileSettings) => TuningLadder) | undefined;
  /**
   * Hears a failure of learning: evidence that could not be read when a call was tuned (it ran
   * at the profile's own settings), or of the work after a call. It never reaches the call.
   */
  onError?: ((error: unknown) => void) | undefined;
}

const learnOptionNames = optionNames<ClientLearnOptions>({
  risk: true,
  confidence: true,
  minSamples: true,
  minUsers: true,
  evidence: true,
  holdoutFloor: true,
  ladder: true,
  onError: true,
});

/** Which tuned step a call ran with: on `result.tuning` and in `explain`. */
export interface CallTuning {
  readonly bucket: string;
  readonly user: string | undefined;
  /** The ladder step (0 = most conservative) and the profile's own step. */
  readonly step: number;
  readonly home: number;
  readonly steps: number;
  /** Whose evidence chose it: the user's, the bucket's, or none yet (the profile's own step). */
  readonly scope: TuningScope;
  readonly reason: string;
  /** The overrides applied over the profile (undefined at the profile's own step). */
  readonly overrides: ProfileOverrides | undefined;
  /** Per step: observations, answers lost, the bound on the loss rate, tokens saved. */
  readonly evidence: ReadonlyArray<{
    observations: number;
    lost: number;
    lossBound: number;
    passes: boolean;
    tokensSaved: number;
  }>;
}

/** What a verdict can say (see `client.feedback`). */
export type CallFeedback =
  | { readonly correct: boolean }
  | { readonly thumbs: 'up' | 'down' }
  | { readonly continued: true };

/** `client.feedback`'s answer: whether the verdict counted, and why not when it did not. */
export type FeedbackResult =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: string };

interface CallRecord {
  tuning: CallTuning;
  /**
   * Stopped by its tuned chain; a holdout call ran it in shadow (only safety policies cut it);
   * cut by a cap (a token or time limit: `kind: 'cap'`), which no ladder step sets.
   */
  stopped: 'by-chain' | 'held-out' | 'capped' | 'no';
  judged: boolean;
}

/** What a {@link LearningLoop} shares with the client it serves. */
export interface LearningLoopContext {
  /**
   * The client's length history (its `store`): the ladder replays read it as the calls did,
   * so a step whose adaptive length budget comes from it is judged with that budget.
   */
  readonly lengthStore?: LengthHistoryStore | undefined;
}

const callsRemembered = 10_000;

/**
 * The client's side of learning: picks each call's step (a layer of overrides between the
 * user's preset and the call's own), learns from holdout calls after they end (off the
 * stream's path), and takes verdicts. Profiles registered with only a `build` function are not
 * tuned: there are no settings to move.
 */
export class LearningLoop {
  readonly holdoutFloor: number;
  private readonly tuner: Tuner;
  private readonly ladderOf: (settings: ProfileSettings) => TuningLadder;
  private readonly ladders = new Map<string, { settings: ProfileSettings; ladder: TuningLadder }>();
  /** Ladder replays under way (see `afterCall`). */
  private readonly replaying = new Set<Promise<void>>();
  private readonly calls = new Map<string, CallRecord>();
  private readonly onError: ((error: unknown) => void) | undefined;

  private readonly lengthStore: LengthHistoryStore | undefined;

  constructor(options: ClientLearnOptions, context: LearningLoopContext = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigError('learn', 'must be an object { risk?, confidence?, minSamples?, ... }');
    rejectUnknownOptions('learn', options, learnOptionNames);
    validateLearnOptions('learn', options);
    const { holdoutFloor = 0.05, ladder = defaultLadder, onError } = options;
    if (!(typeof holdoutFloor === 'number' && holdoutFloor >= 0 && holdoutFloor <= 1))
      throw new ConfigError(
        'learn.holdoutFloor',
        `must be a number between 0 and 1, got ${String(holdoutFloor)}`,
      );
    if (typeof ladder !== 'function')
      throw new ConfigError('learn.ladder', 'must be a function (settings) => ladder');
    if (onError !== undefined && typeof onError !== 'function')
      throw new ConfigError('learn.onError', 'must be a function (error) => void');
    this.holdoutFloor = holdoutFloor;
    this.tuner = new Tuner(options);
    this.ladderOf = ladder;
    this.onError = onError;
    this.lengthStore = context.lengthStore;
  }

  /**
   * The tuned step of a call of `profile`, or undefined when the profile cannot be tuned. It
   * runs before the call starts, so it never throws: evidence that cannot be read (a custom
   * store or `learn.evidence` whose backend is down) goes to `onError`, and the call runs at the
   * profile's own settings rather than failing.
   */
  tune(profile: string, call: TuneInput, peek = false): CallTuning | undefined {
    try {
      return this.tuneOrThrow(profile, call, peek);
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  private tuneOrThrow(profile: string, call: TuneInput, peek: boolean): CallTuning | undefined {
    const entry = this.ladderFor(profile);
    if (entry === undefined) return undefined;
    const { ladder } = entry;
    const keys = tuningKeys({ ...call, user: call.user, prompt: userPrompt(call.messages), profile });
    const tuned = this.tuner.stepFor(keys, ladder, peek);
    return {
      bucket: keys.bucket,
      user: keys.user,
      step: tuned.step,
      home: ladder.home,
      steps: ladder.steps.length,
      scope: tuned.scope,
      reason: tuned.choice.reason,
      overrides: tuned.step === ladder.home ? undefined : ladder.steps[tuned.step],
      evidence: tuned.totals.map((totals, step) => ({
        observations: totals.observations,
        lost: totals.lost,
        lossBound: tuned.choice.standings[step]?.lossBound ?? 1,
        passes: tuned.choice.standings[step]?.passes ?? false,
        tokensSaved: totals.tokensSaved,
      })),
    };
  }

  /**
   * After a call: remembers it for feedback and, for a holdout call that ran to its end, replays
   * the ladder over its output and adds the observations. The replay runs on a later task, so
   * the caller never waits for it; a failure goes to `onError`.
   */
  afterCall(options: CallOptions<unknown>, result: RunResult, tuning: CallTuning | undefined): void {
    if (tuning === undefined) return;
    if (this.calls.size >= callsRemembered) this.calls.delete(this.calls.keys().next().value as string);
    const heldOut = result.savings.holdout !== undefined;
    const stopped =
      result.outcome !== 'policy-stop'
        ? 'no'
        : heldOut
          ? 'held-out'
          : result.stop.kind === 'cap'
            ? 'capped'
            : 'by-chain';
    this.calls.set(result.callId, { tuning, stopped, judged: false });
    const held = heldOut && result.outcome === 'finish';
    if (!held || result.profile === undefined) return;
    const entry = this.ladderFor(result.profile);
    if (entry === undefined) return;
    // The call as it was made, read now: the replay runs on a later task, and a chat app
    // typically pushes the reply and the next question onto the same `messages` array (and
    // reuses its `metadata`) as soon as the call resolves. Read then, the replay judged the
    // ladder on the next turn's prompt: other keyword rules, another length bucket.
    const call: CallContext = {
      model: options.model,
      messages: [...options.messages],
      prompt: userPrompt(options.messages),
      user: options.user,
      profile: result.profile,
      maxOutputTokens: options.maxOutputTokens,
      metadata: { ...options.metadata },
      report: () => {},
    };
    const replay = this.replayLater(call, result, tuning, entry);
    this.replaying.add(replay);
    void replay.finally(() => this.replaying.delete(replay));
  }

  /** Resolves once the ladder replays of the calls that have ended so far are done. */
  async idle(): Promise<void> {
    while (this.replaying.size > 0) await Promise.all(this.replaying);
  }

  /**
   * Replays the ladder over a holdout call's output, on later tasks: a slice of a few
   * milliseconds at a time, the event loop running in between, so a long reasoning output
   * (up to 97 ms of replay on the recorded AIME outputs, when it ran in one task) never holds
   * the other streams of the process. A failure goes to `onError`.
   */
  private async replayLater(
    call: CallContext,
    result: RunResult,
    tuning: CallTuning,
    entry: { settings: ProfileSettings; ladder: TuningLadder },
  ): Promise<void> {
    try {
      await nextTask();
      const output = { reasoning: result.reasoning ?? '', text: result.text };
      // No explicit answer, nothing to judge a stop by: the replays would count for no step.
      if (statedAnswer(output) === undefined) return;
      const counter = tokenCounterFor(call.model);
      const observations = await inTimeSlices(
        observeLadderInSlices({
          settings: entry.settings,
          ladder: entry.ladder,
          call,
          output,
          finalTokens: undefined,
          counter,
          lengthStore: this.lengthStore,
        }),
      );
      this.tuner.observe({ bucket: tuning.bucket, user: tuning.user }, observations);
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.onError?.(error);
    } catch {
      // Nothing left to report to.
    }
  }

  /** A verdict on a call: see `client.feedback`. */
  feedback(callId: string, feedback: CallFeedback): FeedbackResult {
    const verdict = verdictOf(feedback);
    const record = this.calls.get(callId);
    if (record === undefined)
      return {
        accepted: false,
        reason: `unknown call id ${JSON.stringify(callId)}: not a call of this client that has ended with tuned settings (feedback is taken once the call ends, and only for a call whose profile the tuner tunes), or older than its last ${callsRemembered} calls`,
      };
    if (record.judged) return { accepted: false, reason: `call ${callId} already has a verdict` };
    if (record.tuning.user === undefined)
      return {
        accepted: false,
        reason: 'the call named no user: feedback tunes the settings of the user who gave it',
      };
    if (record.stopped === 'held-out')
      return {
        accepted: false,
        reason:
          'the call was held out (its tuned chain ran in shadow and only a safety limit stopped it), so a verdict on it says nothing about the stop settings',
      };
    if (record.stopped === 'capped')
      return {
        accepted: false,
        reason:
          'the call was cut by a cap (a token or time limit), not by its tuned stop settings, so a verdict on it says nothing about them',
      };
    if (record.stopped === 'no')
      return {
        accepted: false,
        reason: 'the call was not stopped, so a verdict on it says nothing about the stop settings',
      };
    const { bucket, user, step, steps } = record.tuning;
    try {
      this.tuner.feedback({ bucket, user }, step, steps, verdict);
    } catch (error) {
      // Evidence whose backend is down (a custom `learn.evidence`): the app gets an answer, not
      // a throw, and the call is not marked judged, so the same verdict can be sent again.
      this.report(error);
      return {
        accepted: false,
        reason: `the verdict could not be recorded (${describeError(error)}); nothing changed, and it can be sent again`,
      };
    }
    record.judged = true;
    return { accepted: true };
  }

  private ladderFor(profile: string): { settings: ProfileSettings; ladder: TuningLadder } | undefined {
    let entry = this.ladders.get(profile);
    if (entry === undefined) {
      const settings = findProfile(profile)?.settings;
      if (settings === undefined) return undefined;
      entry = { settings, ladder: this.ladderOf(settings) };
      this.ladders.set(profile, entry);
    }
    return entry;
  }
}

/** What the tuner reads of a call before it starts. */
export type TuneInput = Pick<CallOptions<unknown>, 'model' | 'messages' | 'user'> & {
  readonly metadata: Readonly<Record<string, unknown>>;
};

function verdictOf(feedback: CallFeedback): Verdict {
  if (typeof feedback !== 'object' || feedback === null)
    throw new ConfigError(
      'feedback',
      'must be { correct: boolean }, { thumbs: "up" | "down" } or { continued: true }',
    );
  if ('correct' in feedback && typeof feedback.correct === 'boolean')
    return feedback.correct ? 'good' : 'bad';
  if ('thumbs' in feedback && (feedback.thumbs === 'up' || feedback.thumbs === 'down'))
    return feedback.thumbs === 'up' ? 'good' : 'bad';
  if ('continued' in feedback && feedback.continued === true) return 'bad';
  throw new ConfigError(
    'feedback',
    'must be { correct: boolean }, { thumbs: "up" | "down" } or { continued: true }',
  );
}

/** Milliseconds of replay in one task before the event loop gets its turn. */
const replaySliceMs = 2;

/** Resolves on a later task (a timer: it runs in every runtime stopwise supports). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs a sliced computation to its end, `replaySliceMs` at a time, yielding a task in between. */
async function inTimeSlices<T>(slices: Generator<void, T>): Promise<T> {
  for (;;) {
    const sliceEnd = performance.now() + replaySliceMs;
    for (;;) {
      const next = slices.next();
      if (next.done === true) return next.value;
      if (performance.now() >= sliceEnd) break;
    }
    await nextTask();
  }
}

const loopsOfClients = new WeakMap<object, LearningLoop>();

/** Remembers which learning loop a client runs, for {@link learningIdle}. */
export function registerLearningLoop(client: object, loop: LearningLoop): void {
  loopsOfClients.set(client, loop);
}

/**
 * Resolves once a client's pending ladder replays are done (at once for a client that does not
 * learn). Internal: tests wait on it instead of guessing how many tasks a replay takes.
 */
export function learningIdle(client: object): Promise<void> {
  return loopsOfClients.get(client)?.idle() ?? Promise.resolve();
}
