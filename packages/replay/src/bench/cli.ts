/**
 * `pnpm bench`: every recorded output through stopwise over HTTP to the replay server, once per
 * policy set (no policy, each registered preset, fixed caps), and the accuracy against tokens.
 * Usage in `docs/benchmark.md`; `--help` for the options.
 */
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { SingleBar } from 'cli-progress';
import { profileNames, StopwiseError } from 'stopwise';
import { exitWithUsage, parseCommandLine, positiveIntegerFlag } from '../cli-args.js';
import { createReplayServer } from '../server/replay-server.js';
import { loadTraces } from '../traces/load-traces.js';
import { formatTraceProblem } from '../traces/read-trace-file.js';
import { repoRoot, sampleTracesDir, sharedTracesDir } from '../traces/trace-paths.js';
import { outputFileProblem, writeOutputFile } from '../write-output-file.js';
import { benchJson } from './bench-json.js';
import { benchWorkers } from './bench-workers.js';
import { coldStartCalls, coldStartRatio } from './cold-start.js';
import { formatTable, rowLabel, summaryHeader, summaryRow } from './format-table.js';
import { parsePolicyList, withFeedback } from './policy-sets.js';
import { startReplayProcess } from './replay-process.js';
import { writeReport } from './report.js';
import { type BenchFileResult, runBench } from './run-bench.js';
import { userTable } from './simulated-users.js';

const usage = `usage: pnpm bench [options]

  --traces PATH        a .jsonl trace file or a folder (default ../shared/traces beside the
                       repository; the committed sample when that is missing)
  --policies LIST      comma-separated: none, all (every registered profile), a profile name,
                       cap:<tokens>, caps (quantile caps and a cap per preset at its token
                       reduction). Default: none,all,caps. Registered: ${profileNames().join(', ')}
  --feedback           simulate user feedback on every tuned:<profile> set (tuned:balanced when
                       none is named): calls are dealt among a strict, an approving, a continuing
                       and a silent user, and each row reports every user's tuned step
  --concurrency N      calls in flight (default 8)
  --limit N            first N outputs of each file
  --tokens-per-second  replay pace (default 0: as fast as possible)
  --json FILE          write { results: [...] } for tools that compare runs
  --report DIR         write DIR/index.html (charts and tables) and DIR/results.json
  --workers N          client processes running policy sets in parallel (default: one per core;
                       1 runs them in this process)
  --in-process         run the replay server in this process (default: its own process)`;

const fail: (message: string) => never = (message) => exitWithUsage(message, usage);
const positiveInteger = (name: string, value: string | undefined) => positiveIntegerFlag(name, value, usage);

