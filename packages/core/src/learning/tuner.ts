import { ConfigError } from '../errors.js';
import { chooseStep, type RiskSettings, type StepChoice } from './choose-step.js';
import type { TuningLadder } from './ladder.js';
import type { StepObservation } from './observe-ladder.js';
import {
  createMemoryTunerEvidence,
  type StepDelta,
  type StepTotals,
  type TunerEvidence,
} from './tuner-evidence.js';

/** Options of the tuner (`createClient({ learn })`). */
export interface LearnOptions {
  /** Highest acceptable rate of answers lost to stops, per bucket and per user. Default 0.01. */
  risk?: number | undefined;
  /** Confidence of the bound on that rate. Default 0.9. */
  confidence?: number | undefined;
  /** Observations a step needs before it can replace the profile's own settings. Default 100. */
  minSamples?: number | undefined;
  /**
   * Distinct users whose calls a bucket's evidence must come from before bucket-wide settings
   * move (a poisoning bound: one user cannot tune everyone's stops). Default 3. A bucket whose
   * calls name no user at all is one tenant's traffic and moves on its own evidence.
   */
  minUsers?: number | undefined;
  /** Where the counts live. Default: in memory. */
  evidence?: TunerEvidence | undefined;
}

/** Whose settings a call runs with. */
export type TuningScope = 'user' | 'bucket' | 'profile';

/** The tuner's answer for one call. */
export interface TunedStep {
  step: number;
  scope: TuningScope;
  /** The choice of the scope used, with its evidence (for `explain`). */
  choice: StepChoice;
  /** The totals the choice was made on, tokens saved included. */
  totals: StepTotals[];
}

/** The keys a call is tuned under: its bucket (model, profile, task) and its end user. */
export interface TuningKeys {
  bucket: string;
  user: string | undefined;
}

/** A verdict an app gives after a call (see `client.feedback`). */
export type Verdict = 'good' | 'bad';

/** Throws a {@link ConfigError} naming the field for malformed `learn` options. */
export function validateLearnOptions(
  field: string,
  options: LearnOptions,
): Required<Omit<LearnOptions, 'evidence'>> {
  const { risk = 0.01, confidence = 0.9, minSamples = 100, minUsers = 3 } = options;
  if (!(typeof risk === 'number' && risk > 0 && risk < 1))
    throw new ConfigError(
      `${field}.risk`,
      `must be a number between 0 and 1 (a loss rate, e.g. 0.01), got ${String(risk)}`,
    );
  if (!(typeof confidence === 'number' && confidence > 0 && confidence < 1))
    throw new ConfigError(
      `${field}.confidence`,
      `must be a number between 0 and 1 (e.g. 0.9), got ${String(confidence)}`,
    );
  if (!Number.isInteger(minSamples) || minSamples < 1)
    throw new ConfigError(`${field}.minSamples`, `must be a positive integer, got ${String(minSamples)}`);
  if (!Number.isInteger(minUsers) || minUsers < 1)
    throw new ConfigError(`${field}.minUsers`, `must be a positive integer, got ${String(minUsers)}`);
  const { evidence } = options;
  // Checked here, not at the first call: every call reads it before it starts.
  if (
    evidence !== undefined &&
    !(
      typeof evidence === 'object' &&
      evidence !== null &&
      (['add', 'read', 'contributors'] as const).every((method) => typeof evidence[method] === 'function')
    )
  )
    throw new ConfigError(
      `${field}.evidence`,
      "must be a TunerEvidence { add, read, contributors } (or left out: the client's store keeps it)",
    );
  return { risk, confidence, minSamples, minUsers };
}

/**
 * Tunes, per bucket and per user, the step of a ladder each call runs at: the most aggressive
 * step whose answer-loss rate is at most `risk` with confidence `confidence` (see
 * {@link chooseStep}). Holdout observations count for the bucket (the user who made the call as
 * one of its contributors); feedback counts for that user only. The bucket's evidence counts once
 * it comes from `minUsers` users. A user who gave feedback runs on their own verdicts, plus the
 * bucket's evidence when it counts (starting from the bucket's step); a user who gave none, on
 * the bucket's when it counts, else at the profile's own step.
 */
export class Tuner {
  private readonly settings: RiskSettings & { minUsers: number };
  private readonly evidence: TunerEvidence;
  // The step each scope key runs at now: moves are one step at a time from here.
  private readonly current = new Map<string, number>();

  constructor(options: LearnOptions = {}) {
    this.settings = validateLearnOptions('learn', options);
    this.evidence = options.evidence ?? createMemoryTunerEvidence();
  }

