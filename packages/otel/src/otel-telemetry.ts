import {
  type Attributes,
  type Meter,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  type CallEndEvent,
  type CallStartEvent,
  ConfigError,
  type ErrorEvent,
  type PolicyDecisionEvent,
  type PolicyStopEvent,
  type TelemetryHooks,
} from 'stopwise';
import { redactSecrets, rejectUnknownOptions } from 'stopwise/adapter';
import { defined, endAttributes, GenAI, metricAttributes, Stopwise, startAttributes } from './attributes.js';
import { policyKind, spanPolicy } from './policy-label.js';

/** Options of {@link otelTelemetry}. */
export interface OtelTelemetryOptions {
  /** Tracer for the call spans. Default: the global tracer provider's `@stopwise/otel` tracer. */
  tracer?: Tracer | undefined;
  /** Meter for the savings metrics. Default: the global meter provider's `@stopwise/otel` meter. */
  meter?: Meter | undefined;
  /** Put prompt and output text on spans (`gen_ai.input.messages`, `gen_ai.output.messages`). Default false. */
  recordContent?: boolean | undefined;
}

const scope = '@stopwise/otel';
const version = '0.1.0';
// Calls whose call-end has not come yet. Every call ends exactly once, so this only guards a
// runaway: past it the oldest span is ended as is.
const maxOpenSpans = 10_000;
// Powers of two from 16 to 32k tokens: stop positions range from a few words to long reasoning.
const positionBuckets = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
// The GenAI conventions' advised buckets for gen_ai.client.token.usage and operation.duration.
const tokenBuckets = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

function instruments(meter: Meter) {
  return {
    tokensSaved: meter.createCounter('stopwise.tokens_saved', {
      unit: '{token}',
      description: 'Output tokens not generated because a stop policy ended the stream (estimated).',
    }),
    tokensSavedAtMost: meter.createCounter('stopwise.tokens_saved.at_most', {
      unit: '{token}',
      description:
        'The most the stops can have saved (each cap minus the tokens produced): a bound, summed apart from tokens_saved.',
    }),
    costSaved: meter.createCounter('stopwise.cost_saved', {
      unit: 'USD',
      description: 'Cost of the output tokens saved, for models with a known price.',
    }),
    stops: meter.createCounter('stopwise.stops', {
      unit: '{stop}',
      description: 'Streams stopped, by policy.',
    }),
    stopPosition: meter.createHistogram('stopwise.stop_position', {
      unit: '{token}',
      description: 'Output tokens kept when a policy stopped the stream.',
      advice: { explicitBucketBoundaries: positionBuckets },
    }),
    tokenUsage: meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      advice: { explicitBucketBoundaries: tokenBuckets },
    }),
    duration: meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'GenAI operation duration.',
      advice: { explicitBucketBoundaries: durationBuckets },
    }),
  };
}

/**
 * Telemetry hooks that report every call to OpenTelemetry: a CLIENT span per call named
 * `chat {model}` with the GenAI semantic-convention attributes and `stopwise.*` attributes
 * (outcome, stopping policy, tokens and cost saved, the counterfactual estimate and its method),
 * span events for policy decisions and stops, status ERROR when the call failed; and metrics:
 * `stopwise.tokens_saved`, `stopwise.cost_saved`, `stopwise.stops` (counters),
 * `stopwise.stop_position` (histogram), plus the conventions' `gen_ai.client.token.usage` and
 * `gen_ai.client.operation.duration`. The user id is never recorded (it is often personal data).
 *
 * @example
 * import { otelTelemetry } from '@stopwise/otel';
 * const client = createClient({ provider, telemetry: otelTelemetry() });
 */
