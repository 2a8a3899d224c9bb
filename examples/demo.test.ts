import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm demo', () => {
  it('replays recorded questions offline through both adapters and prints the savings table', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/demo.ts', '--count', '8', '--pace', '0'],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
        timeout: 60_000,
      },
    );
    expect(stdout).toMatch(
      /stopwise demo: 8 recorded questions, replayed offline at full speed from http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(stdout.match(/^\[\d\/8\] .* via (openai|anthropic)$/gm)).toHaveLength(8);
    expect(stdout).toContain('via openai');
    expect(stdout).toContain('via anthropic');
    expect(stdout).toMatch(
      /What the stops saved\nquestion +via +full tokens +kept tokens +saved +stopped by/,
    );
    expect(stdout).toMatch(/^total +\d+ +\d+ +\d+ +\d+ stops/m);
    expect(stdout).toMatch(/% of output tokens saved/);
  }, 60_000);

  it('--live without a key says what it needs', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--live'], {
      cwd: root,
      env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/OPENAI_API_KEY or ANTHROPIC_API_KEY/),
    });
  }, 60_000);
});
