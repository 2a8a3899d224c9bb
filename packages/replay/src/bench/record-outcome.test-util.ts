import type { RecordOutcome } from './run-record.js';

/** A record outcome for tests: an unstopped 1,000-token call, with `over` on top. */
export function recordOutcome(over: Partial<RecordOutcome> = {}): RecordOutcome {
  return {
    id: 'r',
    fullTokens: 1000,
    keptTokens: 1000,
    producedTokens: 1000,
    text: '',
    reasoning: undefined,
    answer: undefined,
    fullCorrect: undefined,
    keptCorrect: undefined,
    outcome: 'finish',
    stoppedBy: undefined,
    stopReason: undefined,
    stopPhase: undefined,
    estimatedTokensSaved: undefined,
    upperBoundTokensSaved: undefined,
    counterfactualLow: undefined,
    counterfactualHigh: undefined,
    responseId: undefined,
    error: undefined,
    durationMs: 1,
    ...over,
  };
}
