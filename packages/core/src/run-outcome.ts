import type { CallOptions } from './call-options.js';
import { describeError, ProviderError, StopwiseError } from './errors.js';
import type { StopKind } from './policy.js';
import type { ResolvedChain } from './resolve-chain.js';
import type { RecordedDecision, RunResult, RunUsage } from './run-result.js';
import type { RunState } from './run-state.js';
import type { StopInfo } from './stop-info.js';
import type { FinishReason, Outcome, Usage } from './stream-part.js';
import { estimateSavings, type SavingsEstimator } from './telemetry/estimate-savings.js';
import type { CallEndEvent, TelemetryEventBase } from './telemetry/events.js';
import { tokenCounterFor } from './token-counter.js';

/** How a run ended; the first ending recorded wins. */
export type Ending =
  | { outcome: 'finish' }
  | { outcome: 'policy-stop'; stop: StopInfo }
  | { outcome: 'abort'; reason: unknown }
  | { outcome: 'error'; error: StopwiseError };

/** Everything a run recorded, from which its {@link RunResult} is assembled. */
export interface RunRecord {
  callId: string;
  options: CallOptions<unknown>;
  /** The provider's name. */
  provider: string;
  savings: SavingsEstimator | undefined;
  chain: ResolvedChain | undefined;
  ending: Ending;
  usage: RunUsage;
  /** The provider ended the stream itself, for a reason other than its token cap. */
  natural: boolean;
  durationMs: number;
  timeToFirstTokenMs: number | undefined;
  state: RunState;
  finishReason: FinishReason;
  responseId: string | undefined;
  responseModel: string | undefined;
  /** The answer the stopping policy extracted, if any. */
  answer: string | undefined;
  /** Output tokens received when the stop was decided. */
  stopPosition: number | undefined;
  /**
   * The stop's kind for its savings, when it differs from the policy's (a cap that cut a loop
   * is a runaway there); default `stop.kind`.
   */
  stopKind?: StopKind | undefined;
  /** In a holdout call: where the chain would have stopped (empty when it never decided). */
  holdout:
    | {
        policy?: string;
        atToken?: number;
        kind?: StopKind;
        providerFinished?: boolean;
        cutBy?: string | undefined;
      }
    | undefined;
  /** For a stop: the provider's finish had already been received (the whole output was billed). */
  providerFinished?: boolean | undefined;
  decisions: RecordedDecision[];
  policyErrors: StopwiseError[];
}

/**
 * The chain's client-side token cut (the profile's or the call's `cutAtTokens`), when
 * a policy other than the cut itself stopped the call: the output would have ended there at the
 * latest, so it bounds what the stop saved.
 */
function tokenCutBounding(chain: ResolvedChain | undefined, stoppedBy: string): number | undefined {
  const cut = chain?.settings.cutAtTokens;
  if (typeof cut !== 'number') return undefined;
  const cutPolicy = chain?.entries.find((entry) => entry.setting === 'cutAtTokens')?.policy.name;
  return cutPolicy === undefined || cutPolicy === stoppedBy ? undefined : cut;
}

