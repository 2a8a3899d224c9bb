/**
 * Checks the TypeScript scorers against the reference `scorers.py` on every record of a trace
 * folder, on the full outputs and on prefixes of them (what a stopped stream keeps): prints each
 * mismatch and a summary; exits 1 when there is any.
 *
 * usage: npx tsx packages/replay/src/scoring/check-against-python.ts [TRACES_DIR]
 * (default `../shared/traces` beside the repository; needs python3 and the folder's scorers.py)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadTraces } from '../traces/load-traces.js';
import { sharedTracesDir } from '../traces/trace-paths.js';
import { extractAnswer, scoreText } from './score-text.js';
import { textVariants, variantFractions } from './text-variants.js';

async function pythonVerdicts(dir: string, files: string[]): Promise<Map<string, boolean>> {
  const driver = fileURLToPath(new URL('./scorers-driver.py', import.meta.url));
  const child = spawn('python3', [driver, dir, ...files], { stdio: ['ignore', 'pipe', 'inherit'] });
  const verdicts = new Map<string, boolean>();
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  for await (const line of createInterface({ input: child.stdout })) {
    const row = JSON.parse(line) as { file: string; id: string; variant: string; verdict: boolean };
    verdicts.set(`${row.file}\t${row.id}\t${row.variant}`, row.verdict);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`python3 scorers-driver.py exited with ${code}`);
  return verdicts;
}

const dir = process.argv[2] ?? sharedTracesDir();
if (dir === undefined || !existsSync(join(dir, 'scorers.py'))) {
  console.error(
    'No trace folder with scorers.py found: pass one (default ../shared/traces beside the repository).',
  );
  process.exit(2);
}
const traceFiles = await loadTraces({ path: dir });
const python = await pythonVerdicts(
  dir,
  traceFiles.map((file) => file.path),
);
let compared = 0;
let mismatches = 0;
let missing = 0;
for (const file of traceFiles) {
  let fileMismatches = 0;
  for (const record of file.records) {
    if (record.scorer === undefined || record.gold === undefined) continue;
    const scorable = { scorer: record.scorer, gold: record.gold };
    for (const { name: variant, text, reasoning } of textVariants(record)) {
      const expected = python.get(`${file.name}\t${record.id}\t${variant}`);
      if (expected === undefined) {
        missing += 1;
        continue;
      }
      compared += 1;
      const got = scoreText({ record: scorable, text, reasoning });
      if (got !== expected) {
        mismatches += 1;
        fileMismatches += 1;
        const answer = extractAnswer({ record: scorable, text, reasoning });
        console.log(
          `MISMATCH ${file.name} ${record.id} ${variant}: python ${expected}, port ${got} (port read ${JSON.stringify(answer)}, gold ${JSON.stringify(record.gold)})`,
        );
      }
    }
  }
  console.log(`${file.name}: ${file.records.length} records, ${fileMismatches} mismatches`);
}
console.log(
  `compared ${compared} verdicts (full outputs and ${variantFractions - 1} prefixes each): ${mismatches} mismatches, ${missing} missing`,
);
process.exit(mismatches === 0 && missing === 0 ? 0 : 1);
