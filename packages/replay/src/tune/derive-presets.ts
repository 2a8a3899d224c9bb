/**
 * `pnpm derive-presets`: re-derives a preset's step on its tuning ladder with leave-one-model-out
 * and leave-one-task-out cross-validation, and prints each candidate's figures on each left-out
 * model and task.
 *
 * Every step of the preset's ladder (see `defaultLadder`) runs through the benchmark (over
 * HTTP, the real runner, adaptive-length history learned in order) on every trace file. Then,
 * for each model, the most aggressive step whose figures on the *other* models meet the bar
 * (pooled reasoning files: at most `--max-loss` points; each chat file: at most
 * `--max-chat-loss` points; no file more than one answer below the home step) is chosen, and
 * its figures on the left-out model are reported: what a step chosen without that model does on
 * it. The same for each task (the records' `dataset`: a benchmark some models share). The step
 * chosen on all files is the one to ship.
 *
 *   pnpm derive-presets --traces ../shared/traces --preset balanced
 */
import { ConfigError, defaultLadder, defineProfile, findProfile } from 'stopwise';
import { formatTable } from '../bench/format-table.js';
import { profileSet } from '../bench/policy-sets.js';
import { runBench } from '../bench/run-bench.js';
import type { EvaluationSummary } from '../bench/summarize.js';
import { exitWithUsage, numberFlag, parseCommandLine, positiveIntegerFlag } from '../cli-args.js';
import { createReplayServer } from '../server/replay-server.js';
import { loadTraces } from '../traces/load-traces.js';
import { sharedTracesDir } from '../traces/trace-paths.js';

const usage = `usage: pnpm derive-presets [--traces PATH] [--preset NAME] [--max-loss POINTS] [--max-chat-loss POINTS] [--concurrency N]

  --traces PATH          trace files (default: ../shared/traces beside the repository)
  --preset NAME          the preset whose ladder step to re-derive (default balanced)
  --max-loss POINTS      pooled reasoning files: accuracy points a step may lose (default 1)
  --max-chat-loss POINTS each chat file: accuracy points a step may lose (default 0.5)
  --concurrency N        calls in flight (default 8)`;
