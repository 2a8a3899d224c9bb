import { ConfigError } from '../errors.js';
import type { CallContext, StopKind } from '../policy.js';
import type { RunUsage } from '../run-result.js';
import type { Outcome } from '../stream-part.js';
import { type AdaptiveCoverage, coverageShiftsIn, createAdaptiveCoverage } from './adaptive-coverage.js';
import { type Buckets, counterfactualOf } from './choose-counterfactual.js';
import { budgetBound, type CounterfactualTuning, type StopPoint } from './counterfactual.js';
import { missingEvidence, noHistoryYet } from './missing-evidence.js';
import { outputCostDeltas, type PriceOverrides, validatePriceOverrides } from './prices.js';
import type { CostRange, CounterfactualEstimate, HoldoutRecord, Savings } from './savings.js';
import { savingsBucket, savingsPools } from './savings-buckets.js';
import { createSavingsHistory, type HoldoutSample, type SavingsHistory } from './savings-history.js';
import { type SavingsSummaries, savingsSummaries } from './savings-summaries.js';

/** What a savings estimator knows about a finished call. */
export interface SavingsInput {
  outcome: Outcome;
  /** The requested model. */
  model: string;
  usage: RunUsage;
  /** Output tokens kept after the cut (for a stop), else the output tokens. */
  keptTokens: number;
  maxOutputTokens: number | undefined;
  /**
   * The client-side token cut of the call's chain (the profile's or the call's
   * `cutAtTokens`), when a policy other than the cut stopped the call: without this
   * stop the cut would have ended the output there, so it bounds the counterfactual too.
   */
  tokenCut?: number | undefined;
  stoppedBy: string | undefined;
  /** What the stop said about the rest of the output (`StopDecision.kind`). Default `complete`. */
  stopKind?: StopKind | undefined;
  durationMs: number;
  timeToFirstTokenMs: number | undefined;
  metadata: Readonly<Record<string, unknown>>;
  context: CallContext | undefined;
  /** The adapter's name, a hint for the price lookup. */
  provider?: string | undefined;
  /** The model the provider said answered (a dated snapshot id, often). */
  responseModel?: string | undefined;
  /** Whether the output ended on its own (outcome `finish`, reason not `length`). */
  natural?: boolean | undefined;
  /** Output tokens received by the client, counted locally (including text a cut removed). */
  receivedTokens?: number | undefined;
  /** For a stop: output tokens received when the policy decided. */
  stopPosition?: number | undefined;
  /**
   * For a stop: the provider's own finish had already been received when the policy decided, so
   * the whole output was generated and billed, and the stop saved nothing.
   */
  providerFinished?: boolean | undefined;
  /** Set on holdout calls: run unstopped, policies in shadow. */
  holdout?: HoldoutRecord | undefined;
}

/** Turns a finished call into its {@link Savings}. Called once per call, when it ends. */
export type SavingsEstimator = (input: SavingsInput) => Savings;

/** Options of {@link createSavingsEstimator}. */
export interface SavingsEstimatorOptions {
  /** Where lengths and holdout calibrations are kept. Default: a bounded in-memory store. */
  history?: SavingsHistory | undefined;
  /** Prices that replace the price library's, by model id. */
  prices?: PriceOverrides | undefined;
  /** Samples `holdout` and `length-model` need before they are used. Default 10. */
  minSamples?: number | undefined;
  /**
   * Nominal coverage of `[low, high]`. Default 0.9. Each holdout call checks its bucket's
   * intervals first; a bucket whose intervals miss more often than that asks for more coverage
   * (wider intervals) until they hold again (adaptive conformal inference, per bucket).
   */
  coverage?: number | undefined;
}

/**
 * Output tokens as counted by the client. Stop positions are counted the same way, so lengths,
 * positions and savings are kept in this one unit: a provider's count can differ (an
 * approximate tokenizer for non-OpenAI models, hidden reasoning tokens that no stop can save).
 */
function localTokens(input: SavingsInput): number {
  return input.receivedTokens ?? input.usage.outputTokens ?? 0;
}

