import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSampledQuestions } from './sample-files.js';
import { runVoteBench, voteStrategies } from './vote-bench.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/samples/${name}`, import.meta.url));

describe('pnpm bench:vote', () => {
  it('replays each sample once through the SDK over HTTP; a vote samples less than the full vote and says so', async () => {
    const questions = loadSampledQuestions(fixture('bbh-date-sample.jsonl'));
    const rows = await runVoteBench({
      file: 'bbh-date-sample.jsonl',
      questions,
      strategies: [voteStrategies.full, voteStrategies.vote, voteStrategies.esc].flatMap((s) =>
        s ? [s] : [],
      ),
    });
    const [full, vote, esc] = rows;
    // The full vote draws every sample: the server writes every token.
    expect(full).toMatchObject({
      strategy: 'full',
      questions: 6,
      samplesPerQuestion: 12,
      meanSamplesUsed: 12,
    });
    expect(full?.keptTokens).toBe(full?.fullTokens);
    for (const row of [vote, esc]) {
      expect(row?.keptTokens).toBeLessThan(full?.fullTokens ?? 0);
      expect(row?.tokenReduction).toBeCloseTo(1 - (row?.keptTokens ?? 0) / (full?.fullTokens ?? 1));
      expect(row?.meanSamplesUsed).toBeLessThan(12);
      expect(row?.fullVoteAccuracy).toBe(full?.fullVoteAccuracy);
    }
  });

  it('math answers are read and scored as the math scorer does', async () => {
    const questions = loadSampledQuestions(fixture('math-sample.jsonl'));
    const [full] = await runVoteBench({
      file: 'math-sample.jsonl',
      questions,
      strategies: [voteStrategies.full].flatMap((s) => (s ? [s] : [])),
    });
    expect(full?.fullVoteAccuracy).toBeGreaterThan(0.5);
    expect(full?.keptVoteAccuracy).toBe(full?.fullVoteAccuracy);
  });

  it.each([
    ['a misspelt flag', ['--sample', 'x'], /Unknown option '--sample'/],
    [
      'a path that is not there',
      ['--samples', 'no-such-samples.jsonl'],
      /--samples no-such-samples\.jsonl: no such file or folder/,
    ],
    ['an empty file (was a table of NaN, exit 0)', ['--samples', '<empty>'], /empty\.jsonl: no questions/],
    ['a line that is not JSON', ['--samples', '<bad>'], /bad\.jsonl line 1: not JSON/],
  ])('the CLI says what to fix for %s: exit 2, no stack trace', async (_what, args, problem) => {
    const scratch = mkdtempSync(join(tmpdir(), 'stopwise-vote-cli-'));
    writeFileSync(join(scratch, 'empty.jsonl'), '');
    writeFileSync(join(scratch, 'bad.jsonl'), 'not json\n');
    const resolved = args.map((arg) =>
      arg === '<empty>' ? join(scratch, 'empty.jsonl') : arg === '<bad>' ? join(scratch, 'bad.jsonl') : arg,
    );
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const failed = promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...resolved]);
    await expect(failed).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(problem) });
    await expect(failed).rejects.toMatchObject({ stderr: expect.stringMatching(/usage: pnpm bench:vote/) });
    await expect(failed).rejects.toMatchObject({ stderr: expect.not.stringMatching(/\n\s+at /) });
  });
});
