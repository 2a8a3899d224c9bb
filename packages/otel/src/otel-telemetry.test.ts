import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ConfigError, createClient, type LanguageModelProvider, type ProviderStreamPart } from 'stopwise';
import { afterEach, describe, expect, it } from 'vitest';
import { otelTelemetry } from './otel-telemetry.js';

const messages = [{ role: 'user' as const, content: 'What is 6 x 7? Be brief.' }];
const deltas = ['The ', 'answer ', 'is ', '42.', '\n\n', 'Let ', 'me ', 'explain ', 'at ', 'length.'];

/** A provider playing a fixed stream, honouring the abort signal like an adapter. */
function provider(parts: () => Array<ProviderStreamPart | Error>, name = 'openai'): LanguageModelProvider {
  return {
    name,
    async *stream(request) {
      for (const part of parts()) {
        request.signal.throwIfAborted();
        if (part instanceof Error) throw part;
        yield part;
      }
    },
  };
}

const answer = (): ProviderStreamPart[] => [
  { type: 'stream-start' },
  { type: 'response-metadata', id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18' },
  ...deltas.map((delta): ProviderStreamPart => ({ type: 'text-delta', delta })),
  {
    type: 'finish',
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 21, outputTokens: 12 },
  },
];

function setup(recordContent = false) {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = otelTelemetry({
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
    recordContent,
  });
  const metrics = async (): Promise<Map<string, MetricData>> => {
    await reader.forceFlush();
    const all =
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
    return new Map(all.map((metric) => [metric.descriptor.name, metric]));
  };
  return {
    spans,
    telemetry,
    metrics,
    shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]),
  };
}

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanup.map((fn) => fn()));
  cleanup = [];
});

