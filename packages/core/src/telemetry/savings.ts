/** An estimate of how many output tokens the call would have produced without the stop. */
export interface CounterfactualEstimate {
  value: number;
  low: number;
  high: number;
  /**
   * How it was estimated, best first: `holdout` (calibrated on unstopped calls of the same
   * bucket), `length-model` (lengths seen for similar calls), `budget-bound` (the call's max
   * tokens: an upper bound), `none` (the call was not stopped: nothing was saved).
   */
  method: 'holdout' | 'length-model' | 'budget-bound' | 'none';
}

/** What a call saved. Every call-end event carries one; an unstopped call saves zero. */
export interface Savings {
  outputTokens: number;
  outputTokensSource: 'provider' | 'estimated';
  /** Undefined when no estimate can be made (a stop with no budget and no history). */
  counterfactualTokens: CounterfactualEstimate | undefined;
  tokensSaved: number | undefined;
  /** USD saved; null when the model's price is unknown (see `costUnknownReason`). */
  costSaved: number | null;
  costUnknownReason?: string | undefined;
  timeSavedMs: number | undefined;
  stoppedBy: string | undefined;
}
