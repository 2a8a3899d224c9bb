import type { ColdStartFigures } from './cold-start.js';
import type { BenchFileResult } from './run-bench.js';
import type { SimulatedUserFigures } from './simulated-users.js';
import type { EvaluationSummary } from './summarize.js';

/**
 * The fields of a summary that make up a `--json` row, in output order. The names are a
 * contract with tools that compare runs: do not rename them (their meanings are documented on
 * {@link EvaluationSummary}).
 */
const summaryFields = [
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
] as const;

/**
 * One row of `pnpm bench --json FILE`: the trace file, the policy set, and its totals; a
 * `--feedback` row adds `users`, each simulated user's figures; every row but `none` adds
 * `coldStart`, a fresh client's first calls.
 */
export type BenchJsonRow = {
  traces: string;
  policy: string;
  users?: SimulatedUserFigures[];
  coldStart?: ColdStartFigures;
} & Pick<EvaluationSummary, (typeof summaryFields)[number]>;

/** The `--json` document: `{ results: [...] }`, one row per trace file and policy set. */
export function benchJson(files: readonly BenchFileResult[]): { results: BenchJsonRow[] } {
  return {
    results: files.flatMap((file) =>
      file.rows.map(
        ({ traces, policy, summary, users, coldStart }) =>
          ({
            traces,
            policy,
            ...Object.fromEntries(summaryFields.map((field) => [field, summary[field]])),
            ...(users ? { users } : {}),
            ...(coldStart ? { coldStart } : {}),
          }) as BenchJsonRow,
      ),
    ),
  };
}
