import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createReplayServer, sampleTracesDir } from '@stopwise/replay';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const { OPENAI_API_KEY: _key, ...withoutKey } = process.env;

/** The first ```ts block after the README's `## Quickstart` heading, verbatim. */
function quickstartBlock(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```ts block under ## Quickstart');
  return block;
}

describe('README Quickstart', () => {
  it('runs verbatim against stopwise-replay with only OPENAI_BASE_URL set', async () => {
    const server = await createReplayServer({
      traces: sampleTracesDir,
      tokensPerSecond: 0,
      unseenPrompts: 'serve-any',
    });
    try {
      // Inside the repository, so `stopwise` and `@stopwise/openai` resolve to the sources.
      const dir = fileURLToPath(new URL('./.quickstart/', import.meta.url));
      mkdirSync(dir, { recursive: true });
      // The README's file name: .mts, an ES module whatever the app's package.json says.
      writeFileSync(`${dir}quickstart.mts`, quickstartBlock());
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `${dir}quickstart.mts`], {
        cwd: root,
        // No key anywhere: the adapter needs none for a server on this machine.
        env: { ...withoutKey, OPENAI_BASE_URL: `${server.url}/v1` },
        timeout: 30_000,
      });
      expect(stderr).toBe('');
      const served = server.requests.at(-1);
      expect(served).toMatchObject({ fallback: true, status: 200, model: 'gpt-4o-mini' });
      expect(served?.recordId).toMatch(/^gsm8k\/gpt-4o-mini-2024-07-18\//);
      // The hook's line (outcome and savings), then the final line (outcome and stop).
      expect(stdout).not.toMatch(/^error\b/m);
      expect(stdout).toMatch(/policy-stop \{\n {2}policy: 'stopOn/);
      expect(stdout).toMatch(/policy-stop \{\n {2}outputTokens: \d+/);
    } finally {
      await server.close();
    }
  }, 60_000);
});