/** The smallest cap the call had, and which one it was. */
function callBound(
  input: SavingsInput,
): { cap: number; source: 'maxOutputTokens' | 'token-cut' } | undefined {
  const { maxOutputTokens, tokenCut } = input;
  if (tokenCut !== undefined && (maxOutputTokens === undefined || tokenCut < maxOutputTokens))
    return { cap: tokenCut, source: 'token-cut' };
  return maxOutputTokens === undefined ? undefined : { cap: maxOutputTokens, source: 'maxOutputTokens' };
}

function stopPoint(input: SavingsInput): StopPoint {
  const produced = localTokens(input);
  return {
    position: input.stopPosition ?? produced,
    outputTokens: produced,
    maxOutputTokens: callBound(input)?.cap,
  };
}

/** Milliseconds per output token while streaming: tokens after the first over the time after it. */
function msPerToken(input: SavingsInput): number | undefined {
  const tokens = (input.receivedTokens ?? input.usage.outputTokens ?? 0) - 1;
  const streamingMs = input.durationMs - (input.timeToFirstTokenMs ?? input.durationMs);
  return tokens > 0 && streamingMs > 0 ? streamingMs / tokens : undefined;
}

/** The cost fields of {@link Savings}: the saving at the estimate and at its interval's ends. */
interface CostSaved {
  usd: number | null;
  range: CostRange | null;
  reason?: string | undefined;
}

function costSaved(
  input: SavingsInput,
  counterfactual: CounterfactualEstimate | undefined,
  produced: number,
  prices: PriceOverrides | undefined,
  noEstimateReason: string | undefined,
): CostSaved {
  if (counterfactual === undefined || noEstimateReason !== undefined) {
    return { usd: null, range: null, reason: `no estimate of the tokens saved: ${noEstimateReason}` };
  }
  const saved = [counterfactual.value, counterfactual.low, counterfactual.high].map((tokens) =>
    Math.max(0, tokens - produced),
  );
  // Nothing saved costs nothing at any price: skip the price lookup (tens of µs each) on the
  // common path, a call that ran to its end.
  if (saved[2] === 0) return { usd: 0, range: { low: 0, high: 0 } };
  const cost = outputCostDeltas({
    models: [
      input.model,
      ...(input.responseModel && input.responseModel !== input.model ? [input.responseModel] : []),
    ],
    provider: input.provider ?? '',
    inputTokens: input.usage.inputTokens ?? 0,
    outputTokens: input.usage.outputTokens ?? 0,
    savedTokens: saved,
    at: new Date(),
    overrides: prices,
  });
  if (cost.usd === null) return { usd: null, range: null, reason: cost.reason };
  const [usd, low, high] = cost.usd as [number, number, number];
  return { usd, range: { low: Math.min(low, usd), high: Math.max(high, usd) } };
}

/**
 * Why a stop has no point estimate, or undefined when it has one: what evidence it lacks
 * (`lacking`, see `missingEvidence`), and the bound when there is one. A `budget-bound`
 * counterfactual is the cap itself (or where the provider cut calls of the bucket), an upper
 * bound: reporting it as saved is what made a stop at token 143 of 150 "save" 856.
 */
function noEstimateReason(
  counterfactual: CounterfactualEstimate | undefined,
  atMost: number | null,
  bound: ReturnType<typeof callBound>,
  lacking: () => string,
): string | undefined {
  if (counterfactual !== undefined && counterfactual.method !== 'budget-bound') return undefined;
  const missing = lacking();
  if (atMost === null) return `${missing}, and the call had no cap to bound it (set maxOutputTokens)`;
  const from =
    bound?.source === 'token-cut'
      ? `the client-side token cut at ${bound.cap}`
      : `the call's maxOutputTokens ${bound?.cap ?? ''}`.trimEnd();
  return `${missing}; at most ${atMost} (${from})`;
}

