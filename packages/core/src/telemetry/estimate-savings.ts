import type { CallContext } from '../policy.js';
import type { RunUsage } from '../run-result.js';
import type { Outcome } from '../stream-part.js';
import type { Savings } from './savings.js';

/** What a savings estimator knows about a finished call. */
export interface SavingsInput {
  outcome: Outcome;
  model: string;
  usage: RunUsage;
  /** Output tokens kept after the cut (for a stop), else the output tokens. */
  keptTokens: number;
  maxOutputTokens: number | undefined;
  stoppedBy: string | undefined;
  durationMs: number;
  timeToFirstTokenMs: number | undefined;
  metadata: Readonly<Record<string, unknown>>;
  context: CallContext | undefined;
}

/** Turns a finished call into its {@link Savings}. Replaceable on the client. */
export type SavingsEstimator = (input: SavingsInput) => Savings;

/**
 * The estimator with no history: an unstopped call saved nothing; a stopped call saved at most
 * up to its `maxOutputTokens` (`budget-bound`, an upper bound), and an unknown amount without one.
 * Time saved follows from the observed token rate.
 */
export const estimateSavings: SavingsEstimator = (input) => {
  const outputTokens = input.usage.outputTokens ?? 0;
  const base = {
    outputTokens,
    outputTokensSource: input.usage.source,
    stoppedBy: input.stoppedBy,
    costSaved: null,
    costUnknownReason: 'no price table configured',
  } as const;
  if (input.outcome !== 'policy-stop') {
    return { ...base, counterfactualTokens: { value: outputTokens, low: outputTokens, high: outputTokens, method: 'none' }, tokensSaved: 0, timeSavedMs: 0 };
  }
  if (input.maxOutputTokens === undefined) {
    return { ...base, counterfactualTokens: undefined, tokensSaved: undefined, timeSavedMs: undefined };
  }
  const high = Math.max(input.maxOutputTokens, outputTokens);
  const tokensSaved = high - outputTokens;
  const streamingMs = input.durationMs - (input.timeToFirstTokenMs ?? 0);
  const msPerToken = outputTokens > 0 ? streamingMs / outputTokens : undefined;
  return {
    ...base,
    counterfactualTokens: { value: high, low: outputTokens, high, method: 'budget-bound' },
    tokensSaved,
    timeSavedMs: msPerToken === undefined ? undefined : tokensSaved * msPerToken,
  };
};
