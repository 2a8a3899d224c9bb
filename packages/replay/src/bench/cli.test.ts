import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bench = fileURLToPath(new URL('./cli.ts', import.meta.url));
const evaluateCli = fileURLToPath(new URL('./evaluate-cli.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'stopwise-bench-cli-'));
const empty = join(scratch, 'empty.jsonl');
writeFileSync(empty, '');

describe('pnpm bench and evaluate-cli: a mistake gets what to fix, exit 2, no stack trace', () => {
  it.each([
    ['bench', ['--polices', 'none'], /Unknown option '--polices'/, /usage: pnpm bench/],
    // Found before the run, not by a stack trace once its minutes of results exist.
    [
      'bench',
      ['--json', join(scratch, 'missing', 'run.json')],
      /--json .*run\.json: the folder .*missing does not exist/,
      /usage: pnpm bench/,
    ],
    ['evaluate-cli', ['--prfile', 'x'], /Unknown option '--prfile'/, /usage: evaluate-cli/],
    [
      'evaluate-cli',
      ['--traces', join(scratch, 'nope.jsonl')],
      /Invalid `path`: ".*nope\.jsonl" does not exist/,
      /usage: evaluate-cli/,
    ],
    ['evaluate-cli', ['--traces', empty], /empty\.jsonl has no valid trace record/, /usage/],
    ['evaluate-cli', ['--profile', 'nosuch'], /unknown profile "nosuch"/, /usage/],
    ['evaluate-cli', ['--cap', 'abc'], /--cap must be a positive integer, got abc/, /usage/],
  ])('%s %j', async (name, args, problem, usage) => {
    const cli = name === 'bench' ? bench : evaluateCli;
    const failed = run(process.execPath, ['--import', 'tsx', cli, ...args]);
    await expect(failed).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(problem) });
    await expect(failed).rejects.toMatchObject({ stderr: expect.stringMatching(usage) });
    await expect(failed).rejects.toMatchObject({ stderr: expect.not.stringMatching(/\n\s+at /) });
  });
});
