import { createClient, type LanguageModelProvider, type ProviderStreamPart, type StopPolicy } from 'stopwise';
import { benchDeltas } from './bench-text.js';
import { quantile, round } from './measure.js';

/** Policy cost per chunk on a short and a long output. */
export interface ScalingFigures {
  shortTokens: number;
  longTokens: number;
  /** Median microseconds the chain spent per chunk. */
  shortUsPerChunk: number;
  longUsPerChunk: number;
  /** long / short. Target ≤ 1.2: no work that grows with the text so far. */
  ratio: number;
}

/** An in-process provider streaming `deltas` with no HTTP, so only stopwise's own work is timed. */
function memoryProvider(deltas: readonly string[]): LanguageModelProvider {
  return {
    name: 'memory',
    async *stream(): AsyncGenerator<ProviderStreamPart> {
      yield { type: 'stream-start' };
      for (const delta of deltas) yield { type: 'text-delta', delta };
      yield {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 1, outputTokens: deltas.length },
      };
    },
  };
}

/** Wraps a policy to time its `step` calls. */
function timed(policy: StopPolicy, sink: { ns: bigint; steps: number }): StopPolicy {
  return {
    name: policy.name,
    start: (call) => policy.start?.(call),
    step(view) {
      const before = process.hrtime.bigint();
      const decision = policy.step(view);
      sink.ns += process.hrtime.bigint() - before;
      sink.steps += 1;
      return decision;
    },
    nextCheckAt: () => policy.nextCheckAt?.(),
    end: (end) => policy.end?.(end),
  };
}

async function usPerChunk(
  deltas: readonly string[],
  chain: () => StopPolicy,
  repeats: number,
): Promise<number> {
  const client = createClient({ provider: memoryProvider(deltas) });
  const samples: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const sink = { ns: 0n, steps: 0 };
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Explain in detail.' }],
      policy: { policies: [timed(chain(), sink)] },
    });
    if (result.outcome !== 'finish') throw new Error(`scaling run ended in ${result.outcome}`);
    samples.push(Number(sink.ns) / 1000 / sink.steps);
  }
  return quantile(samples, 0.5);
}

/** Times the chain per chunk on `shortTokens`- and `longTokens`-token outputs. */
export async function measureScaling(options: {
  shortTokens: number;
  longTokens: number;
  repeats: number;
  chain: () => StopPolicy;
}): Promise<ScalingFigures> {
  const short = benchDeltas(options.shortTokens);
  const long = benchDeltas(options.longTokens);
  // Warm-up so the short run is not charged for JIT compilation.
  await usPerChunk(short, options.chain, 2);
  const shortUs = await usPerChunk(short, options.chain, options.repeats * 5);
  const longUs = await usPerChunk(long, options.chain, options.repeats);
  return {
    shortTokens: options.shortTokens,
    longTokens: options.longTokens,
    shortUsPerChunk: round(shortUs),
    longUsPerChunk: round(longUs),
    ratio: round(longUs / shortUs),
  };
}
