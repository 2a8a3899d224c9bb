import type { CallFeedback, LearnOptions } from 'stopwise';
import type { RecordOutcome } from './run-record.js';

/**
 * The simulated users of `pnpm bench --feedback`: the calls of a tuned set are dealt among them
 * in turn, each call names its user, and after each stopped call the user gives (or does not
 * give) a verdict by their habit. What the tuner does with those verdicts is the point: one
 * user's feedback moves only that user's settings; one who asks to continue after every stop
 * must end on more conservative settings than one who never answers, who stays on the bucket's;
 * one who flags only lost answers ends no more aggressive than one who approves everything.
 */
export type SimulatedUserName = 'strict' | 'approving' | 'continuing' | 'silent';

/** The habits, in dealing order. */
export const simulatedUsers: ReadonlyArray<{ name: SimulatedUserName; habit: string }> = [
  { name: 'strict', habit: 'marks every lost answer of a stopped call bad, every kept one good' },
  { name: 'approving', habit: 'gives a thumbs up to every stopped call, lost answer or not' },
  { name: 'continuing', habit: 'asks to continue after every stopped call' },
  { name: 'silent', habit: 'never answers' },
];

/**
 * The learning settings of a feedback simulation. Looser than the client's defaults (risk 0.01,
 * 100 samples): one user of a few hundred calls could never certify a step at those, and the
 * simulation is about the direction settings move, which the same rule decides at any risk.
 */
export const feedbackLearnSettings: Pick<LearnOptions, 'risk' | 'confidence' | 'minSamples' | 'minUsers'> = {
  risk: 0.05,
  confidence: 0.9,
  minSamples: 30,
  minUsers: 2,
};

/** The user who makes call number `index` of a run. */
export function simulatedUserOf(index: number): SimulatedUserName {
  return (simulatedUsers[index % simulatedUsers.length] as { name: SimulatedUserName }).name;
}

/** A stop lost the answer: the full output was right and what was kept is not. */
export function lostAnswer(outcome: Pick<RecordOutcome, 'fullCorrect' | 'keptCorrect'>): boolean {
  return outcome.fullCorrect === true && outcome.keptCorrect === false;
}

/** What `user` says about a call, if anything: only stopped calls get verdicts. */
export function verdictOf(user: SimulatedUserName, outcome: RecordOutcome): CallFeedback | undefined {
  if (outcome.outcome !== 'policy-stop') return undefined;
  switch (user) {
    case 'strict':
      return { correct: !lostAnswer(outcome) };
    case 'approving':
      return { thumbs: 'up' };
    case 'continuing':
      return { continued: true };
    case 'silent':
      return undefined;
  }
}

/** One simulated user's figures in a bench row. */
export interface SimulatedUserFigures {
  user: SimulatedUserName;
  calls: number;
  stoppedCalls: number;
  /** Stopped calls whose answer was lost (the full output right, the kept text wrong). */
  lostAnswers: number;
  /** Verdicts given, and how many the client counted. */
  verdicts: number;
  acceptedVerdicts: number;
  /** Ladder step (0 = most conservative) of the user's last call, and the mean over the last third of their calls. */
  finalStep: number | undefined;
  lateMeanStep: number | undefined;
  /** Share of the user's calls tuned on their own evidence (scope `user`). */
  ownSettingsShare: number;
  tokenReduction: number;
}

/** One call of a simulated user, as the bench saw it. */
export interface SimulatedCall {
  user: SimulatedUserName;
  outcome: RecordOutcome;
  step: number | undefined;
  scope: string | undefined;
  verdictGiven: boolean;
  verdictAccepted: boolean;
}

/** Per-user figures of a run's calls, in call order. */
export function simulatedUserFigures(calls: readonly SimulatedCall[]): SimulatedUserFigures[] {
  return simulatedUsers.map(({ name }) => {
    const own = calls.filter((call) => call.user === name);
    const late = own
      .slice(Math.floor((own.length * 2) / 3))
      .flatMap((call) => (call.step === undefined ? [] : [call.step]));
    const full = own.reduce((sum, call) => sum + call.outcome.fullTokens, 0);
    const kept = own.reduce((sum, call) => sum + call.outcome.keptTokens, 0);
    return {
      user: name,
      calls: own.length,
      stoppedCalls: own.filter((call) => call.outcome.outcome === 'policy-stop').length,
      lostAnswers: own.filter((call) => call.outcome.outcome === 'policy-stop' && lostAnswer(call.outcome))
        .length,
      verdicts: own.filter((call) => call.verdictGiven).length,
      acceptedVerdicts: own.filter((call) => call.verdictAccepted).length,
      finalStep: own.at(-1)?.step,
      lateMeanStep: late.length === 0 ? undefined : late.reduce((a, b) => a + b, 0) / late.length,
      ownSettingsShare:
        own.length === 0 ? 0 : own.filter((call) => call.scope === 'user').length / own.length,
      tokenReduction: full === 0 ? 0 : (full - kept) / full,
    };
  });
}

/** The header and rows of the per-user table the bench prints under a `+feedback` row. */
export function userTable(users: readonly SimulatedUserFigures[]): [string[], string[][]] {
  const step = (value: number | undefined) =>
    value === undefined ? '-' : value.toFixed(value % 1 === 0 ? 0 : 2);
  return [
    [
      'user',
      'habit',
      'calls',
      'stopped',
      'lost',
      'verdicts',
      'counted',
      'own settings',
      'late mean step',
      'last step',
      'reduction',
    ],
    users.map((figures) => [
      figures.user,
      simulatedUsers.find((user) => user.name === figures.user)?.habit ?? '',
      String(figures.calls),
      String(figures.stoppedCalls),
      String(figures.lostAnswers),
      String(figures.verdicts),
      String(figures.acceptedVerdicts),
      `${(100 * figures.ownSettingsShare).toFixed(0)}%`,
      step(figures.lateMeanStep),
      step(figures.finalStep),
      `${(100 * figures.tokenReduction).toFixed(1)}%`,
    ]),
  ];
}
