import { describe, expect, it } from 'vitest';
import { ConfigError, createClient } from '../index.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { timeout } from './timeout.js';

const messages = [{ role: 'user' as const, content: 'q' }];

describe('timeout', () => {
  it('stops a stalled stream at the idle deadline and keeps what arrived', async () => {
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'Hello' },
      { type: 'wait', ms: 10_000 },
      ...textScript(['never']),
    ]);
    const started = performance.now();
    const result = await createClient({ provider }).generate({
      model: 'm',
      messages,
      policy: { policies: [timeout({ idleMs: 40 })] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('Hello');
    expect(result.stop?.reason).toMatch(/stalled/);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(provider.requests[0]?.signal.aborted).toBe(true);
  });

  it('stops when the first token is late', async () => {
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'wait', ms: 10_000 },
      ...textScript(['late']),
    ]);
    const result = await createClient({ provider }).generate({
      model: 'm',
      messages,
      policy: { policies: [timeout({ firstTokenMs: 30 })] },
    });
    expect(result.stop?.reason).toMatch(/no output within 30 ms/);
    expect(result.text).toBe('');
  });

  it('does not fire on a stream that keeps flowing', async () => {
    const steps = ['a', 'b', 'c', 'd'].flatMap((delta) => [
      { type: 'wait' as const, ms: 5 },
      { type: 'text-delta' as const, delta },
    ]);
    const provider = scriptedProvider([
      { type: 'stream-start' },
      ...steps,
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: 4 },
      },
    ]);
    const result = await createClient({ provider }).generate({
      model: 'm',
      messages,
      policy: { policies: [timeout({ idleMs: 500 })] },
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('abcd');
  });

  it('rejects bad durations with the field named', () => {
    expect(() => timeout({ idleMs: -1 })).toThrow(ConfigError);
    expect(() => timeout({ idleMs: -1 })).toThrow(/timeout\.idleMs/);
    expect(() => timeout({})).toThrow(/at least one/);
  });
});
