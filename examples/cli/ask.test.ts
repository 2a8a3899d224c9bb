import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recordedQuestions } from '../shared/backend.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
// No key: the CLI must answer offline, from the replay server.
const env = { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '' };

const { questions, records } = await recordedQuestions();
const loop = questions.find((question) => question.id === 'mmlu-pro/gpt-4o/computer science/10434');
const loopOutput = records.find((record) => record.id === loop?.id)?.output ?? '';

function ask(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'examples/cli/ask.ts', '--pace', '0', ...args], {
    cwd: root,
    env,
    timeout: 30_000,
  });
}

describe('pnpm example:cli', () => {
  it('streams a recorded answer under the profile, says where it stopped and prints the savings line', async () => {
    expect(loop).toBeDefined();
    const { stdout } = await ask('--profile', 'realtime', loop?.prompt ?? '');
    expect(stdout).toMatch(
      /^profile realtime; answers from offline replay of recorded outputs \(http:\/\/127\.0\.0\.1:\d+\)/,
    );
    // The answer as recorded, up to past where the loop starts; not the whole loop to the cap.
    expect(stdout).toContain(loopOutput.slice(0, 600));
    expect(stdout).not.toContain(loopOutput);
    expect(stdout).toMatch(
      /^■ stopped by repetition\(400 chars x2\) at token \d+: repetition: a \d+-character block/m,
    );
    expect(stdout).toMatch(
      /^saved: tokens not estimated: no history for this bucket yet .*; at most \d+ \(the call's maxOutputTokens 1024\) · dollars not estimated .* · seconds not estimated .*$/m,
    );
    expect(stdout).not.toMatch(/null|undefined|NaN/);
  });

  it('--pick asks a listed question; one that ends on its own saved nothing', async () => {
    const { stdout: list } = await ask('--list');
    expect(list.trim().split('\n')).toHaveLength(questions.length);
    const number = questions.findIndex((question) => question.id.startsWith('gsm8k/')) + 1;
    expect(list).toContain(`${number}. Ryan plants 2 flowers a day`);
    const { stdout } = await ask('--pick', String(number));
    expect(stdout).toContain('profile balanced;');
    expect(stdout).toContain('the total number of flowers he would have planted');
    expect(stdout).toMatch(/^■ the model finished on its own \(stop\): nothing to stop$/m);
    expect(stdout).toMatch(/^saved: tokens 0 tokens · dollars \$0 · seconds 0\.000 s$/m);
  });

  it('offline, a question with no recording fails with a hint; an unknown profile is refused', async () => {
    const unknown = await ask('What is the capital of France?').catch((error: unknown) => error);
    expect(unknown).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/■ error: .*replay: no recorded output for these messages/),
      stderr: expect.stringContaining('only has answers for recorded questions'),
    });
    const profile = await ask('--profile', 'fastest', 'hi').catch((error: unknown) => error);
    expect(profile).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown profile fastest; registered: .*realtime/),
    });
  });
});
