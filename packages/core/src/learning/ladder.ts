import { PairMemo } from '../pair-memo.js';
import type { ProfileOverrides, ProfileSettings } from '../profiles/settings.js';
import { freezeSettings, mergeSettings } from '../profiles/settings.js';

/**
 * A tuning ladder: settings of the tunable policies, ordered from the most conservative step
 * (index 0) to the most aggressive. Each step is a set of overrides applied over the profile's
 * own settings, so what a profile fixes and the ladder does not touch (its markers, its loop
 * length, its budget confidence) stays the profile's. `home` is the step matching the profile's
 * static settings: what a bucket uses before the tuner has evidence.
 */
export interface TuningLadder {
  readonly steps: readonly ProfileOverrides[];
  readonly home: number;
}

// The knobs the issue names, one column each, conservative to aggressive. Step 1 is `balanced`
// and step 3 is close to `realtime` (its budget confidence aside, which the profile keeps).
const graceChars = [300, 200, 120, 80, 40];
const convergence = [
  { confirmations: 4, holdTokens: 600 },
  { confirmations: 3, holdTokens: 400 },
  { confirmations: 3, holdTokens: 250 },
  { confirmations: 2, holdTokens: 150 },
  { confirmations: 2, holdTokens: 80 },
];
const minRepeats = [3, 3, 3, 2, 2];
const answerBudget = [
  { quantile: 0.95, slack: 3 },
  { quantile: 0.95, slack: 2 },
  { quantile: 0.95, slack: 2 },
  { quantile: 0.95, slack: 1.75 },
  { quantile: 0.9, slack: 1.5 },
];
const reasoningBudget = [
  { quantile: 0.95, slack: 2 },
  { quantile: 0.95, slack: 1.5 },
  { quantile: 0.9, slack: 1.5 },
  { quantile: 0.9, slack: 1.25 },
  { quantile: 0.85, slack: 1.1 },
];

/**
 * The default ladder over a profile's settings: five steps of `answerComplete.graceChars`,
 * `answerConvergence` `confirmations`/`holdTokens`, `repetition.minRepeats` and
 * `adaptiveLength` `quantile`/`slack` (answer and reasoning), each moving only sections the
 * profile has on. `home` is the step nearest the profile's own settings.
 */
export function defaultLadder(settings: ProfileSettings): TuningLadder {
  const steps = graceChars.map((grace, i): ProfileOverrides => {
    const step: Record<string, unknown> = {};
    if (settings.answerComplete) step.answerComplete = { graceChars: grace };
    if (settings.answerConvergence) step.answerConvergence = convergence[i];
    if (settings.repetition) step.repetition = { minRepeats: minRepeats[i] };
    if (settings.adaptiveLength)
      step.adaptiveLength = { ...answerBudget[i], reasoning: { ...reasoningBudget[i] } };
    // Frozen: the chain resolution reuses a merge of frozen overrides call after call.
    return freezeSettings(step as ProfileOverrides);
  });
  return { steps, home: nearestStep(settings, steps) };
}

/** The settings of one ladder step over a profile's own. */
export function stepSettings(settings: ProfileSettings, ladder: TuningLadder, step: number): ProfileSettings {
  const overrides = ladder.steps[step];
  if (overrides === undefined)
    throw new RangeError(`step ${step} is not on the ladder (0..${ladder.steps.length - 1})`);
  // Merged once and frozen when both sides are frozen (presets and the default ladder are):
  // policies cache what they compile by the identity of frozen settings, so a fresh merge per
  // replayed step cost each holdout replay about 2 ms a step in rebuilt policies.
  if (!Object.isFrozen(settings) || !Object.isFrozen(overrides)) return mergeSettings(settings, overrides);
  return mergedSteps.get(settings, overrides, () => freezeSettings(mergeSettings(settings, overrides)));
}

const mergedSteps = new PairMemo<ProfileSettings, ProfileOverrides, ProfileSettings>();

/** The step whose knobs are closest to the profile's (count of knobs that differ, fewest wins, then the lower step). */
function nearestStep(settings: ProfileSettings, steps: readonly ProfileOverrides[]): number {
  let best = 0;
  let fewest = Number.POSITIVE_INFINITY;
  steps.forEach((step, index) => {
    const merged = mergeSettings(settings, step);
    const differing = knobs(merged).filter((value, k) => value !== knobs(settings)[k]).length;
    if (differing < fewest) {
      fewest = differing;
      best = index;
    }
  });
  return best;
}

function knobs(settings: ProfileSettings): unknown[] {
  const complete = settings.answerComplete || undefined;
  const converge = settings.answerConvergence || undefined;
  const loop = settings.repetition || undefined;
  const budget = settings.adaptiveLength || undefined;
  return [
    complete?.graceChars,
    converge?.confirmations,
    converge?.holdTokens,
    loop?.minRepeats,
    budget?.quantile,
    budget?.slack,
    budget?.reasoning && typeof budget.reasoning === 'object' ? budget.reasoning.quantile : undefined,
    budget?.reasoning && typeof budget.reasoning === 'object' ? budget.reasoning.slack : undefined,
  ];
}
