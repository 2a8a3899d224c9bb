import { ConfigError } from '../errors.js';

/**
 * When a vote may stop sampling. Every rule also stops as soon as the majority can no longer
 * change (the leader is ahead by more than the samples left): that is exact, so it is always on.
 * - `window` (Early-Stopping Self-Consistency, Li et al., ICLR 2024): samples are read in
 *   windows of `size` as they finish; the vote stops after a window whose answers all agree.
 * - `posterior` (Adaptive-Consistency, Aggarwal et al., 2023): after each sample, the
 *   probability that the leading answer is more likely than the runner-up, under a uniform
 *   Beta prior on the two, must reach `confidence`.
 * - `settled`: only the exact rule; the vote's answer is always the full vote's.
 */
export type VoteRule =
  | { readonly kind: 'window'; readonly size?: number | undefined }
  | { readonly kind: 'posterior'; readonly confidence?: number | undefined }
  | { readonly kind: 'settled' };

/**
 * Why a vote stopped sampling: a rule decided (`settled`, `window`, `posterior`), every sample
 * was used (`all-samples`), or the caller's `signal` aborted it first (`aborted`).
 */
export type VoteDecision = 'settled' | 'window' | 'posterior' | 'all-samples' | 'aborted';

/** The state a rule decides on. */
export interface VoteState {
  /** Answers of the finished samples, in the order they finished (undefined: no answer stated). */
  readonly answers: readonly (string | undefined)[];
  /** Samples not finished yet: in flight and not started. */
  readonly remaining: number;
}

/** Vote counts, most votes first; ties keep the order in which answers were first reached. */
export function tally(answers: readonly (string | undefined)[]): Array<{ answer: string; count: number }> {
  const counts = new Map<string, number>();
  for (const answer of answers) if (answer !== undefined) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  // Array.prototype.sort is stable: equal counts keep first-reached order.
  return [...counts].map(([answer, count]) => ({ answer, count })).sort((a, b) => b.count - a.count);
}

/** Whether `rule` (or the exact rule) says the vote is decided, and by which. */
export function decide(rule: VoteRule, state: VoteState): VoteDecision | undefined {
  const [first, second] = tally(state.answers);
  if (first !== undefined && first.count > (second?.count ?? 0) + state.remaining) return 'settled';
  if (state.remaining === 0) return 'all-samples';
  if (rule.kind === 'window') {
    const size = rule.size ?? defaultWindow;
    const done = state.answers.length;
    if (done === 0 || done % size !== 0) return undefined;
    const window = state.answers.slice(done - size);
    return window[0] !== undefined && window.every((answer) => answer === window[0]) ? 'window' : undefined;
  }
  if (rule.kind === 'posterior' && first !== undefined) {
    const confidence = rule.confidence ?? defaultConfidence;
    return leaderProbability(first.count, second?.count ?? 0) >= confidence ? 'posterior' : undefined;
  }
  return undefined;
}

/**
 * The fewest more finished samples that could decide the vote (if they all agree with the
 * leader): a vote draws no more samples at once than this, since the others could only be
 * aborted, their tokens paid for nothing.
 */
export function samplesToDecide(rule: VoteRule, state: VoteState): number {
  const [first, second] = tally(state.answers);
  const a = first?.count ?? 0;
  const b = second?.count ?? 0;
  // The exact rule: the leader ahead by more than what is left.
  let needed = Math.max(1, Math.ceil((b + state.remaining - a + 1) / 2));
  if (rule.kind === 'window') {
    const size = rule.size ?? defaultWindow;
    const done = state.answers.length % size;
    const window = state.answers.slice(state.answers.length - done);
    const open = window.every((answer) => answer !== undefined && answer === window[0]);
    needed = Math.min(needed, size - done + (open ? 0 : size));
  } else if (rule.kind === 'posterior') {
    const confidence = rule.confidence ?? defaultConfidence;
    let more = 1;
    while (more < state.remaining && leaderProbability(a + more, b) < confidence) more += 1;
    needed = Math.min(needed, more);
  }
  return Math.max(1, Math.min(needed, state.remaining));
}

const defaultWindow = 5;
const defaultConfidence = 0.95;

/**
 * P(p1 > p2) for the leader's and runner-up's answer probabilities given `a` and `b` votes and a
 * uniform prior: P(X > 1/2) for X ~ Beta(a + 1, b + 1), which for whole counts is
 * P(Binomial(a + b + 1, 1/2) ≤ a) (the incomplete beta function at 1/2).
 */
export function leaderProbability(a: number, b: number): number {
  const n = a + b + 1;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let sum = term;
  for (let k = 1; k <= a; k++) {
    term = (term * (n - k + 1)) / k;
    sum += term;
  }
  return Math.min(1, sum);
}

/** Throws a {@link ConfigError} for a malformed rule. */
export function validateVoteRule(field: string, rule: unknown): VoteRule {
  if (typeof rule !== 'object' || rule === null) {
    throw new ConfigError(
      field,
      "must be { kind: 'window', size? }, { kind: 'posterior', confidence? } or { kind: 'settled' }",
    );
  }
  const { kind } = rule as { kind?: unknown };
  if (kind === 'window') {
    const size = (rule as { size?: unknown }).size;
    if (size !== undefined && !(Number.isInteger(size) && (size as number) >= 1))
      throw new ConfigError(`${field}.size`, `must be a positive integer, got ${String(size)}`);
  } else if (kind === 'posterior') {
    const confidence = (rule as { confidence?: unknown }).confidence;
    if (confidence !== undefined && !(typeof confidence === 'number' && confidence > 0.5 && confidence < 1))
      throw new ConfigError(
        `${field}.confidence`,
        `must be a number between 0.5 and 1, got ${String(confidence)}`,
      );
  } else if (kind !== 'settled') {
    throw new ConfigError(`${field}.kind`, `must be 'window', 'posterior' or 'settled', got ${String(kind)}`);
  }
  return rule as VoteRule;
}
