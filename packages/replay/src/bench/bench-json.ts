import type { BenchFileResult } from './run-bench.js';

/**
 * One row of `pnpm bench --json FILE`. The field names are a contract with tools that compare
 * runs: do not rename them. Accuracies are null for files without gold answers.
 */
export interface BenchJsonRow {
  traces: string;
  policy: string;
  outputs: number;
  fullTokens: number;
  keptTokens: number;
  tokenReduction: number;
  fullAccuracy: number | null;
  keptAccuracy: number | null;
  accuracyDelta: number | null;
  /** The SDK's own estimate of the tokens its stops saved (`result.savings.tokensSaved`, summed). */
  estimatedTokensSaved: number;
  /** `fullTokens - keptTokens`. */
  trueTokensSaved: number;
  /** Share of stopped calls whose true length fell in the SDK's counterfactual interval. */
  intervalCoverage: number | null;
}

/** The `--json` document: `{ results: [...] }`, one row per trace file and policy set. */
export function benchJson(files: readonly BenchFileResult[]): { results: BenchJsonRow[] } {
  return {
    results: files.flatMap((file) =>
      file.rows.map(({ traces, policy, summary }) => ({
        traces,
        policy,
        outputs: summary.outputs,
        fullTokens: summary.fullTokens,
        keptTokens: summary.keptTokens,
        tokenReduction: summary.tokenReduction,
        fullAccuracy: summary.fullAccuracy,
        keptAccuracy: summary.keptAccuracy,
        accuracyDelta: summary.accuracyDelta,
        estimatedTokensSaved: summary.estimatedTokensSaved,
        trueTokensSaved: summary.trueTokensSaved,
        intervalCoverage: summary.intervalCoverage,
      })),
    ),
  };
}
