import { describe, expect, it } from 'vitest';
import { createClient, type StopPolicy, type StreamRun, type TelemetryHooks } from './index.js';
import { type ScriptStep, scriptedProvider, textScript } from './testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'Count.' }];
const model = 'gpt-4o-mini';

/** Stops at the first delta containing `word`, keeping the text before it. */
const stopAt = (word: string): StopPolicy => ({
  name: `stopAt(${word})`,
  step: (view) => {
    const index = view.delta.indexOf(word);
    return index < 0 ? undefined : { reason: `saw ${word}`, cutAt: view.deltaOffset + index };
  },
});

/**
 * One log for both sides: what the consumer saw, which hooks ran, when `result` resolved. A
 * `for await` loop ends on the read after the terminal part, which is when the hooks run: so
 * `loop-done` comes after them, and every part before.
 */
function recorder(extra: TelemetryHooks = {}) {
  const log: string[] = [];
  const hooks: TelemetryHooks = {
    onEvent: (event) => {
      // Events of the run's course (call-start, shadow decisions) are not in question here.
      if (event.type !== 'call-start') log.push(`hook:${event.type}`);
    },
    ...extra,
  };
  const consume = async (run: StreamRun, stopAfter?: (type: string) => boolean) => {
    for await (const part of run) {
      log.push(part.type === 'text-delta' ? `part:text:${part.delta}` : `part:${part.type}`);
      if (stopAfter?.(part.type)) break;
    }
    log.push('loop-done');
    const result = await run.result;
    log.push(`result:${result.outcome}`);
    return result;
  };
  return { log, hooks, consume };
}

const clientWith = (steps: readonly ScriptStep[], hooks: TelemetryHooks) =>
  createClient({ provider: scriptedProvider(steps), telemetry: hooks });

