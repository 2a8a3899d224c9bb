/**
 * Offline evaluation in process (no HTTP), for tuning policies fast:
 *
 *   npx tsx packages/replay/src/bench/evaluate-cli.ts --traces ../shared/traces --profile balanced --limit 200
 *
 * Prints, per trace file, the policy set's token reduction and change in accuracy against the
 * full outputs. `--profile none` runs no policy; `--cap N` a fixed cap of N output tokens.
 */
import { parseArgs } from 'node:util';
import { profileNames } from 'stopwise';
import { loadTraces } from '../traces/load-traces.js';
import { sampleTracesDir, sharedTracesDir } from '../traces/trace-paths.js';
import { evaluate } from './evaluate.js';
import { formatTable, summaryHeader, summaryRow } from './format-table.js';
import { capSet, noPolicy, profileSet } from './policy-sets.js';

const { values } = parseArgs({
  options: {
    traces: { type: 'string' },
    profile: { type: 'string', default: 'balanced' },
    cap: { type: 'string' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    `usage: evaluate-cli [--traces PATH] [--profile NAME|none] [--cap TOKENS] [--limit N]\nprofiles: ${profileNames().join(', ')}`,
  );
  process.exit(0);
}
const path = values.traces ?? sharedTracesDir() ?? sampleTracesDir;
const limit = values.limit === undefined ? undefined : Number(values.limit);
const set =
  values.cap !== undefined
    ? capSet(`cap-${values.cap}`, Number(values.cap))
    : values.profile === 'none'
      ? noPolicy
      : profileSet(values.profile ?? 'balanced');
const files = await loadTraces({ path, limit });
console.log(`evaluating ${set.name} on ${path}${limit ? ` (first ${limit} per file)` : ''}\n`);
const rows: string[][] = [];
const started = performance.now();
for (const file of files) {
  const { summary } = await evaluate({ records: file.records, set });
  const row = summaryRow(file.name, summary, true);
  rows.push(row);
  console.log(`${file.name}: reduction ${row[4]}, accuracy ${row[5]} -> ${row[6]} (${row[7]} points)`);
}
console.log(`\n${formatTable(['traces', ...summaryHeader.slice(1)], rows)}`);
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
