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

    // No history yet: the cap is only a bound, shown as one, never as a saving.
    expect(lines[0]).toMatch(
      /^\[stopwise\] gpt-4o-mini stopped by stopOn\("STOP"\): \d+ output tokens \(counted\), saved: no estimate yet \(at most [\d,]+ tokens\)$/,
    );
    expect(lines[1]).toBe('[stopwise] gpt-4o-mini finish: 4 output tokens');
    // summaryEvery: 2 printed the summary after the second call.
    expect(lines[2]).toMatch(
      /^\[stopwise\] 2 calls, 1 stop, .* ~0 saved \(1 stop not estimated yet\), at most [\d,]+ by the stops with a cap, \$/,
    );
    expect(lines[2]).toContain('policy stopOn("STOP"): 1 call, 1 stop');
    expect(lines[2]).toContain('model gpt-4o-mini: 2 calls, 1 stop');
    expect(exporter.stats().total.calls).toBe(2);
  });

  it('gives no "at most" for unestimated stops that had no cap', async () => {
    const lines: string[] = [];
    const exporter = consoleExporter({ perCall: false, logger: { log: (line) => void lines.push(line) } });
    const client = createClient({
      provider: { name: 'openai', stream: (r) => scriptedProvider(textScript(deltas)).stream(r) },
      telemetry: exporter,
    });
    await client.generate({ model: 'gpt-4o-mini', messages, policy: { stopOn: ['STOP'] } });
    exporter.printSummary();
    expect(lines[0]).toMatch(/~0 saved \(1 stop not estimated yet\), \$/);
  });

  it('can be quiet per call and still summarise on demand', async () => {
    const lines: string[] = [];
    const exporter = consoleExporter({ perCall: false, logger: { log: (line) => void lines.push(line) } });
    const client = createClient({
      provider: { name: 'openai', stream: (r) => scriptedProvider(textScript(deltas)).stream(r) },
      telemetry: exporter,
      savingsModel: { minSamples: 1 },
    });
    // One call that ends on its own, so the cap below has an estimate whose price is unknown.
    await client.generate({ model: 'unpriced-model', messages });
    await client.generate({ model: 'unpriced-model', messages, policy: { cutAtTokens: 2 } });
    expect(lines).toEqual([]);
    exporter.printSummary();
    expect(lines[0]).toContain('(1 call without a price)');
  });

  it('shows the cost range of a call and the summed ranges in the summary', async () => {
    const lines: string[] = [];
    const exporter = consoleExporter({ logger: { log: (line) => void lines.push(line) } });
    // Three calls that end on their own (8, 12 and 16 words) give the length model its history;
    // the fourth is stopped.
    const natural = [8, 12, 16].map((n) => Array.from({ length: n }, (_, i) => `w${i} `));
    let call = 0;
    const client = createClient({
      provider: {
        name: 'openai',
        stream: (r) => scriptedProvider(textScript(natural[call++] ?? deltas)).stream(r),
      },
      telemetry: exporter,
      // At 50% coverage three lengths give a two-sided interval (at 90% it would start at the
      // tokens produced, and the low end of the range would be $0).
      savingsModel: { minSamples: 3, coverage: 0.5 },
      // $1 per output token: the range reads as token counts.
      prices: { 'my-model': { outputPerMTok: 1_000_000, currency: 'USD' } },
    });
    for (let i = 0; i < 3; i++) await client.generate({ model: 'my-model', messages });
    // A token cap: the length model's assumption ("longer than here") holds for it.
    const result = await client.generate({ model: 'my-model', messages, policy: { cutAtTokens: 3 } });
    expect(result.savings.counterfactualTokens?.method).toBe('length-model');
    const { low, high } = result.savings.costSavedRange ?? { low: 0, high: 0 };
    expect(high).toBeGreaterThan(low);
    const usd = (n: number) => `$${n.toFixed(4)}`;
    expect(lines[3]).toContain(`, ${usd(result.savings.costSaved ?? 0)} (${usd(low)}-${usd(high)})`);
    exporter.printSummary();
    expect(lines[4]).toContain(`${usd(result.savings.costSaved ?? 0)} (${usd(low)}-${usd(high)}) saved`);
    expect(exporter.stats().total).toMatchObject({ costSavedLow: low, costSavedHigh: high });
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    expect(() => consoleExporter({ summaryEvery: 0 })).toThrow(ConfigError);
    expect(() => consoleExporter({ logger: {} as never })).toThrow(/logger/);
  });
});
