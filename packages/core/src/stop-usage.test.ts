import { describe, expect, it } from 'vitest';
import { chunkStream } from './chunk-stream.js';
import { createClient } from './client.js';
import type { LanguageModelProvider } from './provider.js';
import { providerStream } from './provider-stream.js';
import type { ProviderStreamPart } from './stream-part.js';

/** Gemini-like: the last raw chunk carries text, finish reason and usage together. */
function lastChunkWithUsage(wrap: boolean): LanguageModelProvider {
  const raw = [
    { text: 'The answer is ' },
    { text: '42. STOP and more words', usage: { inputTokens: 9, outputTokens: 11 } },
  ];
  const stream = () =>
    chunkStream<(typeof raw)[number]>({
      open: async () =>
        (async function* () {
          yield* raw;
        })(),
      started: (emit) => emit({ type: 'stream-start' }),
      map: (chunk, emit) => {
        emit({ type: 'text-delta', delta: chunk.text });
        if (chunk.usage) {
          const part: ProviderStreamPart = {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'STOP' },
            usage: chunk.usage,
          };
          emit(part);
        }
      },
      finish: () => {},
      mapError: (error) => error,
    });
  return { name: 'gemini-like', stream: () => (wrap ? providerStream(stream, (error) => error) : stream()) };
}

describe('usage already received when a stop lands', () => {
  it.each([
    ['chunkStream', false],
    ['providerStream over chunkStream', true],
  ])('is kept from the same chunk as the stopping delta (%s)', async (_, wrap) => {
    const client = createClient({ provider: lastChunkWithUsage(wrap) });
    const result = await client.generate({
      model: 'gemini-2.0-flash',
      messages: [{ role: 'user', content: 'x' }],
      policy: { stopOn: ['STOP'] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('The answer is 42. ');
    expect(result.usage).toMatchObject({ outputTokens: 11, inputTokens: 9, source: 'provider' });
  });
});
