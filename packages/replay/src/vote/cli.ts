/**
 * `pnpm bench:vote`: replays files of many samples per question through `client.vote` over HTTP
 * and prints, per file and strategy, the tokens sampled against the full vote and the vote's
 * accuracy. Usage in docs/vote.md; `--help` for the options.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatTable } from '../bench/format-table.js';
import { exitWithUsage, parseCommandLine, positiveIntegerFlag } from '../cli-args.js';
import { repoRoot } from '../traces/trace-paths.js';
import { outputFileProblem, writeOutputFile } from '../write-output-file.js';
import { loadSampledQuestions } from './sample-files.js';
import { runVoteBench, type VoteBenchRow, voteStrategies } from './vote-bench.js';

const usage = `usage: pnpm bench:vote [options]

  --samples PATH       a samples .jsonl file or a folder of them (default ../shared/samples beside
                       the repository)
  --strategies LIST    comma-separated, of ${Object.keys(voteStrategies).join(', ')} (default vote,full,esc,posterior)
  --per-question N     use only the first N samples of each question (e.g. 20 of 40)
  --concurrency N      samples in flight per question (default 4)
  --limit N            first N questions of each file
  --json FILE          write { results: [...] }`;

// Not bare `parseArgs`: a misspelt flag gets the problem and the usage, not a stack trace.
const { values } = parseCommandLine(
  {
    options: {
      samples: { type: 'string' },
      strategies: { type: 'string', default: 'vote,full,esc,posterior' },
      'per-question': { type: 'string' },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const fail: (message: string) => never = (message) => exitWithUsage(message, usage);
const positive = (name: string, value: string | undefined) => positiveIntegerFlag(name, value, usage);

const root = repoRoot();
const shared = root === undefined ? undefined : join(root, '..', 'shared', 'samples');
const path = values.samples ?? (shared && existsSync(shared) ? shared : undefined);
if (path === undefined) {
  fail(
    'No ../shared/samples beside the repository: pass --samples PATH (a file of many samples per question; format in docs/vote.md).',
  );
}
// A path that is not there is a mistake to name, not an ENOENT stack trace from statSync.
if (!existsSync(path as string)) fail(`--samples ${path}: no such file or folder`);
// Checked before the run, not found out by a stack trace once its results exist.
if (values.json !== undefined) {
  const problem = outputFileProblem('--json', values.json);
  if (problem !== undefined) fail(problem);
}
const files = statSync(path as string).isDirectory()
  ? readdirSync(path as string)
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => join(path as string, name))
  : [path as string];
const strategies = (values.strategies ?? '').split(',').map((name) => {
  const strategy = voteStrategies[name.trim()];
  if (!strategy)
    fail(`unknown strategy ${JSON.stringify(name)}; use ${Object.keys(voteStrategies).join(', ')}`);
  return strategy as (typeof voteStrategies)[string];
});
const perQuestion = positive('per-question', values['per-question']);
const limit = positive('limit', values.limit);

function readQuestions(file: string): ReturnType<typeof loadSampledQuestions> {
  try {
    return loadSampledQuestions(file, perQuestion).slice(0, limit);
  } catch (error) {
    // A malformed file: its own message (file and line), not a stack trace.
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const results: VoteBenchRow[] = [];
for (const file of files) {
  const questions = readQuestions(file);
  // An empty file would print a table of NaN and exit 0, as if it had been measured.
  if (questions.length === 0) fail(`${file}: no questions (one JSON object a line; format in docs/vote.md)`);
  const rows = await runVoteBench({
    file: basename(file),
    questions,
    strategies,
    concurrency: positive('concurrency', values.concurrency),
  });
  results.push(...rows);
  const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
  console.log(`${basename(file)} (${questions.length} questions × ${rows[0]?.samplesPerQuestion} samples)`);
  console.log(
    formatTable(
      [
        'strategy',
        'full tok',
        'kept tok',
        'reduction',
        'full vote acc',
        'kept vote acc',
        'Δ points',
        'samples used',
        'wall vs full',
      ],
      rows.map((row) => [
        row.strategy,
        String(row.fullTokens),
        String(row.keptTokens),
        percent(row.tokenReduction),
        row.fullVoteAccuracy.toFixed(3),
        row.keptVoteAccuracy.toFixed(3),
        `${row.accuracyDelta >= 0 ? '+' : ''}${(100 * row.accuracyDelta).toFixed(2)}`,
        row.meanSamplesUsed.toFixed(2),
        row.wallRatio === null ? '-' : row.wallRatio.toFixed(2),
      ]),
    ),
  );
  console.log('');
}
if (values.json) {
  writeOutputFile(values.json, `${JSON.stringify({ results }, null, 2)}\n`);
  console.log(`wrote ${values.json}`);
}
