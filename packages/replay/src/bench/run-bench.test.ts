import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayServer, type ReplayServer } from '../server/replay-server.js';
import { recordChunks } from '../tokens/record-chunks.js';
import { loadTraces } from '../traces/load-traces.js';
import { sampleTracesDir } from '../traces/trace-paths.js';
import { benchJson } from './bench-json.js';
import { equalCutCap, keptUnderCap, quantile } from './caps.js';
import { coldStartCalls, coldStartSeed } from './cold-start.js';
import { capSet, noPolicy, profileSet } from './policy-sets.js';
import { writeReport } from './report.js';
import { type BenchFileResult, isCalibrationRecord, runBench, shuffled } from './run-bench.js';

const files = await loadTraces({ path: sampleTracesDir });
const expected = new Map(
  readFileSync(join(sampleTracesDir, 'expected', 'accuracy.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([file, , accuracy]) => [file, Number(accuracy)]),
);

let server: ReplayServer;
beforeAll(async () => {
  server = await createReplayServer({ traces: files.flatMap((file) => file.records), tokensPerSecond: 0 });
});
afterAll(async () => {
  await server.close();
});

describe('runBench over HTTP, alternating the OpenAI and Anthropic adapters', () => {
  let results: BenchFileResult[] = [];
  beforeAll(async () => {
    results = await runBench({
      files,
      serverUrl: server.url,
      sets: [noPolicy, capSet('cap-200', 200)],
      caps: false,
      concurrency: 6,
    });
  }, 60_000);

  it('scores the full outputs as scorers.py does (the sample’s figures)', () => {
    for (const file of results) {
      const none = file.rows.find((row) => row.policy === 'none');
      expect(none?.summary.fullAccuracy?.toFixed(4), file.name).toBe(expected.get(file.name)?.toFixed(4));
      // What the SDK returned to the caller, unstopped, scores the same as the recorded output.
      expect(none?.summary.keptAccuracy).toBe(none?.summary.fullAccuracy);
      expect(none?.summary.keptTokens).toBe(none?.summary.fullTokens);
      expect(none?.summary.errors).toBe(0);
    }
  });

  it('sent every request to the server, half through each adapter', () => {
    const outputs = files.reduce((sum, file) => sum + file.records.length, 0);
    // Each set's outputs, and the cap's calibration fifth and cold start run once more before it
    // (the none set has nothing to calibrate and no savings to start cold).
    const calibration = files.reduce((sum, file) => sum + file.records.filter(isCalibrationRecord).length, 0);
    const coldStarts = files.reduce((sum, file) => sum + Math.min(coldStartCalls, file.records.length), 0);
    const served = server.requests.filter((request) => request.status === 200);
    expect(served).toHaveLength(outputs * 2 + calibration + coldStarts);
    const chat = served.filter((request) => request.api === 'chat').length;
    const messages = served.filter((request) => request.api === 'messages').length;
    expect(chat + messages).toBe(served.length);
    expect(Math.abs(chat - messages)).toBeLessThanOrEqual(files.length * 2);
  });

  it('a fixed cap keeps min(length, cap) tokens of each output', () => {
    for (const file of results) {
      const records = files.find((f) => f.name === file.name)?.records ?? [];
      const lengths = records.map((record) => recordChunks({ record, model: record.model }).outputTokens);
      const cap = file.rows.find((row) => row.policy === 'cap-200');
      const none = file.rows.find((row) => row.policy === 'none');
      expect(cap?.capTokens).toBe(200);
      expect(cap?.summary.fullTokens).toBe(none?.summary.fullTokens);
      // The cap stops on the delta that reaches it, so an output of exactly 200 tokens stops too.
      const stops = lengths.filter((length) => length >= 200).length;
      expect(cap?.summary.stopsByPolicy['maxTokens(200)'] ?? 0).toBe(stops);
      // The runner recounts the kept text: at most a token apart per stopped output.
      expect(Math.abs((cap?.summary.keptTokens ?? 0) - keptUnderCap(lengths, 200))).toBeLessThanOrEqual(
        stops,
      );
      // True savings count what the provider no longer generated: full minus produced, over the
      // outputs outside the calibration fifth (the estimate columns leave it out). For a cap
      // (nothing cut away after the stop) that is at most full minus kept, up to the same
      // recount; less when the loopback server had already sent the rest with its usage in the
      // read that held the stopping delta: the run then reports that (provider) count, and those
      // tokens were generated, not saved.
      const measured = records.filter((record) => !isCalibrationRecord(record));
      const measuredLengths = measured.map(
        (record) => recordChunks({ record, model: record.model }).outputTokens,
      );
      const measuredFull = measuredLengths.reduce((sum, length) => sum + length, 0);
      expect(cap?.summary.stoppedCalls).toBe(measuredLengths.filter((length) => length >= 200).length);
      const saved = cap?.summary.trueTokensSaved ?? 0;
      expect(saved).toBeGreaterThanOrEqual(0);
      expect(saved).toBeLessThanOrEqual(measuredFull - keptUnderCap(measuredLengths, 200) + stops);
    }
  });

  it("a fresh client's first calls claim at most 1.1 times what their stops saved (the cold start)", () => {
    for (const file of results) {
      const records = files.find((f) => f.name === file.name)?.records ?? [];
      const first = shuffled(records, coldStartSeed).slice(0, coldStartCalls);
      const lengths = first.map((record) => recordChunks({ record, model: record.model }).outputTokens);
      const cold = file.rows.find((row) => row.policy === 'cap-200')?.coldStart;
      expect(file.rows.find((row) => row.policy === 'none')?.coldStart).toBeUndefined();
      expect(cold?.calls).toBe(first.length);
      expect(cold?.stoppedCalls).toBe(lengths.filter((length) => length >= 200).length);
      expect(cold?.headlines).toBeLessThanOrEqual(cold?.stoppedCalls ?? 0);
      // What the first stops saved: at most what each output ran past the cap.
      const pastCap = lengths.reduce((sum, length) => sum + Math.max(0, length - 200), 0);
      expect(cold?.trueTokensSaved).toBeLessThanOrEqual(pastCap);
      const truth = cold?.trueTokensSaved ?? 0;
      expect(cold?.estimatedTokensSaved).toBeLessThanOrEqual(Math.max(1.1 * truth, truth + 50));
    }
  });

  it('writes the --json rows with exactly the documented field names, and the HTML report', async () => {
    const json = benchJson(results);
    expect(json.results).toHaveLength(files.length * 2);
    expect(Object.keys(json.results[0] ?? {})).toEqual([
      'traces',
      'policy',
      'outputs',
      'fullTokens',
      'keptTokens',
      'tokenReduction',
      'fullAccuracy',
      'keptAccuracy',
      'accuracyDelta',
      'stoppedCalls',
      'estimatedTokensSaved',
      'upperBoundTokensSaved',
      'trueTokensSaved',
      'intervalCoverage',
      'estimateSamplingError',
      'calibrationOutputs',
    ]);
    const capRow = json.results.find((row) => row.policy === 'cap-200');
    expect(Object.keys(capRow?.coldStart ?? {})).toEqual([
      'calls',
      'stoppedCalls',
      'headlines',
      'estimatedTokensSaved',
      'upperBoundTokensSaved',
      'trueTokensSaved',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'stopwise-report-'));
    const page = await writeReport({ dir, files: results, notes: ['test run'] });
    const html = readFileSync(page, 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(files.length);
    expect(html).toContain('cap-200');
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(json)),
    );
  });
});

describe('runBench with presets and caps', () => {
  it('adds quantile caps and, per preset that cut at least 1%, a cap at the same reduction', async () => {
    const file = files.find((f) => f.name.startsWith('mmlu-pro-gpt-4o-math'));
    if (!file) throw new Error('sample file missing');
    const [result] = await runBench({
      files: [file],
      serverUrl: server.url,
      sets: [noPolicy, profileSet('balanced')],
      caps: true,
    });
    const names = result?.rows.map((row) => row.policy) ?? [];
    expect(names.slice(0, 2)).toEqual(['none', 'balanced']);
    expect(names).toEqual(expect.arrayContaining(['cap-p25', 'cap-p50', 'cap-p75']));
    const balanced = result?.rows.find((row) => row.policy === 'balanced');
    const equal = result?.rows.find((row) => row.policy === 'cap-eq-balanced');
    // The profile's estimates were calibrated on a fixed fifth of the outputs, which are then
    // left out of the estimate columns; caps and no policy calibrate nothing.
    const calibrated = file.records.filter(isCalibrationRecord).length;
    expect(calibrated).toBeGreaterThan(0);
    expect(balanced?.summary.calibrationOutputs).toBe(calibrated);
    expect(result?.rows.find((row) => row.policy === 'none')?.summary.calibrationOutputs).toBe(0);
    expect(balanced?.summary.trueTokensSaved).toBeLessThanOrEqual(
      (balanced?.summary.fullTokens ?? 0) - (balanced?.summary.keptTokens ?? 0),
    );
    if ((balanced?.summary.tokenReduction ?? 0) >= 0.01) {
      expect(equal?.matches).toBe('balanced');
      expect(
        Math.abs((equal?.summary.tokenReduction ?? 0) - (balanced?.summary.tokenReduction ?? 0)),
      ).toBeLessThan(0.02);
    }
  }, 60_000);
});

describe('caps', () => {
  it('quantiles and the equal-cut cap', () => {
    const lengths = [10, 20, 30, 40, 100];
    expect(quantile(lengths, 0.5)).toBe(30);
    expect(keptUnderCap(lengths, 25)).toBe(10 + 20 + 25 + 25 + 25);
    const cap = equalCutCap(lengths, 120) ?? 0;
    expect(keptUnderCap(lengths, cap)).toBe(120);
    expect(equalCutCap(lengths, 200)).toBeUndefined();
  });
});