  /**
   * The step a call with these keys runs at. `peek` (for `explain`) answers without moving the
   * scope's current step.
   */
  stepFor(keys: TuningKeys, ladder: TuningLadder, peek = false): TunedStep {
    const steps = ladder.steps.length;
    const bucketTotals = this.evidence.read(keys.bucket, steps);
    const users = this.evidence.contributors(keys.bucket);
    // An app that names no users is one tenant: its own traffic may tune its buckets.
    const bucketTrusted =
      users >= this.settings.minUsers || (users === 0 && (bucketTotals[0]?.observations ?? 0) > 0);
    if (keys.user !== undefined) {
      const userKey = userScope(keys);
      const verdicts = this.evidence.read(userKey, steps);
      if (verdicts.some((totals) => totals.observations > 0)) {
        // The user's own verdicts on top of the bucket's observations (which hold the user's
        // holdout calls too): verdicts say what the user saw at the steps they ran, and the
        // bucket's shadow replays say what the other steps would have done. Until the bucket's
        // evidence comes from `minUsers` users, the verdicts alone: else one other user's calls
        // (perhaps made to look safe) would move every user who once said "good".
        const totals = bucketTrusted ? addTotals(bucketTotals, verdicts) : verdicts;
        const start = bucketTrusted ? (this.current.get(keys.bucket) ?? ladder.home) : ladder.home;
        return { ...this.choose(userKey, totals, ladder, peek, start), scope: 'user', totals };
      }
    }
    const totals = bucketTotals;
    if (bucketTrusted) return { ...this.choose(keys.bucket, totals, ladder, peek), scope: 'bucket', totals };
    // Standings of the bucket's evidence so far, for `explain`; the step stays the profile's own
    // whatever they say. (Given no evidence, every step showed a bound of 1 however clean it was.)
    const choice = chooseStep({
      evidence: totals,
      current: ladder.home,
      home: ladder.home,
      settings: this.settings,
    });
    return {
      step: ladder.home,
      scope: 'profile',
      choice: {
        ...choice,
        // The standings' own pick would be a step this call does not run at.
        step: ladder.home,
        reason: `evidence from ${this.evidence.contributors(keys.bucket)} of ${this.settings.minUsers} users needed: the profile's own settings`,
      },
      totals,
    };
  }

  /**
   * Adds a holdout call's ladder observations to its bucket (the user who made the call counts
   * as a contributor: see `minUsers`).
   */
  observe(keys: TuningKeys, observations: readonly StepObservation[]): void {
    const deltas: StepDelta[] = observations
      .filter((observation) => observation.judged)
      .map((observation) => ({
        step: observation.step,
        observations: 1,
        lost: observation.answerKept ? 0 : 1,
        tokensSaved: observation.tokensSaved,
      }));
    if (deltas.length === 0) return;
    this.evidence.add(keys.bucket, deltas, keys.user);
  }

  /**
   * A verdict on a call that a step stopped. A bad one (the answer was wrong, thumbs down, the
   * user asked to continue) is a lost answer at that step and at every more aggressive one,
   * which stop no later; a good one is a kept answer at that step and every more conservative
   * one, which stop no earlier. It counts for the user only.
   */
  feedback(keys: TuningKeys, step: number, steps: number, verdict: Verdict): void {
    if (keys.user === undefined) return;
    const affected =
      verdict === 'bad'
        ? Array.from({ length: steps - step }, (_, i) => step + i)
        : Array.from({ length: step + 1 }, (_, i) => i);
    this.evidence.add(
      userScope(keys),
      affected.map((at) => ({ step: at, observations: 1, lost: verdict === 'bad' ? 1 : 0, tokensSaved: 0 })),
      keys.user,
    );
  }

  private choose(
    key: string,
    totals: StepTotals[],
    ladder: TuningLadder,
    peek: boolean,
    start = ladder.home,
  ): { step: number; choice: StepChoice } {
    // A scope seen for the first time starts where its calls ran until now.
    const current = this.current.get(key) ?? start;
    const choice = chooseStep({ evidence: totals, current, home: ladder.home, settings: this.settings });
    if (peek) return { step: choice.step, choice };
    if (this.current.size >= 100_000 && !this.current.has(key)) this.current.clear();
    this.current.set(key, choice.step);
    return { step: choice.step, choice };
  }
}

/** Step-wise sums of two evidence tables of the same ladder. */
function addTotals(a: readonly StepTotals[], b: readonly StepTotals[]): StepTotals[] {
  return a.map((totals, step) => {
    const other = b[step];
    return other === undefined
      ? totals
      : {
          observations: totals.observations + other.observations,
          lost: totals.lost + other.lost,
          tokensSaved: totals.tokensSaved + other.tokensSaved,
        };
  });
}

/** Where a user's verdicts are kept: apart from the bucket, so they move only that user. */
function userScope(keys: TuningKeys): string {
  return `${keys.bucket}|user:${keys.user}`;
}
