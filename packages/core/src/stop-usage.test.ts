import { describe, expect, it } from 'vitest';
import { chunkStream } from './chunk-stream.js';
import { createClient } from './client.js';
import type { LanguageModelProvider } from './provider.js';
import { providerStream } from './provider-stream.js';
import type { ProviderStreamPart } from './stream-part.js';
import { createSavingsHistory } from './telemetry/savings-history.js';

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

describe('a stop after the provider had already finished the output', () => {
  it('saved nothing: method provider, no bound, no cost, whatever the caps', async () => {
    const client = createClient({ provider: lastChunkWithUsage(true) });
    const result = await client.generate({
      model: 'gemini-2.0-flash',
      messages: [{ role: 'user', content: 'x' }],
      maxOutputTokens: 1000,
      policy: { stopOn: ['STOP'] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.savings).toMatchObject({
      outputTokens: 11,
      tokensSaved: 0,
      tokensSavedAtMost: 0,
      costSaved: 0,
      timeSavedMs: 0,
      counterfactualTokens: { method: 'provider', value: 11, low: 11, high: 11 },
    });
    expect(client.stats().total.tokensSaved).toBe(0);
  });

  it('a holdout call whose would-be stop came after the end calibrates nothing', async () => {
    const history = createSavingsHistory();
    const client = createClient({
      provider: lastChunkWithUsage(true),
      holdout: { fraction: 1 },
      savingsModel: { history },
    });
    const result = await client.generate({
      model: 'gemini-2.0-flash',
      messages: [{ role: 'user', content: 'x' }],
      policy: { stopOn: ['STOP'] },
    });
    expect(result.outcome).toBe('finish');
    expect(result.savings.holdout).toMatchObject({ policy: 'stopOn("STOP")', providerFinished: true });
    expect(history.holdouts('gemini-2.0-flash|-')).toEqual([]);
    // Its length is still learned.
    expect(history.lengths('gemini-2.0-flash|-')).toHaveLength(1);
  });

  it('a stop before the end arrived is estimated as usual, and its holdout twin calibrates', async () => {
    const history = createSavingsHistory();
    const early = createClient({
      provider: lastChunkWithUsage(true),
      holdout: { fraction: 1 },
      savingsModel: { history },
    });
    // 'answer' is in the first chunk; the finish comes with the second.
    const held = await early.generate({
      model: 'gemini-2.0-flash',
      messages: [{ role: 'user', content: 'x' }],
      policy: { stopOn: ['answer'] },
    });
    expect(held.savings.holdout?.providerFinished).toBeUndefined();
    expect(history.holdouts('gemini-2.0-flash|-')).toHaveLength(1);
    const client = createClient({ provider: lastChunkWithUsage(true), savingsModel: { history } });
    const stopped = await client.generate({
      model: 'gemini-2.0-flash',
      messages: [{ role: 'user', content: 'x' }],
      policy: { stopOn: ['answer'] },
    });
    expect(stopped.outcome).toBe('policy-stop');
    expect(stopped.savings.counterfactualTokens?.method).toBe('holdout');
    expect(stopped.savings.tokensSaved).toBeGreaterThan(0);
  });
});