/** The run's result: text, usage, what the stop saved, and the outcome's own fields. */
export function assembleResult(record: RunRecord): RunResult {
  const { ending, options, usage, state } = record;
  const stop = ending.outcome === 'policy-stop' ? ending.stop : undefined;
  const savings = (record.savings ?? estimateSavings)({
    outcome: ending.outcome,
    model: options.model,
    usage,
    keptTokens: stop ? stop.atToken : (usage.outputTokens ?? 0),
    maxOutputTokens: options.maxOutputTokens,
    tokenCut: stop ? tokenCutBounding(record.chain, stop.policy) : undefined,
    stoppedBy: stop?.policy,
    stopKind: stop ? (record.stopKind ?? stop.kind) : undefined,
    durationMs: record.durationMs,
    timeToFirstTokenMs: record.timeToFirstTokenMs,
    metadata: options.metadata ?? {},
    context: record.chain?.context,
    provider: record.provider,
    responseModel: record.responseModel,
    natural: record.natural,
    receivedTokens: state.receivedTokens,
    stopPosition: stop ? record.stopPosition : undefined,
    providerFinished: stop ? record.providerFinished === true : undefined,
    holdout: record.holdout && {
      wouldStopAtToken: record.holdout.atToken,
      policy: record.holdout.policy,
      kind: record.holdout.kind,
      ...(record.holdout.providerFinished === true ? { providerFinished: true } : {}),
      ...(record.holdout.cutBy === undefined ? {} : { cutBy: record.holdout.cutBy }),
    },
  });
  const base = {
    callId: record.callId,
    text: state.answer.text,
    reasoning: state.sawReasoning ? state.reasoning.text : undefined,
    answer: record.answer,
    finishReason: finishReasonFor(ending.outcome, record.finishReason),
    usage,
    savings,
    model: record.responseModel ?? options.model,
    responseId: record.responseId,
    profile: record.chain?.profile,
    ...(record.chain?.tuning ? { tuning: record.chain.tuning } : {}),
    policies: record.chain?.names ?? [],
    decisions: record.decisions,
    policyErrors: record.policyErrors,
    durationMs: record.durationMs,
    timeToFirstTokenMs: record.timeToFirstTokenMs,
  };
  switch (ending.outcome) {
    case 'finish':
      return { ...base, outcome: 'finish' };
    case 'policy-stop':
      return { ...base, outcome: 'policy-stop', stop: ending.stop };
    case 'abort':
      return { ...base, outcome: 'abort', abortReason: ending.reason };
    case 'error':
      return { ...base, outcome: 'error', error: ending.error };
  }
}

/** The `call-end` telemetry event's fields for a result. */
export function callEndFields(
  result: RunResult,
  responseModel: string | undefined,
): Omit<CallEndEvent, keyof TelemetryEventBase | 'type'> {
  return {
    outcome: result.outcome,
    finishReason: result.finishReason,
    usage: result.usage,
    savings: result.savings,
    durationMs: result.durationMs,
    timeToFirstTokenMs: result.timeToFirstTokenMs,
    stoppedBy: result.stop?.policy,
    stopKind: result.stop?.kind,
    responseModel,
    responseId: result.responseId,
    text: result.text,
    reasoning: result.reasoning,
  };
}

/** The stop's own reason when stopwise ended the stream; the provider's otherwise. */
export function finishReasonFor(outcome: Outcome, provider: FinishReason): FinishReason {
  if (outcome === 'finish') return provider;
  if (outcome === 'error') return { unified: 'error', raw: provider.raw };
  return { unified: 'other', raw: outcome };
}

/** The provider's counts where it sent them; local estimates (gpt-tokenizer) for the rest. */
export function resolveUsage(
  provider: Partial<Usage>,
  receivedTokens: number,
  options: CallOptions<unknown>,
): RunUsage {
  const inputEstimate = () => {
    const counter = tokenCounterFor(options.model);
    // ~4 tokens of framing per message in the chat formats.
    return options.messages.reduce((sum, message) => sum + counter.count(message.content) + 4, 0);
  };
  return {
    inputTokens: provider.inputTokens ?? inputEstimate(),
    outputTokens: provider.outputTokens ?? receivedTokens,
    reasoningTokens: provider.reasoningTokens,
    source: provider.outputTokens === undefined ? 'estimated' : 'provider',
    inputSource: provider.inputTokens === undefined ? 'estimated' : 'provider',
  };
}

/** `usage` without its undefined fields, so a later part cannot erase an earlier count. */
export function definedOnly(usage: Partial<Usage>): Partial<Usage> {
  const defined: Partial<Usage> = {};
  if (usage.inputTokens !== undefined) defined.inputTokens = usage.inputTokens;
  if (usage.outputTokens !== undefined) defined.outputTokens = usage.outputTokens;
  if (usage.reasoningTokens !== undefined) defined.reasoningTokens = usage.reasoningTokens;
  return defined;
}

/** Anything a provider stream threw, as a stopwise error (a dropped stream is retryable). */
export function toStopwiseError(error: unknown, provider: string): StopwiseError {
  if (StopwiseError.isInstance(error)) return error;
  return new ProviderError({ provider, message: describeError(error), cause: error, retryable: true });
}
