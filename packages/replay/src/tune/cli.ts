#!/usr/bin/env node
/**
 * `stopwise-tune`: tunes a profile offline from recorded traffic in the trace format (what
 * `stopwise-replay` serves and the bench reads) and writes a profile `defineProfile` can load,
 * with a report on a held-out share of the traffic.
 *
 *   stopwise-tune --traces traffic.jsonl --profile balanced --risk 0.01 --out tuned.json
 */
import { ConfigError, type HeldOutFigures, type TunedProfile, tuneOffline } from 'stopwise';
import { exitWithUsage, numberFlag, parseCommandLine } from '../cli-args.js';
import { loadTraces } from '../traces/load-traces.js';
import { formatTraceProblem } from '../traces/read-trace-file.js';
import { outputFileProblem, writeOutputFile } from '../write-output-file.js';

const usage = `usage: stopwise-tune --traces PATH --out FILE [--profile NAME] [--risk R] [--confidence C]
                     [--min-samples N] [--held-out SHARE]

  --traces PATH        a .jsonl trace file or a folder of them (calls that ran to their end)
  --out FILE           where to write the tuned profile (JSON)
  --profile NAME       the profile to tune (default balanced)
  --risk R             highest acceptable rate of lost answers (default 0.01)
  --confidence C       confidence of the bound on that rate (default 0.9)
  --min-samples N      observations a step needs before it can be chosen (default 100)
  --held-out SHARE     share of calls kept out of tuning and reported on (default 0.2)

Load the result with: defineProfile('my-tuned', JSON.parse(readFileSync(FILE, 'utf8')).definition)`;

const { values } = parseCommandLine(
  {
    options: {
      traces: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string', default: 'balanced' },
      risk: { type: 'string', default: '0.01' },
      confidence: { type: 'string', default: '0.9' },
      'min-samples': { type: 'string', default: '100' },
      'held-out': { type: 'string', default: '0.2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.traces === undefined || values.out === undefined) {
  exitWithUsage('--traces and --out are required', usage);
}
// Checked before the replays (minutes on real traffic), not found out by a stack trace at the end.
const outProblem = outputFileProblem('--out', values.out);
if (outProblem !== undefined) exitWithUsage(outProblem, usage);

/** What the pooled step is and why: certified, or only the fallback when nothing is. */
function pooledChoice(tuned: TunedProfile): string {
  const { step, standings } = tuned.pooled;
  const first = standings[0];
  if (standings[step]?.passes)
    return `pooled: step ${step}, the most aggressive certified at risk ${tuned.risk}`;
  if (first === undefined || first.observations < tuned.minSamples) {
    return `pooled: no step certified (${first?.observations ?? 0} of ${tuned.minSamples} judged observations): the profile's own step ${step}`;
  }
  return `pooled: no step certified at risk ${tuned.risk} (even step 0 may lose ${(first.lossBound * 100).toFixed(2)}%): the most conservative step, ${step}`;
}

const percent = (share: number | null) => (share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`);
const row = (label: string, figures: HeldOutFigures) =>
  `  ${label.padEnd(22)} ${percent(figures.tokenReduction).padStart(8)} fewer tokens   ${percent(figures.lossRate).padStart(6)} answers lost (${figures.judged} of ${figures.records} judged)`;

try {
  const files = await loadTraces({
    path: values.traces,
    onProblem: (problem) => console.error(`warning: ${formatTraceProblem(problem)}`),
  });
  const records = files.flatMap((file) => file.records);
  const tuned = await tuneOffline({
    records,
    profile: values.profile,
    learn: {
      risk: numberFlag(values.risk),
      confidence: numberFlag(values.confidence),
      minSamples: numberFlag(values['min-samples']),
    },
    heldOutShare: numberFlag(values['held-out']),
    onRecord: (done, total) => {
      if (process.stderr.isTTY && (done % 50 === 0 || done === total))
        process.stderr.write(`\rreplayed ${done} of ${total} calls at every step`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  // Atomic: a failed or killed write never leaves half a profile where the last good one was.
  try {
    writeOutputFile(values.out, `${JSON.stringify(tuned, null, 2)}\n`);
  } catch (error) {
    console.error(`could not write ${values.out}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const buckets = Object.keys(tuned.buckets).length;
  console.log(
    `stopwise-tune: ${records.length} calls, ${buckets} bucket(s); ${values.profile} is step ${tuned.home} of ${tuned.ladder.length - 1}; ${pooledChoice(tuned)}`,
  );
  if (tuned.report.static.records === 0) {
    // "0.0% fewer tokens, 0 of 0 judged" would read as a measured result; there is none.
    console.log(
      'held-out calls: none (--held-out 0, or too few calls for its share): the steps above are untested on calls they were not tuned on',
    );
  } else {
    console.log(`held-out calls (never tuned on):`);
    console.log(row(`${values.profile} as shipped`, tuned.report.static));
    console.log(row('pooled step', tuned.report.pooled));
    console.log(row('step per bucket', tuned.report.perBucket));
  }
  console.log(`wrote ${values.out}`);
} catch (error) {
  if (error instanceof ConfigError) exitWithUsage(error.message, usage);
  throw error;
}
