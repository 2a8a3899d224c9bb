import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { loadTraces } from './load-traces.js';
import { formatTraceProblem, readTraceFile, type TraceProblem } from './read-trace-file.js';
import { sampleTracesDir } from './trace-paths.js';

const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `question ${id}` }],
    output: `answer ${id}`,
    gold: '1',
    scorer: 'number',
    ...extra,
  });

function traceFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stopwise-traces-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadTraces', () => {
  it('skips each malformed line, reporting its file and line number', async () => {
    const lines = [
      record('a'),
      '{"id": "b", "model": "m", "messages": [', // not JSON
      '',
      record('c', { scorer: 'fuzzy' }),
      record('d', { messages: [{ role: 'robot', content: 'x' }] }),
      record('a'), // duplicate id
      '[1, 2]',
      record('e', { gold: undefined }),
      record('f', { reasoning: 'thinking', gold: undefined, scorer: undefined }),
    ];
    const dir = traceFolder({ 'mixed.jsonl': `${lines.join('\n')}\n` });
    const problems: TraceProblem[] = [];
    const [file] = await loadTraces({ path: dir, onProblem: (problem) => problems.push(problem) });
    expect(file?.records.map((r) => r.id)).toEqual(['a', 'f']);
    expect(file?.records[1]?.reasoning).toBe('thinking');
    expect(file?.records[1]?.gold).toBeUndefined();
    expect(file?.records[1]?.scorer).toBeUndefined();
    expect(problems.map((p) => p.line)).toEqual([2, 4, 5, 6, 7, 8]);
    expect(file?.problems).toEqual(problems);
    const messages = problems.map(formatTraceProblem);
    expect(messages[0]).toMatch(/mixed\.jsonl:2: not JSON/);
    expect(messages[1]).toMatch(/mixed\.jsonl:4: `scorer` must be one of number, choice, math/);
    expect(messages[2]).toMatch(/:5: `messages\[0\]\.role` must be one of system, user, assistant/);
    expect(messages[3]).toMatch(/:6: duplicate id "a"/);
    expect(messages[4]).toMatch(/:7: not a JSON object/);
    expect(messages[5]).toMatch(/:8: `gold` and `scorer` go together/);
  });

  it('throws a ConfigError for a file with no valid record, naming it', async () => {
    const dir = traceFolder({ 'good.jsonl': `${record('a')}\n`, 'bad.jsonl': 'nope\n{}\n' });
    const error = await loadTraces({ path: dir, onProblem: () => {} }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /bad\.jsonl has no valid trace record \(all 2 non-blank lines are malformed\)/,
    );
    const empty = traceFolder({ 'empty.jsonl': '\n\n' });
    await expect(loadTraces({ path: empty })).rejects.toThrow(
      /empty\.jsonl has no valid trace record \(it is empty\)/,
    );
  });

  it('warns on stderr by default', async () => {
    const dir = traceFolder({ 'one.jsonl': `${record('a')}\nbroken\n` });
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      await loadTraces({ path: dir });
    } finally {
      console.warn = original;
    }
    expect(warnings).toEqual([expect.stringMatching(/one\.jsonl:2: not JSON/)]);
  });

  it('reads a single file or a folder, with a per-file limit', async () => {
    const files = await loadTraces({ path: sampleTracesDir, limit: 3 });
    expect(files).toHaveLength(7);
    for (const file of files) expect(file.records).toHaveLength(3);
    const [one] = await loadTraces({ path: join(sampleTracesDir, 'math500-sky-t1-dev.jsonl') });
    expect(one?.records).toHaveLength(40);
    expect(one?.records.some((r) => r.reasoning !== undefined && r.output === '')).toBe(true);
  });

  it('rejects a missing path and a bad limit with ConfigErrors', async () => {
    await expect(loadTraces({ path: join(tmpdir(), 'no-such-traces') })).rejects.toThrow(
      /Invalid `path`: .* does not exist/,
    );
    await expect(loadTraces({ path: sampleTracesDir, limit: 0 })).rejects.toThrow(/Invalid `limit`/);
    await expect(loadTraces({ path: traceFolder({ 'x.txt': '' }) })).rejects.toThrow(/holds no \.jsonl/);
  });

  it('streams: stops reading at the limit', async () => {
    const lines = Array.from({ length: 1000 }, (_, index) => record(`r${index}`));
    const dir = traceFolder({ 'big.jsonl': `${lines.join('\n')}\nbroken at the end\n` });
    const problems: TraceProblem[] = [];
    const seen: string[] = [];
    for await (const found of readTraceFile({
      path: join(dir, 'big.jsonl'),
      limit: 5,
      onProblem: (p) => problems.push(p),
    })) {
      seen.push(found.id);
    }
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(problems).toEqual([]);
  });
});
