/**
 * Offline evaluation in process (no HTTP), for tuning policies fast:
 *
 *   npx tsx packages/replay/src/bench/evaluate-cli.ts --traces ../shared/traces --profile balanced --limit 200
 *
 * Prints, per trace file, the policy set's token reduction and change in accuracy against the
 * full outputs. `--profile none` runs no policy; `--cap N` a fixed cap of N output tokens.
 */
import { profileNames, StopwiseError } from 'stopwise';
import { exitWithUsage, parseCommandLine, positiveIntegerFlag } from '../cli-args.js';
import { loadTraces } from '../traces/load-traces.js';
import { sampleTracesDir, sharedTracesDir } from '../traces/trace-paths.js';
import { evaluate } from './evaluate.js';
import { formatTable, summaryHeader, summaryRow } from './format-table.js';
import { capSet, noPolicy, type PolicySet, profileSet } from './policy-sets.js';

const usage = `usage: evaluate-cli [--traces PATH] [--profile NAME|none] [--cap TOKENS] [--limit N]
profiles: ${profileNames().join(', ')}`;

const fail: (message: string) => never = (message) => exitWithUsage(message, usage);
const positiveInteger = (name: string, value: string | undefined) => positiveIntegerFlag(name, value, usage);

// Not bare `parseArgs`: a misspelt flag gets the problem and the usage, not a stack trace.
const { values } = parseCommandLine(
  {
    options: {
      traces: { type: 'string' },
      profile: { type: 'string', default: 'balanced' },
      cap: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const path = values.traces ?? sharedTracesDir() ?? sampleTracesDir;
// Checked here so that `--limit abc` says which flag is wrong, in the flag's own name.
const limit = positiveInteger('limit', values.limit);
const cap = positiveInteger('cap', values.cap);
// An unknown profile or an unusable trace path is a ConfigError: its message says what to fix.
// Anything else is a bug, and keeps its stack trace.
const configProblem = (error: unknown): never => {
  if (StopwiseError.isInstance(error)) fail(error.message);
  throw error;
};
function policySet(): PolicySet {
  try {
    if (cap !== undefined) return capSet(`cap-${cap}`, cap);
    return values.profile === 'none' ? noPolicy : profileSet(values.profile);
  } catch (error) {
    return configProblem(error);
  }
}
const set = policySet();
const files = await loadTraces({ path, limit }).catch(configProblem);
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
