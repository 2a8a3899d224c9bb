import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { jsonlFileExporter } from './index.js';

const messages = [{ role: 'user' as const, content: 'the prompt' }];
const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'stopwise-jsonl-'));
  dirs.push(dir);
  return join(dir, 'events.jsonl');
};
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('jsonlFileExporter', () => {
  it('appends one event per line, across exporters on the same file', async () => {
    const path = tempFile();
    for (let round = 0; round < 2; round++) {
      const file = jsonlFileExporter({ path });
      const client = createClient({
        provider: scriptedProvider(textScript(['a ', 'STOP ', 'b'])),
        telemetry: file,
      });
      await client.generate({
        model: 'gpt-4o-mini',
        messages,
        maxOutputTokens: 50,
        policy: { stopOn: ['STOP'] },
      });
      await file.close();
      expect(file.written).toBe(4);
    }
    const events = lines(path);
    expect(events.map((event) => event.type)).toEqual([
      ...['call-start', 'policy-decision', 'policy-stop', 'call-end'],
      ...['call-start', 'policy-decision', 'policy-stop', 'call-end'],
    ]);
    const end = events[3] as {
      savings: {
        tokensSaved: number | null;
        tokensSavedAtMost: number;
        counterfactualTokens: { method: string };
      };
    };
    expect(end.savings.counterfactualTokens.method).toBe('budget-bound');
    // A bound is written as one: a null headline beside it, never the bound as the saving.
    expect(end.savings.tokensSaved).toBeNull();
    expect(end.savings.tokensSavedAtMost).toBeGreaterThan(0);
    // No content without recordContent.
    expect(readFileSync(path, 'utf8')).not.toContain('the prompt');
  });

  it('writes content only with recordContent, and filters event types', async () => {
    const path = tempFile();
    const file = jsonlFileExporter({ path, recordContent: true, events: ['call-start', 'call-end'] });
    const client = createClient({
      provider: scriptedProvider(textScript(['hello ', 'world'])),
      telemetry: file,
    });
    await client.generate({ model: 'gpt-4o-mini', messages });
    await file.flush();
    const events = lines(path);
    expect(events.map((event) => event.type)).toEqual(['call-start', 'call-end']);
    expect(events[0]?.messages).toEqual(messages);
    expect(events[1]?.text).toBe('hello world');
    await file.close();
  });

  it('serialises errors without their cause and with secrets redacted', async () => {
    const path = tempFile();
    const file = jsonlFileExporter({ path });
    const key = 'sk-live-0123456789abcdefXYZ';
    const client = createClient({
      provider: scriptedProvider([
        { type: 'stream-start' },
        { type: 'throw', error: new Error(`bad key ${key}`) },
      ]),
      telemetry: file,
    });
    await client.generate({ model: 'gpt-4o-mini', messages });
    await file.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(key);
    const error = lines(path).find((event) => event.type === 'error') as { error: Record<string, unknown> };
    expect(error.error).toMatchObject({
      name: 'ProviderError',
      kind: 'provider',
      message: expect.stringContaining('[redacted]'),
    });
    expect(error.error).not.toHaveProperty('cause');
  });

  it('never throws into the stream when the file cannot be written', async () => {
    const failures: unknown[] = [];
    const file = jsonlFileExporter({
      path: join(tmpdir(), 'no-such-dir-stopwise', 'x', 'events.jsonl'),
      onError: (e) => void failures.push(e),
    });
    const client = createClient({ provider: scriptedProvider(textScript(['a', 'b'])), telemetry: file });
    const result = await client.generate({ model: 'gpt-4o-mini', messages });
    expect(result.outcome).toBe('finish');
    await file.flush();
    await file.close();
    expect(failures).toHaveLength(1);
    expect((failures[0] as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(file.written).toBe(0);
    expect(file.dropped).toBe(2);
  });

  it('drops events after close and when the buffer is full, counting them', async () => {
    const path = tempFile();
    const file = jsonlFileExporter({ path, maxBufferedBytes: 10 });
    const client = createClient({ provider: scriptedProvider(textScript(['a'])), telemetry: file });
    await client.generate({ model: 'gpt-4o-mini', messages });
    await file.close();
    expect(file.written).toBe(0);
    expect(file.dropped).toBe(2);
    await createClient({ provider: scriptedProvider(textScript(['a'])), telemetry: file }).generate({
      model: 'gpt-4o-mini',
      messages,
    });
    expect(file.dropped).toBe(4);
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    expect(() => jsonlFileExporter({ path: '' })).toThrow(ConfigError);
    expect(() => jsonlFileExporter({ path: 'x', events: ['call-stop' as never] })).toThrow(/events\[0\]/);
    expect(() => jsonlFileExporter({ path: 'x', maxBufferedBytes: -1 })).toThrow(/maxBufferedBytes/);
  });
});
