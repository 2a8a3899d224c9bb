/**
 * The run's iterator protocol beyond `for await`: reads that overlap, and a consumer that stops
 * before the first part or while the chain is still resolving. Every path must settle `result`
 * exactly once and send no request it does not need.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type StreamPart, stopOn } from './index.js';
import { deafProvider } from './testing/deaf-provider.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'Count.' }];

describe('the run iterator', () => {
  it('a second iteration, after the first ended, points to run.result', async () => {
    const run = createClient({ provider: scriptedProvider(textScript(['a', 'b'])) }).stream({
      model: 'm',
      messages,
    });
    for await (const _ of run) {
      // Consumed.
    }
    expect(() => run[Symbol.asyncIterator]()).toThrow(/has already been iterated .*`await run.result`/);
    expect((await run.result).text).toBe('ab');
  });

  it('answers reads that overlap in order, each part once', async () => {
    const deltas = ['one ', 'two ', 'three ', 'STOP four ', 'five'];
    const sequential: StreamPart[] = [];
    const first = createClient({ provider: scriptedProvider(textScript(deltas)) }).stream({
      model: 'm',
      messages,
      policy: { policies: [stopOn(['STOP'])] },
    });
    for await (const part of first) sequential.push(part);

    const run = createClient({ provider: scriptedProvider(textScript(deltas)) }).stream({
      model: 'm',
      messages,
      policy: { policies: [stopOn(['STOP'])] },
    });
    const iterator = run[Symbol.asyncIterator]();
    // Ten reads at once: more than the run has parts, so the last ones must report done.
    const reads = await Promise.all(Array.from({ length: 10 }, () => iterator.next()));
    const parts = reads.flatMap((read) => (read.done ? [] : [read.value]));
    expect(parts).toEqual(sequential);
    expect(reads.slice(parts.length).every((read) => read.done)).toBe(true);
    expect((await run.result).outcome).toBe('policy-stop');
  });

  it('return() before the first read settles as abort and sends no request', async () => {
    const provider = scriptedProvider(textScript(['never']));
    const run = createClient({ provider }).stream({ model: 'm', messages });
    const iterator = run[Symbol.asyncIterator]();
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(result.text).toBe('');
    expect(provider.requests).toHaveLength(0);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('return() while the chain is resolving settles as abort and sends no request', async () => {
    const provider = scriptedProvider(textScript(['never']));
    let answer!: (profile: string) => void;
    const client = createClient({
      provider,
      profiles: () => new Promise<string>((resolve) => (answer = resolve)),
    });
    const run = client.stream({ model: 'm', messages, user: 'u1' });
    const iterator = run[Symbol.asyncIterator]();
    const firstRead = iterator.next();
    await iterator.return?.();
    answer('balanced');
    expect(await firstRead).toEqual({ done: true, value: undefined });
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(provider.requests).toHaveLength(0);
  });

  it('throw() ends the run as abort with the given reason, and the request is aborted', async () => {
    const provider = scriptedProvider(textScript(['a', 'b', 'c']));
    const run = createClient({ provider }).stream({ model: 'm', messages });
    const iterator = run[Symbol.asyncIterator]();
    await iterator.next(); // stream-start
    const reason = new Error('the page was closed');
    expect(await iterator.throw?.(reason)).toEqual({ done: true, value: undefined });
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    expect(result.outcome === 'abort' && result.abortReason).toBe(reason);
    expect(provider.requests[0]?.signal.aborted).toBe(true);
    expect(provider.closed).toBe(1);
  });

  // A ReadableStream's cancel() (or any consumer that stops from outside its loop) calls return()
  // while a read is pending; an adapter that ignores the abort never settles that read. A short
  // timeout: waiting for the read would fail the test, not hang the suite.
  it("return() while a read is pending settles the run even if the adapter's read never settles, and answers the read at once in a call with a signal", async () => {
    for (const signal of [new AbortController().signal, undefined]) {
      const provider = deafProvider(['Hello']);
      const ends: string[] = [];
      const run = createClient({
        provider,
        telemetry: { onCallEnd: (event) => void ends.push(event.outcome) },
      }).stream({ model: 'm', messages, signal });
      const iterator = run[Symbol.asyncIterator]();
      await iterator.next(); // stream-start
      expect((await iterator.next()).value).toEqual({ type: 'text-delta', delta: 'Hello' });
      const pending = iterator.next();
      const queued = iterator.next();
      await provider.stuck;
      expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
      const result = await run.result;
      expect(result.outcome).toBe('abort');
      expect(result.text).toBe('Hello');
      expect(ends).toEqual(['abort']);
      // Without a signal the read is the adapter's to answer (no cost per read: see the runner's
      // `pull`); it does, done, once it lets go. With one, it is answered already.
      if (signal === undefined) provider.release({ part: { type: 'text-delta', delta: ' late' } });
      expect(await pending).toEqual({ done: true, value: undefined });
      expect(await queued).toEqual({ done: true, value: undefined });
      provider.release({ part: { type: 'text-delta', delta: ' late' } });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(ends).toEqual(['abort']);
    }
  }, 3_000);
});
