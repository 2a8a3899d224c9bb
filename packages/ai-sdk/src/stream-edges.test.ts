import { generateText, streamText, wrapLanguageModel } from 'ai';
import { timeout } from 'stopwise';
import { describe, expect, it, vi } from 'vitest';
import { stopwiseMiddleware, stopwiseOptions } from './index.js';
import { scriptedModel, v3Finish } from './test-utils.js';
import type { V3StreamPart } from './v3-types.js';

type Model = Parameters<typeof streamText>[0]['model'];

/** Every part type `streamText` gives, and 'threw' when its stream fails. */
async function partTypes(model: Model): Promise<string[]> {
  const result = streamText({ model, prompt: 'q', maxRetries: 0, onError: () => {} });
  const types: string[] = [];
  try {
    for await (const part of result.fullStream) types.push(part.type);
  } catch {
    types.push('threw');
  }
  return types;
}

/** The text `streamText` delivered before its stream ended or failed. */
async function deliveredText(model: Model): Promise<string> {
  const result = streamText({ model, prompt: 'q', maxRetries: 0, onError: () => {} });
  let text = '';
  try {
    for await (const part of result.fullStream) if (part.type === 'text-delta') text += part.text;
  } catch {}
  return text;
}

describe('a model stream that fails mid-way', () => {
  const failure = new Error('socket hang up');

  it('with holdBack, the text held back when the model failed still reaches the consumer', async () => {
    const parts: V3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '1' },
      { type: 'text-delta', id: '1', delta: 'Hello' },
      { type: 'text-delta', id: '1', delta: ' world' },
    ];
    expect(await deliveredText(scriptedModel(parts, { errorAfter: failure }).model)).toBe('Hello world');
    const wrapped = wrapLanguageModel({
      model: scriptedModel(parts, { errorAfter: failure }).model,
      middleware: stopwiseMiddleware({ holdBack: 100 }),
    });
    expect(await deliveredText(wrapped)).toBe('Hello world');
  });

  it('a block end and a tool call sent before the failure reach the consumer, as unwrapped', async () => {
    const parts: V3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '1' },
      { type: 'text-delta', id: '1', delta: 'Calling.' },
      { type: 'text-end', id: '1' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{}' },
    ];
    const plain = await partTypes(scriptedModel(parts, { errorAfter: failure }).model);
    expect(plain).toContain('tool-call');
    const wrapped = wrapLanguageModel({
      model: scriptedModel(parts, { errorAfter: failure }).model,
      middleware: stopwiseMiddleware(),
    });
    expect(await partTypes(wrapped)).toEqual(plain);
  });
});

describe('a timed stop before the model stream opens', () => {
  it('ends as a policy stop with stopwise metadata, and aborts the model call', async () => {
    const { model, calls } = scriptedModel(
      [{ type: 'stream-start', warnings: [] }, { type: 'text-start', id: '1' }, v3Finish()],
      { openDelayMs: 2_000 },
    );
    const result = await generateText({
      model: wrapLanguageModel({ model, middleware: stopwiseMiddleware() }),
      prompt: 'q',
      maxRetries: 0,
      providerOptions: stopwiseOptions({ policy: { policies: [timeout({ firstTokenMs: 30 })] } }),
    });
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(result.text).toBe('');
    expect(result.providerMetadata?.stopwise).toMatchObject({ outcome: 'policy-stop' });
  });

  it('cancels the stream of a model that ignored the abort and opened after the stop', async () => {
    // Some models (a custom doStream, a provider package that drops the signal) resolve anyway:
    // the stream they hand over after the stop is nobody's to read, so it must be cancelled, or
    // its HTTP response runs on, billed, to the end.
    const { model } = scriptedModel([]);
    let open: (() => void) | undefined;
    let cancelled = false;
    model.doStream = () =>
      new Promise((resolve) => {
        open = () =>
          resolve({
            stream: new ReadableStream<V3StreamPart>({
              pull: () => new Promise(() => {}), // a body that is still coming
              cancel: () => {
                cancelled = true;
              },
            }),
          });
      });
    const result = await generateText({
      model: wrapLanguageModel({ model, middleware: stopwiseMiddleware() }),
      prompt: 'q',
      maxRetries: 0,
      providerOptions: stopwiseOptions({ policy: { policies: [timeout({ firstTokenMs: 30 })] } }),
    });
    expect(result.providerMetadata?.stopwise).toMatchObject({ outcome: 'policy-stop' });
    open?.();
    await vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 1_000 });
  });
});

describe('parts the stop policies do not see', () => {
  it('stream to the consumer as they arrive, not at the next text delta or the finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const head: V3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'tool-input-start', id: 'c1', toolName: 'write' },
      { type: 'tool-input-delta', id: 'c1', delta: '{"a":' },
    ];
    const tail: V3StreamPart[] = [
      { type: 'tool-input-delta', id: 'c1', delta: '1}' },
      { type: 'tool-input-end', id: 'c1' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'write', input: '{"a":1}' },
      v3Finish('tool-calls'),
    ];
    const { model } = scriptedModel([]);
    model.doStream = async () => {
      const all = [...head, ...tail];
      let index = 0;
      return {
        stream: new ReadableStream<V3StreamPart>({
          async pull(controller) {
            // The model is still writing the tool input until the test releases it.
            if (index === head.length) await gate;
            const part = all[index++];
            if (part) controller.enqueue(part);
            else controller.close();
          },
        }),
      };
    };
    const result = streamText({
      model: wrapLanguageModel({ model, middleware: stopwiseMiddleware() }),
      prompt: 'q',
    });
    const reader = result.fullStream[Symbol.asyncIterator]();
    const firstToolInput = (async () => {
      for (;;) {
        const next = await reader.next();
        if (next.done) return 'ended';
        if (next.value.type === 'tool-input-delta') return 'tool input';
      }
    })();
    const early = await Promise.race([
      firstToolInput,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500)),
    ]);
    release();
    await firstToolInput;
    expect(early).toBe('tool input');
  });

  it('a stop while a tool input streams ends the tool input it cut short', async () => {
    const { model } = scriptedModel([]);
    const head: V3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '1' },
      { type: 'text-delta', id: '1', delta: 'Let me write it.' },
      { type: 'tool-input-start', id: 'c1', toolName: 'write' },
      { type: 'tool-input-delta', id: 'c1', delta: '{"a":' },
    ];
    model.doStream = async ({ abortSignal }) => {
      let index = 0;
      return {
        stream: new ReadableStream<V3StreamPart>({
          async pull(controller) {
            const part = head[index++];
            if (part) return controller.enqueue(part);
            // Goes on writing the tool input slowly until aborted.
            await new Promise((resolve) => setTimeout(resolve, 20));
            if (abortSignal?.aborted) controller.error(abortSignal.reason);
            else controller.enqueue({ type: 'tool-input-delta', id: 'c1', delta: ' ' });
          },
        }),
      };
    };
    const result = streamText({
      model: wrapLanguageModel({ model, middleware: stopwiseMiddleware() }),
      prompt: 'q',
      providerOptions: stopwiseOptions({ policy: { policies: [timeout({ totalMs: 300 })] } }),
    });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types).toContain('tool-input-start');
    expect(types.indexOf('tool-input-end')).toBeGreaterThan(types.indexOf('tool-input-start'));
    expect(types.at(-1)).toBe('finish');
  });
});
