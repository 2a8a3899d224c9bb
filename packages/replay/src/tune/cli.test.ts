import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineProfile, type TunedProfile } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { sampleTracesDir } from '../traces/trace-paths.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Runs the CLI on the committed sample traffic, into a fresh folder, with `flags` added. */
async function tuneSample(flags: string[]): Promise<{ stdout: string; out: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'stopwise-tune-')), 'tuned.json');
  const { stdout } = await run(process.execPath, [
    '--import',
    'tsx',
    cli,
    '--traces',
    sampleTracesDir,
    '--out',
    out,
    ...flags,
  ]);
  return { stdout, out };
}

describe('stopwise-tune CLI', () => {
  it('tunes the sample traffic, reports held-out figures and writes a profile defineProfile loads', async () => {
    const { stdout, out } = await tuneSample(['--min-samples', '20']);
    expect(stdout).toMatch(/held-out calls \(never tuned on\):/);
    expect(stdout).toMatch(/balanced as shipped +\d+\.\d% fewer tokens/);
    const tuned = JSON.parse(readFileSync(out, 'utf8')) as TunedProfile;
    expect(tuned.profile).toBe('balanced');
    expect(tuned.ladder.length).toBeGreaterThan(1);
    expect(defineProfile('cli-tuned-test', tuned.definition).name).toBe('cli-tuned-test');
    // It says "certified" only of a step whose bound passed.
    const certified = tuned.pooled.standings[tuned.pooled.step]?.passes === true;
    expect(stdout).toMatch(
      certified ? /pooled: step \d+, the most aggressive certified/ : /pooled: no step certified/,
    );
  }, 120_000);

  it('with --held-out 0, says there is no held-out report instead of printing empty figures', async () => {
    const { stdout } = await tuneSample(['--held-out', '0']);
    expect(stdout).toMatch(/held-out calls: none/);
    expect(stdout).not.toMatch(/0 of 0 judged/);
  }, 120_000);

  it('says what is missing', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', cli])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--traces and --out are required/),
    });
    // A misspelt flag: the problem and the usage, not a stack trace.
    const misspelt = run(process.execPath, ['--import', 'tsx', cli, '--trace', 'x']);
    await expect(misspelt).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Unknown option '--trace'[\s\S]*usage: stopwise-tune/),
    });
    await expect(misspelt).rejects.toMatchObject({ stderr: expect.not.stringMatching(/\n\s+at /) });
  });

  it('refuses a blank number (--held-out=) instead of reading it as 0', async () => {
    await expect(tuneSample(['--held-out='])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Invalid `heldOutShare`: must be a number in \[0, 1\), got NaN/),
    });
  }, 60_000);

  it('refuses an --out in a missing folder before tuning, with a message instead of a stack trace', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'stopwise-tune-')), 'missing', 'tuned.json');
    const failed = run(process.execPath, ['--import', 'tsx', cli, '--traces', sampleTracesDir, '--out', out]);
    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--out .*tuned\.json: the folder .*missing does not exist/),
    });
    // Before the replays: nothing was tuned only to be thrown away.
    await expect(failed).rejects.toMatchObject({
      stderr: expect.not.stringMatching(/\n\s+at |replayed/),
      stdout: expect.not.stringMatching(/stopwise-tune:/),
    });
  });
});
