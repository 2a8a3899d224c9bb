import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, profileNames, type StopPolicy } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { recordChunks } from '../tokens/record-chunks.js';
import { loadTraces } from '../traces/load-traces.js';
import { createTraceIndex } from '../traces/trace-index.js';
import { sampleTracesDir } from '../traces/trace-paths.js';
import { keptUnderCap } from './caps.js';
import { evaluate } from './evaluate.js';
import { traceProvider } from './trace-provider.js';

const files = await loadTraces({ path: sampleTracesDir });
const expected = new Map(
  readFileSync(join(sampleTracesDir, 'expected', 'accuracy.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([file, , accuracy]) => [file, Number(accuracy)]),
);

describe('evaluate (in process, no HTTP)', () => {
  it('with no policy returns every output whole: kept = full, accuracy = scorers.py on the sample', async () => {
    for (const file of files) {
      const { summary, outcomes } = await evaluate({ records: file.records, profile: 'none' });
      expect(summary.keptTokens, file.name).toBe(summary.fullTokens);
      expect(summary.fullAccuracy?.toFixed(4)).toBe(expected.get(file.name)?.toFixed(4));
      expect(summary.keptAccuracy).toBe(summary.fullAccuracy);
      expect(
        outcomes.every((outcome) => outcome.outcome === 'finish' && outcome.stoppedBy === undefined),
      ).toBe(true);
      expect(outcomes.map((o) => o.text)).toEqual(file.records.map((r) => r.output));
    }
  });

  it('a fixed cap keeps exactly min(length, cap) tokens of each output and costs accuracy', async () => {
    const file = files.find((f) => f.name.startsWith('math500')) ?? files[0];
    const records = file?.records ?? [];
    const cap = 300;
    const { summary, outcomes } = await evaluate({ records, maxTokens: cap });
    const lengths = records.map((record) => recordChunks({ record, model: record.model }).outputTokens);
    expect(outcomes.map((o) => o.fullTokens)).toEqual(lengths);
    // The runner recounts the kept text; a cut never falls mid-token here, so the counts agree.
    expect(Math.abs(summary.keptTokens - keptUnderCap(lengths, cap))).toBeLessThanOrEqual(records.length);
    expect(summary.tokenReduction).toBeGreaterThan(0.5);
    expect(summary.keptAccuracy ?? 1).toBeLessThan(summary.fullAccuracy ?? 0);
    expect(summary.stopsByPolicy).toEqual({
      'maxTokens(300)': lengths.filter((length) => length > cap).length,
    });
  });

  it('runs your own policies, fresh for every call', async () => {
    const records = files.find((f) => f.name.startsWith('mmlu-pro-gpt-4o-math'))?.records ?? [];
    let made = 0;
    const stopAtAnswer = (): StopPolicy[] => {
      made += 1;
      return [
        {
          name: 'firstAnswer',
          step: (view) => (/answer is \([A-J]\)/.test(view.delta) ? { reason: 'answered' } : undefined),
        },
      ];
    };
    const { summary } = await evaluate({ records: records.slice(0, 10), policies: stopAtAnswer });
    expect(made).toBe(10);
    expect(summary.outputs).toBe(10);
  });

  it('uses the registered presets by name', async () => {
    expect(profileNames()).toContain('off');
    const records = files[0]?.records.slice(0, 3) ?? [];
    for (const profile of profileNames()) {
      const { set, summary } = await evaluate({ records, profile });
      expect(set).toMatchObject({ kind: 'profile', profile });
      expect(summary.outputs).toBe(3);
    }
    await expect(evaluate({ records, profile: 'no-such-profile' })).rejects.toThrow(/unknown profile/);
    await expect(evaluate({ records, profile: 'balanced', maxTokens: 5 })).rejects.toThrow(/one of/);
  });

  it('the trace provider streams token-sized deltas and yields no more once aborted', async () => {
    const record = files
      .find((f) => f.name.startsWith('amc23'))
      ?.records.find((r) => (r.reasoning ?? '').length > 0);
    if (!record) throw new Error('sample has no reasoning record');
    const provider = traceProvider({ index: createTraceIndex([record]) });
    const result = await createClient({ provider }).generate({
      model: record.model,
      messages: record.messages,
      policy: { cutAtTokens: 40 },
    });
    expect(result.outcome).toBe('policy-stop');
    const stream = provider.streams.get(result.responseId ?? '');
    expect(stream?.aborted).toBe(true);
    expect(stream?.tokensWritten).toBe(result.stop?.atToken);
    expect(result.reasoning).toBe(record.reasoning?.slice(0, result.reasoning?.length));
  });
});