// Not bare `parseArgs`: a misspelt flag (`--polices`) gets the problem and the usage, exit 2,
// not a stack trace.
const { values } = parseCommandLine(
  {
    options: {
      traces: { type: 'string' },
      policies: { type: 'string', default: 'none,all,caps' },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      'tokens-per-second': { type: 'string', default: '0' },
      json: { type: 'string' },
      report: { type: 'string' },
      workers: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      feedback: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
// Checked before the run (minutes), not found out by a stack trace once its results exist.
if (values.json !== undefined) {
  const problem = outputFileProblem('--json', values.json);
  if (problem !== undefined) fail(problem);
}

let tracesPath = values.traces;
if (tracesPath === undefined) {
  tracesPath = sharedTracesDir();
  if (tracesPath === undefined) {
    console.error(
      `No ../shared/traces beside the repository${repoRoot() ? ` (${repoRoot()})` : ''}: using the committed sample\n` +
        `(${sampleTracesDir}). Its accuracies are not the full files' (wrong answers are over-represented);\n` +
        'pass --traces PATH for your own or the full traces.\n',
    );
    tracesPath = sampleTracesDir;
  }
}
const concurrency = positiveInteger('concurrency', values.concurrency) ?? 8;
const workerCount = positiveInteger('workers', values.workers) ?? Math.max(1, availableParallelism());
const limit = positiveInteger('limit', values.limit);
const tokensPerSecond = Number(values['tokens-per-second']);
if (!Number.isFinite(tokensPerSecond) || tokensPerSecond < 0)
  fail('--tokens-per-second must be a number ≥ 0');
const entries = (values.policies ?? '').split(',').map((entry) => entry.trim());
const caps = entries.includes('caps');
let sets: ReturnType<typeof parsePolicyList>;
try {
  sets = parsePolicyList(entries.filter((entry) => entry !== 'caps').join(','));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.feedback) sets = withFeedback(sets);
if (sets.length === 0 && !caps) fail('--policies names no policy set');

const started = performance.now();
const files = await loadTraces({
  path: tracesPath,
  limit,
  onProblem: (problem) => console.error(`warning: ${formatTraceProblem(problem)} (line skipped)`),
}).catch((error: unknown) => fail(StopwiseError.isInstance(error) ? error.message : String(error)));
const outputs = files.reduce((sum, file) => sum + file.records.length, 0);
const server = values['in-process']
  ? await createReplayServer({ traces: files.flatMap((file) => file.records), tokensPerSecond })
  : await startReplayProcess({ traces: tracesPath, tokensPerSecond });
const where = relative(process.cwd(), tracesPath) || tracesPath;
console.log(
  `stopwise bench: ${outputs} outputs in ${files.length} file(s) from ${where}${limit ? ` (first ${limit} per file)` : ''}`,
);
console.log(
  `policy sets: ${[...sets.map((set) => set.name), ...(caps ? ["fixed caps (p25, p50, p75 of each file's lengths, and one per preset at its token reduction)"] : [])].join(', ')}`,
);
const workers =
  workerCount > 1
    ? await benchWorkers({ count: workerCount, tracesPath, limit, serverUrl: server.url, concurrency })
    : undefined;
console.log(
  `replay ${server.url} at ${tokensPerSecond || 'full speed'}${tokensPerSecond ? ' tok/s' : ''}; ` +
    `${workerCount} client process(es) × ${concurrency} calls in flight; ${availableParallelism()} cores\n`,
);

const bar = new SingleBar({
  format: 'bench [{bar}] {percentage}% | {value}/{total} calls | {file} | eta {eta_formatted}',
  stream: process.stderr,
  hideCursor: true,
  clearOnComplete: true,
});
let results: BenchFileResult[] = [];
try {
  bar.start(1, 0, { file: files[0]?.name ?? '' });
  let current = files[0]?.name ?? '';
  results = await runBench({
    files,
    serverUrl: server.url,
    sets,
    caps,
    concurrency,
    executor: workers,
    onProgress: (done, total) => {
      bar.setTotal(total);
      bar.update(done, { file: current });
    },
    onFile: (result) => {
      current = files[files.findIndex((file) => file.name === result.name) + 1]?.name ?? '';
      bar.stop();
      printFile(result);
      if (current) bar.start(bar.getTotal(), bar.getProgress() * bar.getTotal(), { file: current });
    },
  });
} finally {
  bar.stop();
  await workers?.close();
  await server.close();
}

function printFile(result: BenchFileResult): void {
  // The cold start goes just before the stops (the last column, the widest).
  const header = [...summaryHeader.slice(0, -1), `cold ${coldStartCalls}`, ...summaryHeader.slice(-1)];
  const rows = result.rows.map((row) => {
    const cells = summaryRow(rowLabel(row), row.summary, true);
    const cold = row.coldStart ? coldStartRatio(row.coldStart) : '-';
    return [...cells.slice(0, -1), cold, ...cells.slice(-1)];
  });
  console.log(`${result.name} (${result.outputs} outputs)`);
  console.log(`${formatTable(header, rows)}\n`);
  for (const row of result.rows) {
    if (row.users) console.log(`${row.policy}: simulated users\n${formatTable(...userTable(row.users))}\n`);
  }
  for (const row of result.rows) {
    for (const error of row.errors) console.error(`error (${row.policy}): ${error}`);
  }
}

const seconds = (performance.now() - started) / 1000;
console.log(`done in ${seconds.toFixed(1)} s`);
console.log(
  "est. saved: the SDK's own estimate of tokens saved; true saved: full minus produced tokens (text a cut removed was billed);",
);
console.log(
  "both over stopped calls outside each policy set's calibration fifth (stops with no estimate add 0 to est. saved); coverage: share of those whose true length fell in the SDK's counterfactual interval.",
);
console.log(
  'est. ±: a rough standard error of est. saved from calibrating on a sample (its size and spread, per policy); the truth is usually within two of them.',
);
console.log(
  `cold ${coldStartCalls}: a fresh client's first ${coldStartCalls} calls (default options, one at a time): its headline tokens saved over what those stops truly saved (target: at most 1.10x; - when none stopped).`,
);
if (values.json) {
  writeOutputFile(values.json, `${JSON.stringify(benchJson(results), null, 2)}\n`);
  console.log(`wrote ${values.json}`);
}
if (values.report) {
  const page = await writeReport({
    dir: values.report,
    files: results,
    notes: [
      `${outputs} outputs from ${where}${limit ? ` (first ${limit} per file)` : ''}; replayed at ${tokensPerSecond || 'full speed'}; ${seconds.toFixed(0)} s.`,
      `Generated ${new Date().toISOString()} by pnpm bench (node ${process.version}).`,
    ],
  });
  console.log(`wrote ${page}`);
}