// Not bare `parseArgs`: a misspelt flag gets the problem and the usage, not a stack trace.
const { values } = parseCommandLine(
  {
    options: {
      traces: { type: 'string' },
      preset: { type: 'string', default: 'balanced' },
      'max-loss': { type: 'string', default: '1' },
      'max-chat-loss': { type: 'string', default: '0.5' },
      concurrency: { type: 'string', default: '8' },
      help: { type: 'boolean', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const tracesPath = values.traces ?? sharedTracesDir();
if (tracesPath === undefined) {
  console.error(
    'No ../shared/traces beside the repository: pass --traces PATH (this script needs the full files).',
  );
  process.exit(2);
}
const preset = values.preset ?? 'balanced';
const maxLoss = numberFlag(values['max-loss']);
const maxChatLoss = numberFlag(values['max-chat-loss']);
const concurrency = positiveIntegerFlag('concurrency', values.concurrency, usage);
for (const [flag, points] of [
  ['max-loss', maxLoss],
  ['max-chat-loss', maxChatLoss],
] as const) {
  if (!(points >= 0)) exitWithUsage(`--${flag} must be a number of points >= 0, got ${values[flag]}`, usage);
}

/** One file's figures under one candidate. */
interface Cell {
  file: string;
  model: string;
  /** The benchmark the file's outputs answer (`dataset` of its records). */
  task: string;
  reasoning: boolean;
  summary: EvaluationSummary;
}

const files = await loadTraces({ path: tracesPath });
const presetSettings = findProfile(preset)?.settings;
if (!presetSettings)
  throw new ConfigError('preset', `${JSON.stringify(preset)} is not a profile made with defineProfile`);
const ladder = defaultLadder(presetSettings);
const candidates = ladder.steps.map((step, index) => {
  const name = `${preset}:step${index}`;
  defineProfile(name, { extends: preset, description: `${preset}, ladder step ${index}`, ...step });
  return name;
});
console.log(
  `${preset}: ladder steps 0..${candidates.length - 1} (home ${ladder.home}) on ${files.length} files`,
);

const server = await createReplayServer({
  traces: files.flatMap((file) => file.records),
  tokensPerSecond: 0,
});
const cells = new Map<string, Cell[]>();
try {
  for (const candidate of candidates) {
    const started = performance.now();
    const results = await runBench({
      files,
      serverUrl: server.url,
      sets: [profileSet(candidate)],
      caps: false,
      concurrency,
    });
    cells.set(
      candidate,
      results.flatMap((result) => {
        const file = files.find((f) => f.name === result.name);
        const row = result.rows[0];
        if (!file || !row) return [];
        const first = file.records[0];
        return [
          {
            file: result.name,
            model: first?.model ?? result.name,
            task: first?.dataset ?? result.name,
            reasoning:
              file.records.some((record) => (record.reasoning ?? '') !== '') || /sky-t1/i.test(result.name),
            summary: row.summary,
          },
        ];
      }),
    );
    console.error(`${candidate}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
} finally {
  await server.close();
}

/** Pooled token reduction and accuracy points gained (negative: lost) of some cells. */
function pooled(of: readonly Cell[]): { reduction: number; points: number; outputs: number } {
  let full = 0;
  let kept = 0;
  let outputs = 0;
  let delta = 0;
  for (const { summary } of of) {
    full += summary.fullTokens;
    kept += summary.keptTokens;
    outputs += summary.outputs;
    delta += (summary.accuracyDelta ?? 0) * summary.outputs;
  }
  return {
    reduction: full === 0 ? 0 : (full - kept) / full,
    points: outputs === 0 ? 0 : (100 * delta) / outputs,
    outputs,
  };
}

/** Answers lost (negative: gained) by a candidate on one file, against the full outputs. */
function answersLost(cell: Cell): number {
  return -Math.round((cell.summary.accuracyDelta ?? 0) * cell.summary.outputs);
}

/**
 * The most aggressive candidate meeting the bar on the kept cells: reasoning files pooled lose at
 * most `maxLoss` points, each chat file at most `maxChatLoss`, and no file loses more than one
 * answer beyond what the home step loses on it (a pooled bar alone lets one small file pay for
 * the others). The home step when none does.
 */
function choose(keep: (cell: Cell) => boolean): string {
  const home = (cells.get(candidates[ladder.home] as string) ?? []).filter(keep);
  let chosen = candidates[ladder.home] as string;
  for (const candidate of candidates) {
    const seen = (cells.get(candidate) ?? []).filter(keep);
    const reasoning = pooled(seen.filter((cell) => cell.reasoning));
    const chatOk = seen
      .filter((cell) => !cell.reasoning)
      .every((cell) => 100 * (cell.summary.accuracyDelta ?? 0) >= -maxChatLoss);
    const noFileWorse = seen.every((cell) => {
      const before = home.find((other) => other.file === cell.file);
      return before === undefined || answersLost(cell) <= answersLost(before) + 1;
    });
    if (reasoning.points >= -maxLoss && chatOk && noFileWorse) chosen = candidate;
  }
  return chosen;
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const points = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

// Every candidate on every file, for the record.
const header = ['file', ...candidates];
const rows = (cells.get(candidates[0] as string) ?? []).map((cell) => [
  cell.file,
  ...candidates.map((candidate) => {
    const own = cells.get(candidate)?.find((other) => other.file === cell.file);
    return own
      ? `${percent(own.summary.tokenReduction)} ${points(100 * (own.summary.accuracyDelta ?? 0))}`
      : '';
  }),
]);
for (const group of [true, false]) {
  const label = group ? 'reasoning files pooled' : 'chat files pooled';
  rows.push([
    label,
    ...candidates.map((candidate) => {
      const figures = pooled((cells.get(candidate) ?? []).filter((cell) => cell.reasoning === group));
      return `${percent(figures.reduction)} ${points(figures.points)}`;
    }),
  ]);
}
console.log('\nEach cell: token reduction, accuracy points (negative: lost)\n');
console.log(formatTable(header, rows));

/** Leaves each group of cells out in turn (by `groupOf`) and prints what a step chosen without it does on it. */
function leaveOneOut(groupOf: (cell: Cell) => string, label: 'model' | 'task'): void {
  const groups = [...new Set((cells.get(candidates[0] as string) ?? []).map(groupOf))];
  const chosenWithout = new Map(groups.map((group) => [group, choose((cell) => groupOf(cell) !== group)]));
  const rows = groups.map((group) => {
    const chosen = chosenWithout.get(group) as string;
    const figures = pooled((cells.get(chosen) ?? []).filter((cell) => groupOf(cell) === group));
    const home = pooled(
      (cells.get(candidates[ladder.home] as string) ?? []).filter((cell) => groupOf(cell) === group),
    );
    return [
      group,
      String(figures.outputs),
      chosen,
      `${percent(figures.reduction)} ${points(figures.points)}`,
      `${percent(home.reduction)} ${points(home.points)}`,
    ];
  });
  const heldOutReasoning = groups.flatMap((group) =>
    (cells.get(chosenWithout.get(group) as string) ?? []).filter(
      (cell) => groupOf(cell) === group && cell.reasoning,
    ),
  );
  const heldOutPooled = pooled(heldOutReasoning);
  console.log(
    `\nLeave one ${label} out: the step chosen on the other ${label}s (reasoning pooled ≥ −${maxLoss} points, each chat file ≥ −${maxChatLoss}, no file more than one answer below the home step), on the left-out ${label}\n`,
  );
  console.log(
    formatTable(
      [
        `left-out ${label}`,
        'outputs',
        'step chosen without it',
        'on it',
        `home step (${candidates[ladder.home]})`,
      ],
      rows,
    ),
  );
  console.log(
    `\nreasoning outputs, each ${label} with its left-out step, pooled: ${percent(heldOutPooled.reduction)} fewer tokens, ${points(heldOutPooled.points)} points`,
  );
}

leaveOneOut((cell) => cell.model, 'model');
leaveOneOut((cell) => cell.task, 'task');
console.log(`step chosen on every file: ${choose(() => true)}`);
