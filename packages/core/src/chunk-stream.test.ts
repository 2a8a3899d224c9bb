import { describe, expect, it } from 'vitest';
import { type ChunkMapping, chunkStream } from './chunk-stream.js';
import { createClient } from './client.js';
import type { LanguageModelProvider } from './provider.js';
import type { ProviderStreamPart } from './stream-part.js';
import { readAll } from './testing/read-all.js';

class Mapped extends Error {}

async function* chunks(items: string[], failAfter?: number): AsyncGenerator<string> {
  for (const [index, item] of items.entries()) {
    if (index === failAfter) throw new Error('connection reset');
    yield item;
  }
}

function mapping(overrides: Partial<ChunkMapping<string>> = {}): ChunkMapping<string> {
  return {
    open: async () => chunks(['a', '', 'bc']),
    started: (emit) => emit({ type: 'stream-start' }),
    map: (chunk, emit) => {
      // Zero parts for an empty chunk, two for a long one: the queue must handle both.
      for (const delta of chunk) emit({ type: 'text-delta', delta });
    },
    finish: (emit) =>
      emit({
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: 3 },
      }),
    mapError: (error) => new Mapped((error as Error).message),
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<ProviderStreamPart>) {
  const { items: parts, error } = await readAll(stream);
  return { parts, error };
}

const deltas = (parts: ProviderStreamPart[]) =>
  parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));

describe('chunkStream', () => {
  it('emits the started parts, each chunk’s parts in order, then the finish', async () => {
    const { parts, error } = await collect(chunkStream(mapping()));
    expect(error).toBeUndefined();
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'text-delta',
      'text-delta',
      'text-delta',
      'finish',
    ]);
    expect(deltas(parts)).toEqual(['a', 'b', 'c']);
  });

  it('maps errors from the chunks, the mapping and opening, keeping the parts before them', async () => {
    const reset = await collect(chunkStream(mapping({ open: async () => chunks(['a', 'b', 'c'], 2) })));
    expect(deltas(reset.parts)).toEqual(['a', 'b']);
    expect(reset.error).toBeInstanceOf(Mapped);
    expect((reset.error as Error).message).toBe('connection reset');

    const badChunk = await collect(
      chunkStream(
        mapping({
          map: (chunk, emit) => {
            if (chunk === 'bc') throw new Error('not JSON');
            emit({ type: 'text-delta', delta: chunk });
          },
        }),
      ),
    );
    expect(deltas(badChunk.parts)).toEqual(['a', '']);
    expect((badChunk.error as Error).message).toBe('not JSON');

    const refused = await collect(chunkStream(mapping({ open: () => Promise.reject(new Error('401')) })));
    expect(refused.parts).toEqual([]);
    expect(refused.error).toBeInstanceOf(Mapped);
  });

  it('opens on the first read only, and return() closes the raw chunks', async () => {
    let opened = 0;
    let closed = false;
    const stream = chunkStream(
      mapping({
        open: async () => {
          opened += 1;
          return (async function* () {
            try {
              yield 'a';
              yield 'b';
            } finally {
              closed = true;
            }
          })();
        },
      }),
    );
    const iterator = stream[Symbol.asyncIterator]();
    expect(opened).toBe(0);
    expect((await iterator.next()).value).toEqual({ type: 'stream-start' });
    expect((await iterator.next()).value).toEqual({ type: 'text-delta', delta: 'a' });
    expect(opened).toBe(1);
    await iterator.return?.();
    expect(closed).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('return() while the request is opening closes the source it opens, and reads nothing from it', async () => {
    let release!: () => void;
    const opening = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source = {
      closed: false,
      reads: 0,
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<string>> {
        source.reads += 1;
        return { done: false, value: 'x' };
      },
      async return(): Promise<IteratorResult<string>> {
        source.closed = true;
        return { done: true, value: undefined };
      },
    };
    const iterator = chunkStream(mapping({ open: () => opening.then(() => source) }))[Symbol.asyncIterator]();
    const first = iterator.next();
    await iterator.return?.();
    release();
    expect(await first).toEqual({ done: true, value: undefined });
    expect(source.closed).toBe(true);
    expect(source.reads).toBe(0);
  });

  it('runs the docs/sse.md example: an adapter over an SDK of your own', async () => {
    async function sdkCreate(_body: unknown, _options: { signal: AbortSignal }) {
      return (async function* () {
        yield { text: 'The answer is 42.' };
        yield { text: ' Let me also explain why, at length.' };
        yield { done: true, outputTokens: 12 };
      })();
    }
    const provider: LanguageModelProvider = {
      name: 'my-sdk',
      stream(request) {
        let outputTokens = 0;
        return chunkStream<{ text?: string; done?: boolean; outputTokens?: number }>({
          open: () => sdkCreate({ model: request.model }, { signal: request.signal }),
          started: (emit) => emit({ type: 'stream-start' }),
          map(chunk, emit) {
            if (chunk.text) emit({ type: 'text-delta', delta: chunk.text });
            if (chunk.done) outputTokens = chunk.outputTokens ?? 0;
          },
          finish: (emit) =>
            emit({
              type: 'finish',
              finishReason: { unified: 'stop', raw: 'end' },
              usage: { inputTokens: undefined, outputTokens },
            }),
          mapError: (error) => error,
        });
      },
    };
    const client = createClient({ provider });
    const result = await client.generate({
      model: 'my-model',
      messages: [{ role: 'user', content: 'What is 6 x 7?' }],
      policy: { stopOn: ['.'] },
    });
    expect(result.text).toBe('The answer is 42');
    expect(result.outcome).toBe('policy-stop');
  });

  it('a chunk whose mapping throws part-way still delivers the parts mapped before the throw', async () => {
    const stream = chunkStream(
      mapping({
        open: async () => chunks(['ab', 'c!d', 'ef']),
        map: (chunk, emit) => {
          // A batch of events, the third of which is broken.
          for (const delta of chunk) {
            if (delta === '!') throw new Error('bad event');
            emit({ type: 'text-delta', delta });
          }
        },
      }),
    );
    const { parts, error } = await collect(stream);
    expect(deltas(parts)).toEqual(['a', 'b', 'c']);
    expect(error).toBeInstanceOf(Mapped);
    expect((error as Error).message).toBe('bad event');
  });
});
