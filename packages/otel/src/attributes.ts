import type { Attributes } from '@opentelemetry/api';
import type { CallEndEvent, CallStartEvent, TelemetryEventBase } from 'stopwise';

/**
 * OpenTelemetry GenAI semantic-convention attribute names (semconv 1.37+, "Development"
 * status), spelled out here rather than imported from `@opentelemetry/semantic-conventions/
 * incubating`, whose exports are not covered by its stability guarantees.
 */
export const GenAI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** Deprecated by `gen_ai.provider.name`; still read by many backends, so both are set. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',
} as const;

/** The `stopwise.*` attributes. */
export const Stopwise = {
  callId: 'stopwise.call_id',
  profile: 'stopwise.profile',
  policies: 'stopwise.policies',
  outcome: 'stopwise.outcome',
  stoppedBy: 'stopwise.stopped_by',
  stopKind: 'stopwise.stop_kind',
  policy: 'stopwise.policy',
  outputTokensSource: 'stopwise.output_tokens.source',
  tokensSaved: 'stopwise.tokens_saved',
  tokensSavedAtMost: 'stopwise.tokens_saved.at_most',
  tokensSavedReason: 'stopwise.tokens_saved.reason',
  costSaved: 'stopwise.cost_saved',
  costSavedLow: 'stopwise.cost_saved.low',
  costSavedHigh: 'stopwise.cost_saved.high',
  costUnknownReason: 'stopwise.cost_unknown_reason',
  timeSavedMs: 'stopwise.time_saved_ms',
  counterfactualMethod: 'stopwise.counterfactual.method',
  counterfactualValue: 'stopwise.counterfactual.value',
  counterfactualLow: 'stopwise.counterfactual.low',
  counterfactualHigh: 'stopwise.counterfactual.high',
  /** The pool a small bucket's estimate borrowed from (`model|profile`), when it did. */
  counterfactualPool: 'stopwise.counterfactual.pool',
  holdout: 'stopwise.holdout',
  holdoutWouldStopAt: 'stopwise.holdout.would_stop_at_token',
} as const;

// Adapter names to the semantic conventions' well-known `gen_ai.provider.name` values.
const providerNames: Readonly<Record<string, string>> = {
  gemini: 'gcp.gemini',
  google: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  mistral: 'mistral_ai',
};

/** The `gen_ai.provider.name` of an adapter: its own name unless the conventions spell it differently. */
export function providerName(adapter: string): string {
  return providerNames[adapter] ?? adapter;
}

/** Drops undefined values: OpenTelemetry attributes may not be undefined. */
export function defined(attributes: Record<string, Attributes[string] | undefined>): Attributes {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, value]) => value !== undefined && value !== null),
  ) as Attributes;
}

/** Attributes every metric point of a call carries (low cardinality: no call id, no user). */
export function metricAttributes(event: TelemetryEventBase): Attributes {
  return defined({
    [GenAI.operationName]: 'chat',
    [GenAI.providerName]: providerName(event.provider),
    [GenAI.requestModel]: event.model,
    [Stopwise.profile]: event.profile,
  });
}

/** Span attributes known when the call starts. */
export function startAttributes(event: CallStartEvent): Attributes {
  return defined({
    ...metricAttributes(event),
    [GenAI.system]: providerName(event.provider),
    [GenAI.requestMaxTokens]: event.maxOutputTokens,
    [GenAI.requestTemperature]: event.temperature,
    [Stopwise.callId]: event.callId,
    [Stopwise.policies]: [...event.policies],
  });
}

/** Span attributes known when the call ends: usage, outcome and what the stop saved. */
export function endAttributes(event: CallEndEvent): Attributes {
  const { savings, usage, finishReason } = event;
  const counterfactual = savings.counterfactualTokens;
  return defined({
    [Stopwise.profile]: event.profile,
    [GenAI.responseModel]: event.responseModel,
    [GenAI.responseId]: event.responseId,
    [GenAI.responseFinishReasons]: [
      typeof finishReason.raw === 'string' ? finishReason.raw : finishReason.unified,
    ],
    [GenAI.usageInputTokens]: usage.inputTokens,
    [GenAI.usageOutputTokens]: usage.outputTokens,
    [Stopwise.outputTokensSource]: usage.source,
    [Stopwise.outcome]: event.outcome,
    [Stopwise.stoppedBy]: event.stoppedBy,
    [Stopwise.stopKind]: event.stopKind,
    // Null headlines (no estimate yet) are left out, with the reason and the bound beside them.
    [Stopwise.tokensSaved]: savings.tokensSaved ?? undefined,
    [Stopwise.tokensSavedAtMost]:
      event.outcome === 'policy-stop' ? (savings.tokensSavedAtMost ?? undefined) : undefined,
    [Stopwise.tokensSavedReason]: savings.tokensSavedReason,
    [Stopwise.costSaved]: savings.costSaved,
    [Stopwise.costSavedLow]: savings.costSavedRange?.low,
    [Stopwise.costSavedHigh]: savings.costSavedRange?.high,
    [Stopwise.costUnknownReason]: savings.costSaved === null ? savings.costUnknownReason : undefined,
    [Stopwise.timeSavedMs]: savings.timeSavedMs ?? undefined,
    [Stopwise.counterfactualMethod]: counterfactual?.method,
    [Stopwise.counterfactualValue]: counterfactual?.value,
    [Stopwise.counterfactualLow]: counterfactual?.low,
    [Stopwise.counterfactualHigh]: counterfactual?.high,
    [Stopwise.counterfactualPool]: counterfactual?.pooled?.pool,
    [Stopwise.holdout]: savings.holdout ? true : undefined,
    [Stopwise.holdoutWouldStopAt]: savings.holdout?.wouldStopAtToken,
  });
}
