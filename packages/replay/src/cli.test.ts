import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from './traces/load-traces.js';
import { sampleTracesDir } from './traces/trace-paths.js';

describe('stopwise-replay CLI', () => {
  it('serves the traces on a free port and logs what it wrote', async () => {
    const [file] = await loadTraces({ path: sampleTracesDir, limit: 1 });
    const record = file?.records[0];
    if (!record) throw new Error('no sample record');
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        '--traces',
        sampleTracesDir,
        '--port',
        '0',
        '--quiet',
        '--tokens-per-second',
        '0',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: record.model, messages: record.messages }),
      });
      const body = (await response.json()) as {
        id: string;
        choices: Array<{ message: { content: string } }>;
      };
      expect(body.choices[0]?.message.content).toBe(record.output);
      const log = (await (await fetch(`${url}/_replay/requests`)).json()) as {
        requests: Array<{ id: string; recordId: string; tokensWritten: number }>;
      };
      expect(log.requests).toEqual([expect.objectContaining({ id: body.id, recordId: record.id })]);
      expect(log.requests[0]?.tokensWritten).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it.each([
    [['--port', 'x'], /--port must be an integer/],
    [['--tokens-per-second=-5'], /--tokens-per-second must be a number ≥ 0/],
    [['--prot', '1'], /Unknown option '--prot'/],
    [['--tokens-per-second', '-5'], /'--tokens-per-second' argument is ambiguous/],
    // Blank (an unset shell variable): Number('') is 0, which quietly meant a random port or full speed.
    [['--port='], /--port must be an integer/],
    [['--tokens-per-second='], /--tokens-per-second must be a number ≥ 0/],
  ])('exits 2 with the problem and the usage, no stack trace, for %j', async (args, problem) => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toMatch(problem);
    expect(stderr).toMatch(/^usage: stopwise-replay/m);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
