import type { RunResult, StopwiseClient, StreamPart } from 'stopwise';
import { scoreText } from '../scoring/score-text.js';
import { recordChunks } from '../tokens/record-chunks.js';
import { isScorable, type TraceRecord } from '../traces/trace-record.js';
import { callPolicyFor, type PolicySet } from './policy-sets.js';

/** What one recorded output became when streamed through a stopwise client under a policy set. */
export interface RecordOutcome {
  id: string;
  /** Output tokens of the full record (reasoning plus answer): what an unstopped call bills. */
  fullTokens: number;
  /** Output tokens of what the caller kept (the stop's `atToken`; the usage when not stopped). */
  keptTokens: number;
  /** The answer text the caller got. */
  text: string;
  /** The reasoning text the caller got, when the record has reasoning. */
  reasoning: string | undefined;
  /** A short answer the stopping policy extracted, when it gave one. */
  answer: string | undefined;
  /** Whether the full output is correct (undefined for records without gold). */
  fullCorrect: boolean | undefined;
  /** Whether what the caller kept is correct (undefined for records without gold). */
  keptCorrect: boolean | undefined;
  outcome: RunResult['outcome'];
  stoppedBy: string | undefined;
  stopReason: string | undefined;
  stopPhase: 'reasoning' | 'answer' | undefined;
  /**
   * Output tokens the call produced, as its savings count them (`result.savings.outputTokens`):
   * for a stop, what the provider generated before the abort, the text a cut removed included.
   */
  producedTokens: number;
  /**
   * `result.savings.tokensSaved`: the SDK's own point estimate of the tokens the stop saved;
   * undefined for an unstopped call or a stop with no estimate (a null headline).
   */
  estimatedTokensSaved: number | undefined;
  /** `result.savings.tokensSavedAtMost` of a stop: the bound its cap gives, when it had one. */
  upperBoundTokensSaved: number | undefined;
  /** `result.savings.counterfactualTokens` interval: where the SDK thinks the full length lies. */
  counterfactualLow: number | undefined;
  counterfactualHigh: number | undefined;
  /** The provider's response id (the replay server's request id). */
  responseId: string | undefined;
  /** The error message, for outcome `error`. */
  error: string | undefined;
  durationMs: number;
  /**
   * True when this output also calibrated the savings estimates (the bench's holdout pass):
   * its estimate is then left out of the estimate columns.
   */
  calibration?: boolean | undefined;
  /**
   * For a holdout call that ran to its end past a would-be stop: the policy that would have
   * stopped it and how many tokens it ran past that stop (`savings.outputTokens -
   * holdout.wouldStopAtToken`), a calibration sample as the SDK's estimator sees it. Undefined
   * otherwise (no would-be stop, the provider had already finished, a safety stop cut it).
   */
  holdoutSample?: { policy: string; remaining: number } | undefined;
  /** The call's id (`result.callId`), for feedback. */
  callId?: string | undefined;
  /** The tuned ladder step the call ran at and whose evidence chose it (`result.tuning`), with `learn` on. */
  tuningStep?: number | undefined;
  tuningScope?: string | undefined;
}

/** Options of {@link runRecord}. */
export interface RunRecordOptions {
  client: StopwiseClient<unknown>;
  record: TraceRecord;
  set: PolicySet;
  /** The model to ask for; default the record's (it picks the tokenizer on both sides). */
  model?: string | undefined;
  /** Provider options for the call (e.g. to name the record explicitly). */
  providerOptions?: unknown;
  /**
   * The provider cap to send (`maxOutputTokens`): the recording's own generation limit, where
   * its source documents one (see `generationLimit`). Default none.
   */
  maxOutputTokens?: number | undefined;
  /** The end user the call is made for (`user` of the call): per-user tuning and feedback. */
  user?: string | undefined;
  /** Sees every part of the stream as it arrives (the demo prints them). */
  onPart?: ((part: StreamPart) => void) | undefined;
}

/**
 * The text a trace's scorer reads of a run: the answer text, or when it is empty the short
 * answer a policy extracted; the reasoning goes along for scorers that read it (`math`).
 */
export function keptTexts(result: Pick<RunResult, 'text' | 'answer' | 'reasoning'>): {
  text: string;
  reasoning: string;
} {
  return { text: result.text || (result.answer ?? ''), reasoning: result.reasoning ?? '' };
}

/** Streams one record through `client` under `set` and scores what the caller kept. */
export async function runRecord(options: RunRecordOptions): Promise<RecordOutcome> {
  const { client, record, set } = options;
  const model = options.model ?? record.model;
  const run = client.stream({
    model,
    messages: record.messages,
    maxOutputTokens: options.maxOutputTokens,
    policy: callPolicyFor(set),
    providerOptions: options.providerOptions,
    user: options.user,
  });
  if (options.onPart) for await (const part of run) options.onPart(part);
  const result = await run.result;
  const fullTokens = recordChunks({ record, model }).outputTokens;
  // The runner recounts a stop's kept text, which can come out a token or two above the count
  // of the chunks it was cut from: the kept part never holds more than the whole.
  const keptTokens = Math.min(
    fullTokens,
    result.outcome === 'policy-stop' ? result.stop.atToken : (result.usage.outputTokens ?? 0),
  );
  const scorable = isScorable(record);
  const kept = keptTexts(result);
  const counterfactual = result.outcome === 'policy-stop' ? result.savings.counterfactualTokens : undefined;
  return {
    id: record.id,
    fullTokens,
    keptTokens,
    text: result.text,
    reasoning: result.reasoning,
    answer: result.answer,
    fullCorrect: scorable
      ? scoreText({ record, text: record.output, reasoning: record.reasoning })
      : undefined,
    keptCorrect: scorable ? scoreText({ record, ...kept }) : undefined,
    outcome: result.outcome,
    stoppedBy: result.stop?.policy,
    stopReason: result.stop?.reason,
    stopPhase: result.stop?.phase,
    producedTokens: result.savings.outputTokens,
    estimatedTokensSaved:
      result.outcome === 'policy-stop' ? (result.savings.tokensSaved ?? undefined) : undefined,
    upperBoundTokensSaved:
      result.outcome === 'policy-stop' ? (result.savings.tokensSavedAtMost ?? undefined) : undefined,
    counterfactualLow: counterfactual?.low,
    counterfactualHigh: counterfactual?.high,
    responseId: result.responseId,
    error: result.outcome === 'error' ? result.error.message : undefined,
    durationMs: result.durationMs,
    holdoutSample: holdoutSampleOf(result),
    callId: result.callId,
    tuningStep: result.tuning?.step,
    tuningScope: result.tuning?.scope,
  };
}

/** See {@link RecordOutcome.holdoutSample}. */
function holdoutSampleOf(result: RunResult): RecordOutcome['holdoutSample'] {
  const holdout = result.savings.holdout;
  if (
    holdout?.wouldStopAtToken === undefined ||
    holdout.policy === undefined ||
    holdout.providerFinished ||
    holdout.cutBy !== undefined
  )
    return undefined;
  return {
    policy: holdout.policy,
    remaining: Math.max(0, result.savings.outputTokens - holdout.wouldStopAtToken),
  };
}