/** Fills in tokens, cost and time saved around a counterfactual estimate. */
function savingsFrom(
  input: SavingsInput,
  counterfactual: CounterfactualEstimate | undefined,
  prices: PriceOverrides | undefined,
  missing: () => string = () => noHistoryYet,
): Savings {
  const outputTokens = input.usage.outputTokens ?? 0;
  // A stop after the provider's end is, for what it saved, a call that ran to its end.
  const stopped = counterfactual?.method !== 'none' && counterfactual?.method !== 'provider';
  const produced = stopped ? localTokens(input) : outputTokens;
  const bound = stopped ? callBound(input) : undefined;
  const atMost = !stopped ? 0 : bound === undefined ? null : Math.max(0, bound.cap - produced);
  const reason = noEstimateReason(counterfactual, atMost, bound, missing);
  const tokensSaved =
    counterfactual === undefined || reason !== undefined
      ? null
      : Math.max(0, counterfactual.value - produced);
  const rate = msPerToken(input);
  const cost = costSaved(input, counterfactual, produced, prices, reason);
  return {
    outputTokens,
    outputTokensSource: input.usage.source,
    counterfactualTokens: counterfactual,
    tokensSaved,
    tokensSavedAtMost: atMost,
    ...(reason !== undefined ? { tokensSavedReason: reason } : {}),
    ...(bound !== undefined ? { boundSource: bound.source } : {}),
    costSaved: cost.usd,
    costSavedRange: cost.range,
    ...(cost.usd === null ? { costUnknownReason: cost.reason } : {}),
    timeSavedMs:
      tokensSaved === null ? null : tokensSaved === 0 ? 0 : rate === undefined ? null : tokensSaved * rate,
    stoppedBy: input.stoppedBy,
    ...(input.holdout ? { holdout: input.holdout } : {}),
  };
}

/**
 * The counterfactual when it is known, not estimated: a call that was not stopped (method
 * `none`), or a stop after the provider's end, whose whole output was generated and billed
 * (method `provider`). Undefined for a stop that needs an estimate.
 */
function knownCounterfactual(input: SavingsInput): CounterfactualEstimate | undefined {
  if (input.outcome !== 'policy-stop') {
    const outputTokens = input.usage.outputTokens ?? 0;
    return { value: outputTokens, low: outputTokens, high: outputTokens, method: 'none' };
  }
  if (!input.providerFinished) return undefined;
  const billed = input.usage.outputTokens ?? localTokens(input);
  return { value: billed, low: billed, high: billed, method: 'provider' };
}

/**
 * The estimator with no history: an unstopped call saved nothing; a stopped call has no
 * estimate (`tokensSaved: null`), only the bound of its cap (`tokensSavedAtMost`) when it had
 * one. Clients use {@link createSavingsEstimator}, which learns from past calls.
 */
export const estimateSavings: SavingsEstimator = (input) =>
  savingsFrom(input, knownCounterfactual(input) ?? budgetBound(stopPoint(input)), undefined);

function tuningFrom(options: SavingsEstimatorOptions): CounterfactualTuning {
  const { minSamples = 10, coverage = 0.9 } = options;
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new ConfigError('savingsModel.minSamples', `must be a positive integer, got ${String(minSamples)}`);
  }
  if (typeof coverage !== 'number' || !(coverage > 0 && coverage < 1)) {
    throw new ConfigError(
      'savingsModel.coverage',
      `must be a number between 0 and 1 (exclusive), got ${String(coverage)}`,
    );
  }
  return { minSamples, coverage };
}

/** The holdout sample a finished call gives, if it is one (see {@link learnFromFinished}). */
function holdoutSample(input: SavingsInput, final: number): HoldoutSample | undefined {
  const { holdout } = input;
  if (holdout?.wouldStopAtToken === undefined || holdout.policy === undefined || holdout.providerFinished)
    return undefined;
  return {
    policy: holdout.policy,
    kind: holdout.kind ?? 'complete',
    stopAt: holdout.wouldStopAtToken,
    final,
  };
}

/**
 * A holdout call checks its bucket's intervals before it joins their samples: would the
 * interval its would-be stop got (from the samples so far) have held its true length? Only
 * calibrated methods are checked (`holdout`, `length-model`); a bound claims no coverage.
 */