describe('otelTelemetry', () => {
  it('makes a span per call with GenAI and stopwise attributes, and a policy-stop event', async () => {
    const otel = setup();
    cleanup.push(otel.shutdown);
    const client = createClient({ provider: provider(answer), telemetry: otel.telemetry });
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages,
      maxOutputTokens: 200,
      temperature: 0,
      policy: { stopOn: ['\n\n'] },
    });
    expect(result.outcome).toBe('policy-stop');

    const [span, ...others] = otel.spans.getFinishedSpans();
    expect(others).toHaveLength(0);
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['policy-stop'],
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'stopwise.outcome': 'policy-stop',
      // Without recordContent: the kind and a hash, not the pattern (policy-label.ts).
      'stopwise.stopped_by': expect.stringMatching(/^stopOn#[0-9a-f]{8}$/),
      'stopwise.stop_kind': 'complete',
      // No history yet: the cap is only a bound, so no headline saving, the bound beside it.
      'stopwise.tokens_saved.at_most': result.savings.tokensSavedAtMost,
      'stopwise.counterfactual.method': 'budget-bound',
      'stopwise.counterfactual.low': result.savings.counterfactualTokens?.low,
      'stopwise.counterfactual.high': 200,
      'stopwise.output_tokens.source': 'estimated',
      'stopwise.call_id': result.callId,
    });
    expect(result.savings.tokensSavedAtMost).toBeGreaterThan(0);
    expect(span?.attributes['stopwise.tokens_saved.reason']).toMatch(
      /^no history for this bucket yet .*; at most \d+/,
    );
    expect(span?.attributes).not.toHaveProperty('stopwise.tokens_saved');
    expect(span?.attributes).not.toHaveProperty('stopwise.cost_saved');
    expect(span?.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => event.name)).toEqual([
      'stopwise.policy_decision',
      'stopwise.policy_stop',
    ]);
  });

  it('leaves the cost range out and says why when the model has no price', async () => {
    const otel = setup();
    cleanup.push(otel.shutdown);
    // No response model either: the answering model would otherwise be priced.
    const unnamed = () => answer().filter((part) => part.type !== 'response-metadata');
    const client = createClient({
      provider: provider(unnamed),
      telemetry: otel.telemetry,
      savingsModel: { minSamples: 1 },
    });
    // One call that ends on its own gives the length model what it needs for an estimate.
    await client.generate({ model: 'no-such-model-anywhere', messages });
    // A token cap: the length model's assumption ("longer than here") holds for it.
    const result = await client.generate({
      model: 'no-such-model-anywhere',
      messages,
      maxOutputTokens: 200,
      policy: { cutAtTokens: 3 },
    });
    expect(result.savings.tokensSaved).toBeGreaterThan(0);
    expect(result.savings.costSavedRange).toBeNull();
    const span = otel.spans.getFinishedSpans().at(-1);
    expect(span?.attributes['stopwise.cost_unknown_reason']).toMatch(/no price for model/);
    expect(span?.attributes).not.toHaveProperty('stopwise.cost_saved.low');
    expect(span?.attributes).not.toHaveProperty('stopwise.cost_saved.high');
  });

  it('records tokens saved, cost saved, stops by policy and a histogram of stop positions', async () => {
    const otel = setup();
    cleanup.push(otel.shutdown);
    const client = createClient({
      provider: provider(answer),
      telemetry: otel.telemetry,
      savingsModel: { minSamples: 1 },
    });
    // One call that ends on its own: the stops after it get an estimate, not only a bound.
    await client.generate({ model: 'gpt-4o-mini', messages });
    const stopped = [];
    for (let i = 0; i < 3; i++)
      stopped.push(
        await client.generate({
          model: 'gpt-4o-mini',
          messages,
          maxOutputTokens: 100,
          policy: { cutAtTokens: 3 },
        }),
      );
    await client.generate({ model: 'gpt-4o-mini', messages }); // unstopped: adds no savings
    expect(stopped.every((result) => (result.savings.tokensSaved ?? 0) > 0)).toBe(true);

    const metrics = await otel.metrics();
    const sum = (name: string) =>
      ((metrics.get(name)?.dataPoints ?? []) as DataPoint<number>[]).reduce(
        (total, point) => total + point.value,
        0,
      );
    const saved = stopped.reduce((total, result) => total + (result.savings.tokensSaved ?? 0), 0);
    const cost = stopped.reduce((total, result) => total + (result.savings.costSaved ?? 0), 0);
    expect(sum('stopwise.tokens_saved')).toBe(saved);
    // The bound in its own counter, never added into tokens_saved.
    const atMost = stopped.reduce((total, result) => total + (result.savings.tokensSavedAtMost ?? 0), 0);
    expect(atMost).toBeGreaterThan(saved);
    expect(sum('stopwise.tokens_saved.at_most')).toBe(atMost);
    expect(sum('stopwise.cost_saved')).toBeCloseTo(cost, 12);
    expect(cost).toBeGreaterThan(0);
    const stops = metrics.get('stopwise.stops')?.dataPoints as DataPoint<number>[];
    expect(stops.map((point) => [point.attributes['stopwise.policy'], point.value])).toEqual([
      // The kind only: bounded cardinality, no pattern or parameter text.
      ['maxTokens', 3],
    ]);
    const positions = metrics.get('stopwise.stop_position')?.dataPoints[0]?.value as Histogram;
    expect(positions.count).toBe(3);
    expect(positions.sum).toBe(stopped.reduce((total, result) => total + (result.stop?.atToken ?? 0), 0));
    const usage = metrics.get('gen_ai.client.token.usage')?.dataPoints as DataPoint<Histogram>[];
    expect(usage.map((point) => point.attributes['gen_ai.token.type']).sort()).toEqual(['input', 'output']);
    expect(usage.every((point) => point.value.count === 5)).toBe(true);
  });

  it('sets span status error with a redacted message when the call fails', async () => {
    const otel = setup();
    cleanup.push(otel.shutdown);
    const key = 'sk-ant-api03-SECRETSECRETSECRET';
    const failing = provider(
      () => [{ type: 'stream-start' }, new Error(`authentication failed for ${key}`)],
      'anthropic',
    );
    const result = await createClient({ provider: failing, telemetry: otel.telemetry }).generate({
      model: 'claude-3-5-haiku-latest',
      messages,
    });
    expect(result.outcome).toBe('error');
    const [span] = otel.spans.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('ProviderError');
    expect(span?.attributes['stopwise.outcome']).toBe('error');
    expect(span?.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(
      JSON.stringify({ status: span?.status, events: span?.events, attributes: span?.attributes }),
    ).not.toContain(key);
    expect(span?.status.message).toContain('[redacted]');
  });

  it('marks holdout calls and puts content on spans only with recordContent', async () => {
    const plain = setup();
    const content = setup(true);
    cleanup.push(plain.shutdown, content.shutdown);
    const client = createClient({
      provider: provider(answer),
      telemetry: [plain.telemetry, content.telemetry],
      holdout: { fraction: 1 },
    });
    await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['\n\n'] } });
    const [span] = plain.spans.getFinishedSpans();
    expect(span?.attributes).toMatchObject({
      'stopwise.outcome': 'finish',
      'stopwise.holdout': true,
      'stopwise.counterfactual.method': 'none',
    });
    expect(span?.attributes['stopwise.holdout.would_stop_at_token']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span?.events.map((event) => [event.name, event.attributes?.['stopwise.shadow']])).toEqual([
      ['stopwise.policy_decision', true],
    ]);
    const [withContent] = content.spans.getFinishedSpans();
    expect(JSON.parse(withContent?.attributes['gen_ai.input.messages'] as string)).toEqual(messages);
    expect(withContent?.attributes['gen_ai.output.messages']).toContain('The answer is 42.');
  });

  it('rejects a tracer or meter that is not one', () => {
    expect(() => otelTelemetry({ tracer: {} as never })).toThrow(ConfigError);
    expect(() => otelTelemetry({ meter: 'meter' as never })).toThrow(/meter/);
    expect(() => otelTelemetry({ recordContents: true } as never)).toThrow(
      /Invalid `recordContents`: is not an option \(did you mean `recordContent`\?\)/,
    );
  });
});
