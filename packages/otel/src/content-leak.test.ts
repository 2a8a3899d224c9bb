import { readFileSync } from 'node:fs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createClient, type LanguageModelProvider, type ProviderStreamPart, type RunResult } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { otelTelemetry } from './otel-telemetry.js';

/**
 * End to end through OpenTelemetry: recorded outputs (core's trace sample) through the presets
 * and a stop pattern holding user text, into in-memory span and metric exporters. Without
 * `recordContent` neither output, extracted answers nor the pattern may appear; with it the
 * output is on the spans.
 */

interface Fixture {
  id: string;
  output: string;
}

const fixtures = readFileSync(
  new URL('../../core/src/policies/__fixtures__/trace-sample.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Fixture)
  .slice(0, 12);

const secretPattern = 'Dear Mrs Example, your order 4711';

function playing(parts: ProviderStreamPart[]): LanguageModelProvider {
  return {
    name: 'openai',
    async *stream(request) {
      for (const part of parts) {
        request.signal.throwIfAborted();
        yield part;
      }
    },
  };
}

function script(output: string): ProviderStreamPart[] {
  const reasoning = [output, output, output, output].join('\n\nLet me check that again.\n\n');
  return [
    { type: 'stream-start' },
    ...(reasoning.match(/[\s\S]{1,7}/g) ?? []).map(
      (delta): ProviderStreamPart => ({ type: 'reasoning-delta', delta }),
    ),
    ...(output.match(/[\s\S]{1,7}/g) ?? []).map(
      (delta): ProviderStreamPart => ({ type: 'text-delta', delta }),
    ),
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 5, outputTokens: 50 },
    },
  ];
}

async function exported(recordContent: boolean) {
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
  const results: Array<{ fixture: Fixture; result: RunResult }> = [];
  for (const fixture of fixtures) {
    for (const profile of ['realtime', 'balanced', 'accurate']) {
      const client = createClient({ provider: playing(script(fixture.output)), profile, telemetry });
      const result = await client.generate({
        model: 'deepseek-reasoner',
        messages: [{ role: 'user', content: `Question ${fixture.id}` }],
        policy: { stopOn: [secretPattern] },
      });
      results.push({ fixture, result });
    }
  }
  await reader.forceFlush();
  const dump = JSON.stringify({
    spans: spans.getFinishedSpans().map((span) => ({ attributes: span.attributes, events: span.events })),
    metrics: metricExporter.getMetrics(),
  });
  const metricsDump = JSON.stringify(metricExporter.getMetrics());
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  return { results, dump, metricsDump };
}

describe('@stopwise/otel content policy, end to end', () => {
  it('without recordContent: no output, answer or stop pattern in spans or metrics', async () => {
    const { results, dump, metricsDump } = await exported(false);
    expect(results.some(({ result }) => result.answer !== undefined)).toBe(true);
    expect(dump).not.toContain(secretPattern);
    expect(metricsDump).toContain('"stopwise.policy":"answerConvergence"');
    for (const { fixture, result } of results) {
      for (const line of fixture.output.split('\n').filter((line) => line.trim().length >= 12)) {
        expect(dump).not.toContain(JSON.stringify(line.trim()).slice(1, -1));
      }
      if (result.answer)
        expect(dump).not.toContain(JSON.stringify(JSON.stringify(result.answer)).slice(1, -1));
    }
  });

  it('with recordContent: the output is on the spans, and metrics still carry only policy kinds', async () => {
    const { results, dump, metricsDump } = await exported(true);
    expect(metricsDump).not.toContain(secretPattern);
    for (const { result } of results) {
      expect(dump).toContain(JSON.stringify(JSON.stringify(result.text)).slice(1, -1));
    }
  });
});
