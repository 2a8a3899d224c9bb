import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../bench/evaluate.js';
import { traceProvider } from '../bench/trace-provider.js';
import { loadTraces } from '../traces/load-traces.js';
import { createTraceIndex } from '../traces/trace-index.js';
import { sampleTracesDir } from '../traces/trace-paths.js';
import { recordTraces } from './record-traces.js';

const [math] = await loadTraces({ path: join(sampleTracesDir, 'math500-sky-t1-dev.jsonl') });
const records = math?.records.slice(0, 6) ?? [];

describe('recordTraces', () => {
  it('writes finished calls in the trace format, which loads and replays identically', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'stopwise-record-')), 'traffic.jsonl');
    const recorder = recordTraces({ path });
    const client = createClient({
      provider: traceProvider({ index: createTraceIndex(records) }),
      telemetry: recorder,
    });
    for (const record of records) await client.generate({ model: record.model, messages: record.messages });
    // A stopped call is not written: its output is cut.
    const stopped = await client.generate({
      model: records[0]?.model ?? '',
      messages: records[0]?.messages ?? [],
      policy: { cutAtTokens: 5 },
    });
    expect(stopped.outcome).toBe('policy-stop');
    await recorder.close();
    expect(recorder.written).toBe(records.length);

    const [file] = await loadTraces({ path });
    expect(file?.problems).toEqual([]);
    expect(file?.records).toHaveLength(records.length);
    for (const [index, recorded] of (file?.records ?? []).entries()) {
      const original = records[index];
      expect(recorded.id).toMatch(/^recorded\//);
      expect(recorded.model).toBe(original?.model);
      expect(recorded.messages).toEqual(original?.messages);
      expect(recorded.output).toBe(original?.output);
      expect(recorded.reasoning ?? '').toBe(original?.reasoning ?? '');
      expect(recorded.gold).toBeUndefined();
    }
    // Replayed traffic runs through the offline evaluation like any trace file.
    const { summary } = await evaluate({ records: file?.records ?? [], maxTokens: 50 });
    expect(summary.outputs).toBe(records.length);
    expect(summary.fullAccuracy).toBeNull();
    expect(summary.tokenReduction).toBeGreaterThan(0);
  });

  it('keeps only what `keep` accepts, and rejects a missing path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'stopwise-record-')), 'traffic.jsonl');
    const recorder = recordTraces({ path, idPrefix: 'prod/', keep: (record) => record.output.length > 1500 });
    const client = createClient({
      provider: traceProvider({ index: createTraceIndex(records) }),
      telemetry: recorder,
    });
    for (const record of records) await client.generate({ model: record.model, messages: record.messages });
    await recorder.close();
    const [file] = await loadTraces({ path });
    expect(file?.records.map((r) => r.output.length > 1500)).toEqual(file?.records.map(() => true));
    expect(file?.records.every((r) => r.id.startsWith('prod/'))).toBe(true);
    expect(() => recordTraces({ path: '' })).toThrow(/Invalid `path`/);
  });
});