export function otelTelemetry(options: OtelTelemetryOptions = {}): TelemetryHooks {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object { tracer?, meter? }');
  rejectUnknownOptions('', options, ['tracer', 'meter', 'recordContent']);
  if (options.tracer !== undefined && typeof options.tracer?.startSpan !== 'function') {
    throw new ConfigError('tracer', 'must be an OpenTelemetry Tracer (from tracerProvider.getTracer(name))');
  }
  if (options.meter !== undefined && typeof options.meter?.createCounter !== 'function') {
    throw new ConfigError('meter', 'must be an OpenTelemetry Meter (from meterProvider.getMeter(name))');
  }
  const tracer = options.tracer ?? trace.getTracer(scope, version);
  const meter = options.meter ?? metrics.getMeter(scope, version);
  const recordContent = options.recordContent ?? false;
  const metric = instruments(meter);
  const open = new Map<string, Span>();
  // The fatal error of a call, kept from its error event for the call-end that follows.
  const failures = new Map<string, { type: string; message: string }>();

  const startSpan = (
    event: CallStartEvent | CallEndEvent,
    startTime: number,
    attributes: Attributes,
  ): Span => {
    const span = tracer.startSpan(`chat ${event.model}`, { kind: SpanKind.CLIENT, startTime, attributes });
    open.set(event.callId, span);
    if (open.size > maxOpenSpans) {
      const [oldest, stale] = open.entries().next().value as [string, Span];
      open.delete(oldest);
      stale.end();
    }
    return span;
  };

  return {
    recordContent,
    onCallStart(event) {
      const span = startSpan(event, event.timestamp, {
        ...startAttributes(event),
        [Stopwise.policies]: event.policies.map((name) => spanPolicy(name, recordContent)),
      });
      if (recordContent && event.messages)
        span.setAttribute(GenAI.inputMessages, JSON.stringify(event.messages));
    },
    onPolicyDecision(event: PolicyDecisionEvent) {
      open.get(event.callId)?.addEvent(
        'stopwise.policy_decision',
        defined({
          [Stopwise.policy]: spanPolicy(event.policy, recordContent),
          'stopwise.shadow': event.shadow,
          'stopwise.at_token': event.atToken,
          'stopwise.reason': event.decision.reason,
        }),
        event.timestamp,
      );
    },
    onPolicyStop(event: PolicyStopEvent) {
      // Metrics: the policy's kind only (bounded; no stop patterns). See policy-label.ts.
      const attributes = { ...metricAttributes(event), [Stopwise.policy]: policyKind(event.policy) };
      metric.stops.add(1, attributes);
      metric.stopPosition.record(event.atToken, attributes);
      open.get(event.callId)?.addEvent(
        'stopwise.policy_stop',
        {
          [Stopwise.policy]: spanPolicy(event.policy, recordContent),
          'stopwise.reason': event.reason,
          'stopwise.at_token': event.atToken,
          'stopwise.phase': event.phase,
        },
        event.timestamp,
      );
    },
    onError(event: ErrorEvent) {
      const message = redactSecrets(event.error.message);
      const code = (event.error as { code?: unknown }).code;
      if (event.fatal)
        failures.set(event.callId, { type: typeof code === 'string' ? code : event.error.name, message });
      const span = open.get(event.callId);
      if (!span) return;
      if (event.fatal) {
        // A sanitized copy: the original may carry an SDK error with request headers as its cause.
        span.recordException({ name: event.error.name, message }, event.timestamp);
      } else {
        span.addEvent(
          'stopwise.policy_error',
          { 'exception.type': event.error.name, 'exception.message': message },
          event.timestamp,
        );
      }
    },
    onCallEnd(event: CallEndEvent) {
      const span =
        open.get(event.callId) ??
        startSpan(event, event.timestamp - event.durationMs, metricAttributes(event));
      open.delete(event.callId);
      span.setAttributes(endAttributes(event));
      if (event.stoppedBy !== undefined)
        span.setAttribute(Stopwise.stoppedBy, spanPolicy(event.stoppedBy, recordContent));
      if (recordContent && event.text !== undefined) {
        span.setAttribute(
          GenAI.outputMessages,
          JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: event.text }] }]),
        );
      }
      const failure = failures.get(event.callId);
      failures.delete(event.callId);
      if (event.outcome === 'error') {
        span.setAttribute(GenAI.errorType, failure?.type ?? '_OTHER');
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: failure?.message ?? 'the call ended in an error',
        });
      }
      span.end(event.timestamp);
      recordMetrics(metric, event, failure?.type);
    },
  };
}

function recordMetrics(
  metric: ReturnType<typeof instruments>,
  event: CallEndEvent,
  errorType: string | undefined,
): void {
  const base = metricAttributes(event);
  const { savings } = event;
  const policy = event.stoppedBy === undefined ? undefined : policyKind(event.stoppedBy);
  // Only point estimates are counted: a null headline (a bound, or no evidence yet) adds nothing.
  if (savings.tokensSaved != null && savings.tokensSaved > 0) {
    const attributes = {
      ...base,
      [Stopwise.policy]: policy,
      [Stopwise.counterfactualMethod]: savings.counterfactualTokens?.method,
    };
    metric.tokensSaved.add(savings.tokensSaved, defined(attributes));
    if (savings.costSaved !== null) metric.costSaved.add(savings.costSaved, defined(attributes));
  }
  // The bound in its own counter, as `stats().total.tokensSavedAtMost` sums it: a metrics-only
  // dashboard can show "at most" beside the estimate without adding the two.
  if (savings.tokensSavedAtMost != null && savings.tokensSavedAtMost > 0)
    metric.tokensSavedAtMost.add(savings.tokensSavedAtMost, defined({ ...base, [Stopwise.policy]: policy }));
  metric.tokenUsage.record(event.usage.inputTokens ?? 0, { ...base, [GenAI.tokenType]: 'input' });
  metric.tokenUsage.record(event.usage.outputTokens ?? 0, { ...base, [GenAI.tokenType]: 'output' });
  metric.duration.record(
    event.durationMs / 1000,
    event.outcome === 'error' ? { ...base, [GenAI.errorType]: errorType ?? '_OTHER' } : base,
  );
}
