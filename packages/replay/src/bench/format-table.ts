import type { BenchRow } from './run-bench.js';
import type { EvaluationSummary } from './summarize.js';

/** Formats rows as an aligned plain-text table (numbers right-aligned). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => /^[-+]?[\d.,%]+$|^n\/a$/.test(row[column] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** `0.1234` as `12.3%`. */
export const percent = (value: number | null): string =>
  value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
/** An accuracy as `0.932`. */
export const ratio = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(3));
/** A change in accuracy, in points: `-2.5`. */
export const points = (value: number | null): string =>
  value === null ? 'n/a' : `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)}`;

/**
 * The stop counts by policy, most first: `answerComplete 31, repetition 2`. With `short`, the
 * parameters policy names carry (`repetition(200 chars x2)`) are left out.
 */
export function formatStops(stops: Readonly<Record<string, number>>, short = false): string {
  const merged = new Map<string, number>();
  for (const [policy, count] of Object.entries(stops)) {
    const name = short ? policy.replace(/\(.*\)$/, '') : policy;
    merged.set(name, (merged.get(name) ?? 0) + count);
  }
  const entries = [...merged].sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '-' : entries.map(([policy, count]) => `${policy} ${count}`).join(', ');
}

/** The header of {@link summaryRow}. */
export const summaryHeader = [
  'policy',
  'outputs',
  'full tok',
  'kept tok',
  'reduction',
  'full acc',
  'kept acc',
  'Δ points',
  'est. saved',
  'est. ±',
  'true saved',
  'coverage',
  'stops by policy',
] as const;

/** One table row of a policy set's totals (`short`: policy names without their parameters). */
export function summaryRow(policy: string, summary: EvaluationSummary, short = false): string[] {
  return [
    policy,
    String(summary.outputs),
    String(summary.fullTokens),
    String(summary.keptTokens),
    percent(summary.tokenReduction),
    ratio(summary.fullAccuracy),
    ratio(summary.keptAccuracy),
    points(summary.accuracyDelta),
    String(Math.round(summary.estimatedTokensSaved)),
    percent(summary.estimateSamplingError),
    String(summary.trueTokensSaved),
    percent(summary.intervalCoverage),
    formatStops(summary.stopsByPolicy, short) + (summary.errors > 0 ? ` (errors ${summary.errors})` : ''),
  ];
}

/** How a benchmark row is named in tables: `cap-p50 (263)`, `off (= none)`. */
export function rowLabel(row: Pick<BenchRow, 'policy' | 'capTokens' | 'sameAs'>): string {
  const notes = [
    row.capTokens === undefined ? '' : String(row.capTokens),
    row.sameAs ? `= ${row.sameAs}` : '',
  ].filter(Boolean);
  return notes.length === 0 ? row.policy : `${row.policy} (${notes.join(', ')})`;
}