function checkCoverage(
  summaries: SavingsSummaries,
  buckets: Buckets,
  input: SavingsInput,
  sample: HoldoutSample,
  tuning: CounterfactualTuning,
  coverage: AdaptiveCoverage,
): void {
  const point = {
    position: sample.stopAt,
    outputTokens: sample.stopAt,
    maxOutputTokens: callBound(input)?.cap,
  };
  const stop = { stoppedBy: sample.policy, stopKind: sample.kind };
  const predicted = counterfactualOf(summaries, buckets, stop, point, tuning);
  if (predicted?.method !== 'holdout' && predicted?.method !== 'length-model') return;
  coverage.observe(buckets.own, predicted.low <= sample.final && sample.final <= predicted.high);
}

/**
 * What a call that ran to its end teaches: its length (and, when the provider cut a call that
 * set no maxOutputTokens, that length as the provider's cap), and on a holdout call where a
 * policy would have stopped, the pair (would-stop position, final length). A would-be stop that
 * came after the provider's end saves nothing and is recognised as such when it happens (method
 * `provider`): it is no sample of what other stops save.
 */
function learnFromFinished(
  history: SavingsHistory,
  { own, pools }: Buckets,
  input: SavingsInput,
  sample: HoldoutSample | undefined,
): void {
  const final = localTokens(input);
  // Into the call's own bucket and every pool it may borrow from later.
  for (const bucket of [own, ...pools]) {
    history.recordLength(bucket, final);
    // Only where the provider's own cap lies: a call cut at its maxOutputTokens says nothing of
    // how far a call without one may run.
    if (input.natural === false && input.maxOutputTokens === undefined)
      history.recordCappedLength?.(bucket, final);
    if (sample !== undefined) history.recordHoldout(bucket, sample);
  }
}

/**
 * The default estimator of a client: learns from every call that ends and estimates each stop
 * with the best method available, `holdout`, then `length-model`, then `budget-bound`. What it
 * learns: the length of every call that finished (on its own or at the provider's cap), and for
 * holdout calls where a policy would have stopped, the pair (would-stop position, final length),
 * after checking whether the bucket's interval would have held it (see `AdaptiveCoverage`).
 */
export function createSavingsEstimator(options: SavingsEstimatorOptions = {}): SavingsEstimator {
  const tuning = tuningFrom(options);
  validatePriceOverrides('prices', options.prices);
  const history = options.history ?? createSavingsHistory();
  const summaries = savingsSummaries(history);
  const coverage = createAdaptiveCoverage({ coverage: tuning.coverage, shifts: coverageShiftsIn(history) });
  const { prices } = options;

  return (input) => {
    const buckets = { own: savingsBucket(input), pools: savingsPools(input) };
    const asked = coverage.coverageFor(buckets.own);
    const bucketTuning = asked === tuning.coverage ? tuning : { ...tuning, coverage: asked };
    if (input.outcome === 'finish') {
      const sample = holdoutSample(input, localTokens(input));
      if (sample !== undefined) checkCoverage(summaries, buckets, input, sample, bucketTuning, coverage);
      learnFromFinished(history, buckets, input, sample);
    }
    const point = stopPoint(input);
    const counterfactual =
      knownCounterfactual(input) ?? counterfactualOf(summaries, buckets, input, point, bucketTuning);
    return savingsFrom(input, counterfactual, prices, () =>
      missingEvidence(summaries, buckets, input.stopKind, point, bucketTuning),
    );
  };
}

/**
 * Wraps an estimator so that one that throws cannot break a run: the call then gets the
 * history-free {@link estimateSavings} and `onError` hears why.
 */
export function guardSavingsEstimator(
  estimator: SavingsEstimator,
  onError?: (error: unknown) => void,
): SavingsEstimator {
  return (input) => {
    try {
      return estimator(input);
    } catch (error) {
      try {
        onError?.(error);
      } catch {
        // Nothing left to report to.
      }
      return estimateSavings(input);
    }
  };
}