const parts = (log: readonly string[]) => log.filter((entry) => entry.startsWith('part:'));
const hookCalls = (log: readonly string[]) => log.filter((entry) => entry.startsWith('hook:'));
const afterMacrotask = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('telemetry hooks run after the consumer has the final parts', () => {
  it('a stop: the kept text and the policy-stop part first, then the decision, stop and call-end hooks, then result', async () => {
    const { log, hooks, consume } = recorder();
    const run = clientWith(textScript(['One two ', 'three STOP four', ' five']), hooks).stream({
      model,
      messages,
      policy: { policies: [stopAt('STOP')] },
    });
    await consume(run);
    expect(log).toEqual([
      'part:stream-start',
      'part:text:One two ',
      'part:text:three ',
      'part:policy-stop',
      'hook:policy-decision',
      'hook:policy-stop',
      'hook:call-end',
      'loop-done',
      'result:policy-stop',
    ]);
  });

  it('a natural finish: the finish part, then call-end, then result', async () => {
    const { log, hooks, consume } = recorder();
    await consume(clientWith(textScript(['a', 'b']), hooks).stream({ model, messages }));
    expect(log).toEqual([
      'part:stream-start',
      'part:text:a',
      'part:text:b',
      'part:finish',
      'hook:call-end',
      'loop-done',
      'result:finish',
    ]);
  });

  it('an error: the error part, then the error and call-end hooks, then result', async () => {
    const { log, hooks, consume } = recorder();
    const steps: ScriptStep[] = [
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'partial' },
      { type: 'throw', error: new Error('connection reset') },
    ];
    await consume(clientWith(steps, hooks).stream({ model, messages }));
    expect(log).toEqual([
      'part:stream-start',
      'part:text:partial',
      'part:error',
      'hook:error',
      'hook:call-end',
      'loop-done',
      'result:error',
    ]);
  });

  it('a consumer that breaks out early: call-end once, after the last part it took', async () => {
    const { log, hooks, consume } = recorder();
    const run = clientWith(textScript(['a', 'b', 'c']), hooks).stream({ model, messages });
    await consume(run, (type) => type === 'text-delta');
    await afterMacrotask();
    expect(log).toEqual(['part:stream-start', 'part:text:a', 'hook:call-end', 'loop-done', 'result:abort']);
  });

  it('a consumer that breaks at the terminal part: the hooks once, after it', async () => {
    const { log, hooks, consume } = recorder();
    const run = clientWith(textScript(['x STOP y']), hooks).stream({
      model,
      messages,
      policy: { policies: [stopAt('STOP')] },
    });
    await consume(run, (type) => type === 'policy-stop');
    await afterMacrotask();
    expect(log).toEqual([
      'part:stream-start',
      'part:text:x ',
      'part:policy-stop',
      'hook:policy-decision',
      'hook:policy-stop',
      'hook:call-end',
      'loop-done',
      'result:policy-stop',
    ]);
  });

  it('a drained run (result read without iterating, generate): every hook before result resolves', async () => {
    const { log, hooks } = recorder();
    const client = clientWith(textScript(['x STOP y']), hooks);
    const run = client.stream({ model, messages, policy: { policies: [stopAt('STOP')] } });
    const result = await run.result;
    log.push(`result:${result.outcome}`);
    expect(log).toEqual(['hook:policy-decision', 'hook:policy-stop', 'hook:call-end', 'result:policy-stop']);

    log.length = 0;
    const generated = await client.generate({ model, messages });
    log.push(`result:${generated.outcome}`);
    expect(log).toEqual(['hook:call-end', 'result:finish']);
  });

  it('a consumer holding the terminal part without reading on: the hooks one macrotask later, once', async () => {
    const { log, hooks } = recorder();
    const run = clientWith(textScript(['a']), hooks).stream({ model, messages });
    const iterator = run[Symbol.asyncIterator]();
    const types: string[] = [];
    for (;;) {
      const next = await iterator.next();
      types.push(next.value?.type ?? 'done');
      if (next.value?.type === 'finish') break;
    }
    // Handed the terminal part, and nothing else happened yet: no hook ran ahead of it.
    expect(hookCalls(log)).toEqual([]);
    await afterMacrotask();
    expect(hookCalls(log)).toEqual(['hook:call-end']);
    expect((await iterator.next()).done).toBe(true);
    await afterMacrotask();
    expect(hookCalls(log)).toEqual(['hook:call-end']);
    expect(types).toEqual(['stream-start', 'text-delta', 'finish']);
  });

  it('asking for result once handed the terminal part reports the end then, not a macrotask later', async () => {
    const { log, hooks } = recorder();
    const client = clientWith(textScript(['a']), hooks);
    await client.generate({ model, messages }); // tables (tokenizer, prices) loaded: the result is built at once
    log.length = 0;
    const run = client.stream({ model, messages });
    const iterator = run[Symbol.asyncIterator]();
    while ((await iterator.next()).value?.type !== 'finish') {
      // read up to the terminal part
    }
    expect(hookCalls(log)).toEqual([]);
    const result = run.result;
    // Synchronously: the AI SDK middleware awaits result right after the terminal part.
    expect(hookCalls(log)).toEqual(['hook:call-end']);
    expect((await result).outcome).toBe('finish');
    await afterMacrotask();
    expect(hookCalls(log)).toEqual(['hook:call-end']);
  });

  it('awaiting result inside the loop at the terminal part does not wait for the loop to end', async () => {
    const { log, hooks } = recorder();
    const run = clientWith(textScript(['a']), hooks).stream({ model, messages });
    for await (const part of run) {
      if (part.type === 'finish') log.push(`result:${(await run.result).outcome}`);
    }
    expect(log).toEqual(['hook:call-end', 'result:finish']);
  });

  it('a throwing hook breaks neither the stream nor the order, and every hook still runs once', async () => {
    const hookErrors: unknown[] = [];
    const { log, hooks, consume } = recorder({
      onCallEnd: () => {
        throw new Error('logger down');
      },
      onPolicyStop: () => Promise.reject(new Error('exporter down')),
      onHookError: (error) => void hookErrors.push(error),
    });
    const run = clientWith(textScript(['x STOP y']), hooks).stream({
      model,
      messages,
      policy: { policies: [stopAt('STOP')] },
    });
    const result = await consume(run);
    expect(result.outcome).toBe('policy-stop');
    expect(parts(log)).toEqual(['part:stream-start', 'part:text:x ', 'part:policy-stop']);
    expect(hookCalls(log)).toEqual(['hook:policy-decision', 'hook:policy-stop', 'hook:call-end']);
    await afterMacrotask();
    expect(hookErrors.map((error) => (error as Error).message).sort()).toEqual([
      'exporter down',
      'logger down',
    ]);
  });
});
