import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { consoleExporter } from './console-exporter.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const deltas = ['one ', 'two ', 'STOP ', 'four '];

describe('consoleExporter', () => {
  it('logs a line per call and a summary with totals by policy and model', async () => {
    const lines: string[] = [];
    const exporter = consoleExporter({ logger: { log: (line) => void lines.push(line) }, summaryEvery: 2 });
    const client = createClient({
      provider: { name: 'openai', stream: (r) => scriptedProvider(textScript(deltas)).stream(r) },
      telemetry: exporter,
    });
    await client.generate({
      model: 'gpt-4o-mini',
      messages,
      maxOutputTokens: 1000,
      policy: { stopOn: ['STOP'] },
    });
    await client.generate({ model: 'gpt-4o-mini', messages });

    expect(lines[0]).toMatch(
      /^\[stopwise\] gpt-4o-mini stopped by stopOn\("STOP"\): \d+ output tokens \(counted\), saved at most [\d,]+ tokens \(budget-bound, full length \d+-1,000\), \$/,
    );
    expect(lines[1]).toBe('[stopwise] gpt-4o-mini finish: 4 output tokens');
    // summaryEvery: 2 printed the summary after the second call.
    expect(lines[2]).toMatch(/^\[stopwise\] 2 calls, 1 stops, .* saved \([\d,]+ of it upper bounds\), \$/);
    expect(lines[2]).toContain('policy stopOn("STOP"): 1 calls, 1 stops');
    expect(lines[2]).toContain('model gpt-4o-mini: 2 calls, 1 stops');
    expect(exporter.stats().total.calls).toBe(2);
  });

  it('can be quiet per call and still summarise on demand', async () => {
    const lines: string[] = [];
    const exporter = consoleExporter({ perCall: false, logger: { log: (line) => void lines.push(line) } });
    const client = createClient({ provider: scriptedProvider(textScript(deltas)), telemetry: exporter });
    await client.generate({
      model: 'unpriced-model',
      messages,
      maxOutputTokens: 100,
      policy: { stopOn: ['STOP'] },
    });
    expect(lines).toEqual([]);
    exporter.printSummary();
    expect(lines[0]).toContain('(1 calls without a price)');
  });

  it('shows the cost range of a call and the summed ranges in the summary', async () => {
    const lines: string[] = [];
    const exporter = consoleExporter({ logger: { log: (line) => void lines.push(line) } });
    const client = createClient({
      provider: scriptedProvider(textScript(deltas)),
      telemetry: exporter,
      // $1 per output token: the range reads as token counts.
      prices: { 'my-model': { outputPerMTok: 1_000_000, currency: 'USD' } },
    });
    const result = await client.generate({
      model: 'my-model',
      messages,
      maxOutputTokens: 100,
      policy: { stopOn: ['STOP'] },
    });
    const high = result.savings.costSavedRange?.high ?? 0;
    expect(result.savings.costSavedRange?.low).toBe(0);
    expect(high).toBeCloseTo(result.savings.costSaved ?? 0, 9);
    expect(lines[0]).toContain(`, $${high.toFixed(4)} ($0.00-$${high.toFixed(4)}), `);
    exporter.printSummary();
    expect(lines[1]).toContain(`$${high.toFixed(4)} ($0.00-$${high.toFixed(4)}) saved`);
    expect(exporter.stats().total).toMatchObject({ costSavedLow: 0, costSavedHigh: high });
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    expect(() => consoleExporter({ summaryEvery: 0 })).toThrow(ConfigError);
    expect(() => consoleExporter({ logger: {} as never })).toThrow(/logger/);
  });
});
