import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createClient,
  type ProviderStreamPart,
  type StopPolicy,
  StreamError,
  type StreamPart,
  stopOn,
  timeout,
} from './index.js';
import { deafProvider } from './testing/deaf-provider.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'Count to ten.' }];
const terminal = new Set(['finish', 'policy-stop', 'abort', 'error']);

async function collect(run: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of run) parts.push(part);
  return parts;
}

/** A policy that stops at the first delta containing `word`, cutting just before it. */
function stopAtWord(word: string): StopPolicy {
  return {
    name: `stopAtWord(${word})`,
    step: (view) => {
      const index = view.delta.indexOf(word);
      return index < 0 ? undefined : { reason: `saw ${word}`, cutAt: view.deltaOffset + index };
    },
  };
}

describe('runner', () => {
  it('streams to the natural end and reports the provider usage', async () => {
    const provider = scriptedProvider(
      textScript(['One', ', two', ', three.'], { inputTokens: 7, outputTokens: 5 }),
    );
    const run = createClient({ provider }).stream({ model: 'gpt-4o-mini', messages });
    const parts = await collect(run);
    const result = await run.result;
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('One, two, three.');
    expect(result.usage).toMatchObject({
      inputTokens: 7,
      outputTokens: 5,
      source: 'provider',
      inputSource: 'provider',
    });
    expect(parts.filter((part) => terminal.has(part.type))).toHaveLength(1);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
  });

  it('on a stop: aborts the provider request, trims at the cut, estimates usage from the received text', async () => {
    const provider = scriptedProvider(
      textScript(['The answer', ' is 4.', ' STOP here', ' and more', ' text']),
    );
    const run = createClient({ provider }).stream({
      model: 'gpt-4o-mini',
      messages,
      policy: { policies: [stopAtWord('STOP')] },
    });
    const parts = await collect(run);
    const result = await run.result;
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('The answer is 4. ');
    expect(provider.requests[0]?.signal.aborted).toBe(true);
    expect(provider.closed).toBe(1);
    // Billed output: everything received, including the cut-off part of the last delta.
    expect(result.usage.source).toBe('estimated');
    expect(result.usage.outputTokens).toBeGreaterThanOrEqual(
      result.stop?.atToken ?? Number.POSITIVE_INFINITY,
    );
    const texts = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
    expect(texts.join('')).toBe(result.text);
    expect(parts.at(-1)).toMatchObject({
      type: 'policy-stop',
      policy: 'stopAtWord(STOP)',
      retractedChars: 0,
    });
    expect(result.finishReason.raw).toBe('policy-stop');
    // A decision that does not say what its stop means counts as a complete answer.
    expect(result.stop?.kind).toBe('complete');
  });

  it("carries a decision's kind to the result and to the policy's end", async () => {
    const ends: unknown[] = [];
    const runaway: StopPolicy = {
      name: 'runawayAtLoop',
      step: (view) => (view.delta.includes('loop') ? { reason: 'looping', kind: 'runaway' } : undefined),
      end: (end) => ends.push(end.stopKind),
    };
    const provider = scriptedProvider(textScript(['Fine.', ' loop loop', ' loop']));
    const result = await createClient({ provider }).generate({
      model: 'gpt-4o-mini',
      messages,
      policy: { policies: [runaway] },
    });
    expect(result.stop?.kind).toBe('runaway');
    expect(ends).toEqual(['runaway']);
  });

  it('a cut reaching back before the current delta trims the result and reports the retracted characters', async () => {
    const provider = scriptedProvider(textScript(['Done.\n', '\nAfterword']));
    const run = createClient({ provider }).stream({
      model: 'gpt-4o-mini',
      messages,
      policy: { stopOn: ['\n\n'] },
    });
    const parts = await collect(run);
    const result = await run.result;
    expect(result.text).toBe('Done.');
    expect(parts.at(-1)).toMatchObject({
      type: 'policy-stop',
      retractedChars: 1,
      phase: 'answer',
      atChar: 5,
    });
  });

  it('never cuts inside a surrogate pair', async () => {
    const policy: StopPolicy = {
      name: 'cut-mid-pair',
      step: (view) => (view.text.length >= 3 ? { reason: 'r', cutAt: 2 } : undefined),
    };
    const provider = scriptedProvider(textScript(['a😀', 'b']));
    const result = await createClient({ provider }).generate({
      model: 'm',
      messages,
      policy: { policies: [policy] },
    });
    expect(result.text).toBe('a');
    expect(result.stop?.atChar).toBe(1);
  });

  it("a caller's abort ends the run with outcome abort and keeps what arrived", async () => {
    const controller = new AbortController();
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'partial' },
      { type: 'wait', ms: 5_000 },
      ...textScript(['never']),
    ]);
    const run = createClient({ provider }).stream({ model: 'm', messages, signal: controller.signal });
    const parts: StreamPart[] = [];
    for await (const part of run) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort(new Error('user left'));
    }
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(result.text).toBe('partial');
    expect(parts.at(-1)?.type).toBe('abort');
    expect(result.outcome === 'abort' && (result.abortReason as Error).message).toBe('user left');
  });

  it('an already-aborted signal sends no request', async () => {
    const provider = scriptedProvider(textScript(['x']));
    const result = await createClient({ provider }).generate({
      model: 'm',
      messages,
      signal: AbortSignal.abort(),
    });
    expect(result.outcome).toBe('abort');
    expect(provider.requests).toHaveLength(0);
  });

  it('an already-aborted signal ends the call without asking a profile resolver that may hang', async () => {
    const provider = scriptedProvider(textScript(['x']));
    let asked = 0;
    const ends: string[] = [];
    const client = createClient({
      provider,
      profiles: () => {
        asked += 1;
        return new Promise<never>(() => {});
      },
      telemetry: { onCallEnd: (event) => void ends.push(event.outcome) },
    });
    const result = await client.generate({
      model: 'm',
      messages,
      user: 'u1',
      signal: AbortSignal.abort(new Error('gone')),
    });
    expect(result.outcome).toBe('abort');
    expect(result.outcome === 'abort' && (result.abortReason as Error).message).toBe('gone');
    expect(asked).toBe(0);
    expect(provider.requests).toHaveLength(0);
    expect(ends).toEqual(['abort']);
  });

  it('a malformed part from an adapter ends the run as a StreamError, keeping the text and closing the request', async () => {
    const cases: Array<[unknown, RegExp | undefined]> = [
      [{ type: 'text-delta', textDelta: 'x' }, /text-delta part whose `delta` is undefined/],
      [{ type: 'reasoning-delta', delta: 3 }, /reasoning-delta part whose `delta` is number/],
      [null, /yielded null, not a stream part/],
      // A finish without usage or finish reason has still finished.
      [{ type: 'finish' }, undefined],
    ];
    for (const [bad, message] of cases) {
      for (const policies of [[], [stopOn(['never'])]]) {
        // Not scriptedProvider: it reads each step's type itself.
        const script = [
          { type: 'stream-start' },
          { type: 'text-delta', delta: 'kept' },
          bad,
          ...textScript(['late']).slice(1),
        ] as ProviderStreamPart[];
        const provider = {
          name: 'custom',
          closed: 0,
          async *stream() {
            try {
              yield* script;
            } finally {
              provider.closed += 1;
            }
          },
        };
        const ends: string[] = [];
        const run = createClient({
          provider,
          telemetry: { onCallEnd: (event) => void ends.push(event.outcome) },
        }).stream({ model: 'm', messages, policy: { policies } });
        const parts = await collect(run);
        const result = await run.result;
        expect(result.text).toBe('kept');
        expect(ends).toEqual([result.outcome]);
        expect(provider.closed).toBe(1);
        if (message === undefined) {
          expect(result.outcome).toBe('finish');
          expect(result.finishReason.unified).toBe('other');
        } else {
          expect(result.outcome).toBe('error');
          expect(result.outcome === 'error' && StreamError.isInstance(result.error)).toBe(true);
          expect(result.outcome === 'error' && result.error.message).toMatch(message);
          expect(parts.at(-1)?.type).toBe('error');
        }
      }
    }
  });

  it('a policy stop recorded before the caller aborts wins, and the other is ignored', async () => {
    const controller = new AbortController();
    const provider = scriptedProvider(textScript(['go', ' STOP', ' more']));
    const run = createClient({ provider }).stream({
      model: 'm',
      messages,
      signal: controller.signal,
      policy: { policies: [stopAtWord('STOP')] },
    });
    for await (const part of run) if (part.type === 'policy-stop') controller.abort();
    expect((await run.result).outcome).toBe('policy-stop');
  });

  it('breaking out of the loop aborts the request and settles the result as abort', async () => {
    const provider = scriptedProvider(textScript(['a', 'b', 'c', 'd']));
    const run = createClient({ provider }).stream({ model: 'm', messages });
    for await (const part of run) if (part.type === 'text-delta') break;
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(result.text).toBe('a');
    expect(provider.requests[0]?.signal.aborted).toBe(true);
  });

  it('reading result without iterating drains the run; iterating afterwards is refused', async () => {
    const provider = scriptedProvider(textScript(['x', 'y']));
    const run = createClient({ provider }).stream({ model: 'm', messages });
    expect((await run.result).text).toBe('xy');
    expect(() => run[Symbol.asyncIterator]()).toThrow(/already consumed/);
  });

  it('reading result then iterating in the same tick iterates', async () => {
    const provider = scriptedProvider(textScript(['x', 'y']));
    const run = createClient({ provider }).stream({ model: 'm', messages });
    const pending = run.result;
    const parts = await collect(run);
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(2);
    expect((await pending).outcome).toBe('finish');
  });

  it('a provider error mid-stream ends in outcome error and keeps the text so far', async () => {
    const failure = new Error('socket hang up');
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'text-delta', delta: 'kept' },
      { type: 'throw', error: failure },
    ]);
    const run = createClient({ provider }).stream({ model: 'm', messages });
    const parts = await collect(run);
    const result = await run.result;
    expect(result.outcome).toBe('error');
    expect(result.text).toBe('kept');
    expect(result.error?.kind).toBe('provider');
    expect(parts.at(-1)?.type).toBe('error');
  });

  it('a stream that ends without finish is a stream error, not a silent success', async () => {
    const provider = scriptedProvider([{ type: 'stream-start' }, { type: 'text-delta', delta: 'cut' }]);
    const result = await createClient({ provider }).generate({ model: 'm', messages });
    expect(result.outcome).toBe('error');
    expect(result.error?.kind).toBe('stream');
    expect(result.text).toBe('cut');
  });

  it('a policy that throws is switched off and reported; the stream goes on', async () => {
    let calls = 0;
    const broken: StopPolicy = {
      name: 'broken',
      step: () => {
        calls += 1;
        throw new Error('bug in policy');
      },
    };
    const errors: string[] = [];
    const provider = scriptedProvider(textScript(['a', 'b', 'c']));
    const result = await createClient({
      provider,
      telemetry: { onError: (event) => void errors.push(event.error.message) },
    }).generate({
      model: 'm',
      messages,
      policy: { policies: [broken] },
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('abc');
    expect(calls).toBe(1);
    expect(result.policyErrors).toHaveLength(1);
    expect(result.policyErrors[0]?.message).toContain('bug in policy');
    expect(errors).toEqual([expect.stringContaining('broken')]);
  });

  it.each([
    ['an async step (its promise)', async () => ({ reason: 'later' })],
    ['a cutAt of NaN', () => ({ reason: 'x', cutAt: Number.NaN })],
    ['a stop without a reason', () => ({})],
    ['an unknown kind', () => ({ reason: 'x', kind: 'whatever' })],
  ] as const)('a policy whose step returns %s is switched off and reported, not obeyed', async (_, step) => {
    const odd = { name: 'odd', step } as unknown as StopPolicy;
    const result = await createClient({ provider: scriptedProvider(textScript(['a', 'b', 'c'])) }).generate({
      model: 'm',
      messages,
      policy: { policies: [odd] },
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('abc');
    expect(result.policyErrors).toHaveLength(1);
    expect(result.policyErrors[0]?.message).toMatch(/odd: step\(\) returned /);
  });

  it('refuses one policy object running in two calls at once', async () => {
    const shared = stopOn(['never-matches']);
    const slow = scriptedProvider([{ type: 'stream-start' }, { type: 'wait', ms: 50 }, ...textScript(['x'])]);
    const client = createClient({ provider: slow });
    const first = client.stream({ model: 'm', messages, policy: { policies: [shared] } });
    const firstResult = first.result;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await client.generate({ model: 'm', messages, policy: { policies: [shared] } });
    expect(second.outcome).toBe('error');
    expect(ConfigError.isInstance(second.error)).toBe(true);
    expect((await firstResult).outcome).toBe('finish');
    // Sequential reuse is fine: start() resets the policy.
    expect((await client.generate({ model: 'm', messages, policy: { policies: [shared] } })).outcome).toBe(
      'finish',
    );
  });

  it('hooks that throw or never resolve neither break nor delay the stream', async () => {
    const provider = scriptedProvider(textScript(['a', 'b']));
    const hookErrors: unknown[] = [];
    const client = createClient({
      provider,
      telemetry: {
        onCallStart: () => {
          throw new Error('hook exploded');
        },
        onCallEnd: () => new Promise<void>(() => {}),
        onHookError: (error) => hookErrors.push(error),
      },
    });
    const result = await client.generate({ model: 'm', messages });
    expect(result.outcome).toBe('finish');
    expect(hookErrors).toHaveLength(1);
  });

  it('reports call-end exactly once, and text only with recordContent', async () => {
    const ends: Array<{ text?: string }> = [];
    const withContent: Array<{ text?: string }> = [];
    const provider = scriptedProvider(textScript(['secret', ' answer']));
    await createClient({ provider, telemetry: { onCallEnd: (event) => void ends.push(event) } }).generate({
      model: 'm',
      messages,
      telemetry: { recordContent: true, onCallEnd: (event) => void withContent.push(event) },
    });
    expect(ends).toHaveLength(1);
    expect(ends[0]?.text).toBeUndefined();
    expect(withContent[0]?.text).toBe('secret answer');
  });

  it('counts reasoning and answer separately and returns both', async () => {
    const provider = scriptedProvider([
      { type: 'stream-start' },
      { type: 'reasoning-delta', delta: 'think' },
      { type: 'text-delta', delta: 'answer' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: undefined },
      },
    ]);
    const result = await createClient({ provider }).generate({ model: 'm', messages });
    expect(result.reasoning).toBe('think');
    expect(result.text).toBe('answer');
    expect(result.usage.source).toBe('estimated');
    expect(result.usage.inputSource).toBe('provider');
  });
});

/**
 * Adapters are a public extension point: one whose read never settles and ignores the abort
 * signal must not hold the consumer's loop, `result` or `call-end` once the run has an ending.
 * Each test has a short timeout: on a runner that waits for the read, it fails instead of hanging.
 */
describe('runner, with an adapter whose read ignores the abort signal', () => {
  /** Waits for late promise jobs and a macrotask, where a late read would show its effects. */
  const settleLate = () => new Promise((resolve) => setTimeout(resolve, 20));

  it("the caller's abort ends the run at once, keeps the text, and a late read changes nothing", async () => {
    // Without a chain, and with a timed policy whose next check is far away: neither may wait.
    for (const policies of [[], [timeout({ idleMs: 60_000 })]]) {
      for (const late of [
        { part: { type: 'text-delta', delta: ' late' } } as const,
        { error: new Error('late') },
      ]) {
        const provider = deafProvider(['Hello', ' world']);
        const controller = new AbortController();
        const ends: string[] = [];
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => void unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        try {
          const run = createClient({
            provider,
            telemetry: { onCallEnd: (event) => void ends.push(event.outcome) },
          }).stream({ model: 'm', messages, signal: controller.signal, policy: { policies } });
          void provider.stuck.then(() => controller.abort(new Error('user left')));
          const iterator = run[Symbol.asyncIterator]();
          const parts = await collect({ [Symbol.asyncIterator]: () => iterator });
          const result = await run.result;
          expect(parts.map((part) => part.type)).toEqual([
            'stream-start',
            'text-delta',
            'text-delta',
            'abort',
          ]);
          expect(result.outcome).toBe('abort');
          expect(result.outcome === 'abort' && (result.abortReason as Error).message).toBe('user left');
          expect(result.text).toBe('Hello world');
          expect(ends).toEqual(['abort']);
          // The socket answers after all: no second terminal part, no second call-end, no crash.
          provider.release(late);
          await settleLate();
          expect(await iterator.next()).toEqual({ done: true, value: undefined });
          expect(ends).toEqual(['abort']);
          expect(unhandled).toEqual([]);
        } finally {
          process.off('unhandledRejection', onUnhandled);
        }
      }
    }
  }, 3_000);

  it('an adapter that declares endsReadsOnAbort has its reads awaited as they are', async () => {
    // The guard costs a promise a part; an adapter whose reads end on the abort does not need it.
    // Declared falsely (this one ignores the signal), the run waits for the read.
    const provider = { ...deafProvider(['Hello']), endsReadsOnAbort: true };
    const controller = new AbortController();
    const run = createClient({ provider }).stream({ model: 'm', messages, signal: controller.signal });
    void provider.stuck.then(() => controller.abort(new Error('user left')));
    const parts = collect(run);
    await provider.stuck;
    await settleLate();
    let settled = false;
    void run.result.then(() => (settled = true));
    await settleLate();
    expect(settled).toBe(false);
    provider.release({ error: new Error('closed at last') });
    expect((await parts).at(-1)?.type).toBe('abort');
    expect((await run.result).outcome).toBe('abort');
  }, 3_000);

  it('a timed policy stop ends the run with the kept text while the read hangs', async () => {
    const provider = deafProvider(['Hello', ' world']);
    const ends: string[] = [];
    const run = createClient({
      provider,
      telemetry: { onCallEnd: (event) => void ends.push(event.outcome) },
    }).stream({ model: 'm', messages, policy: { policies: [timeout({ idleMs: 20 })] } });
    const parts = await collect(run);
    const result = await run.result;
    expect(parts.at(-1)?.type).toBe('policy-stop');
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('Hello world');
    expect(ends).toEqual(['policy-stop']);
    provider.release({ error: new Error('late') });
    await settleLate();
    expect(ends).toEqual(['policy-stop']);
  }, 3_000);
});
