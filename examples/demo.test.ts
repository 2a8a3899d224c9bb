import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' };

function demo(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--pace', '0', ...args], {
    cwd: root,
    env,
    timeout: 60_000,
  });
}

describe('pnpm demo', () => {
  it('tells the story in at most 60 lines: one per answer, then savings and why the accuracy is what it is', async () => {
    const { stdout } = await demo();
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(60);
    expect(stdout).toMatch(
      /^stopwise demo: 24 recorded questions, replayed offline at full speed from http:\/\/127\.0\.0\.1:\d+$/m,
    );
    expect(stdout).toMatch(
      /^savings calibrated on \d+ other recorded answers run to their end \(holdout calls\)$/m,
    );
    const answers = lines.filter((line) => /^\s?\d+\/24 /.test(line));
    expect(answers).toHaveLength(24);
    expect(answers.filter((line) => / openai /.test(line)).length).toBe(12);
    expect(answers.filter((line) => / anthropic /.test(line)).length).toBe(12);
    // A stop says where (of the recorded length) and what stopwise estimated in tokens, dollars, seconds.
    expect(stdout).toMatch(/ repetition at [\d,]+ of [\d,]+ tok +saved ~[\d,]+ tok \$[\d.]+ [\d.]+ s /);
    // The story includes a long reasoning output cut short (the sample's looping AMC answer).
    expect(stdout).toMatch(/ amc23 Sky-T1-\S+ #\d+ +\w+ +\w+ at [\d,]+ of [\d,]{6} tok /);
    // Every wrong verdict says why: the model's error, or the stop's.
    for (const line of answers.filter((line) => line.includes('✗')))
      expect(line).toMatch(/✗ (wrong in the full output too|lost by the stop), gold \S+/);
    expect(stdout).toMatch(
      /^output tokens: [\d,]+ of [\d,]+ kept, [\d.]+% saved \(from the recordings\); stopwise estimated [\d,]+ saved/m,
    );
    expect(stdout).toMatch(/^money and time saved \(client\.stats\(\), estimates\): \$[\d.]+, [\d.]+ s/m);
    expect(stdout).toMatch(
      /^accuracy by each dataset's reference scorer \(.*gsm8k: number.*mmlu-pro: choice.*\): full outputs \d+\/24 → kept \d+\/24$/m,
    );
    const wrong = answers.filter((line) => line.includes('wrong in the full output too')).length;
    expect(stdout).toContain(`  ${wrong} wrong answers were already wrong in the full recorded output`);
    expect(stdout).toMatch(/^ {2}\d+ right answers lost by a stop/m);
    expect(stdout).not.toMatch(/null|undefined|NaN/);
  }, 60_000);

  it('--verbose streams every answer', async () => {
    const { stdout } = await demo('--verbose', '--count', '4');
    expect(stdout.match(/^\[ ?\d\/4\] .* via (openai|anthropic)$/gm)).toHaveLength(4);
    expect(stdout).toMatch(/^A: /m);
  }, 60_000);

  it('--live without a key says what it needs', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--live'], {
      cwd: root,
      env,
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/OPENAI_API_KEY or ANTHROPIC_API_KEY/),
    });
  }, 60_000);
});
