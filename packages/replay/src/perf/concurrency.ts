import { openai } from '@stopwise/openai';
import { type CallPolicyOptions, createClient } from 'stopwise';
import { measure, round } from './measure.js';

/** Throughput and cost at one level of concurrency. */
export interface ConcurrencyFigures {
  concurrent: number;
  streams: number;
  streamsPerSecond: number;
  cpuMsPerStream: number;
  /** Runs that ended in `finish`: every run must be accounted for. */
  finished: number;
  /** Resident memory after the level, with garbage collected, in MiB. */
  rssAfterMiB: number;
  /** JavaScript heap in use after the level, with garbage collected, in MiB: what a leak grows. */
  heapAfterMiB: number;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs `concurrent` streams at once through one client (repeating small levels until at least
 * `minStreams` streams ran) against a server in another process, and reports streams per second,
 * client CPU per stream and memory after each level. A level listed twice shows whether memory
 * keeps growing from one run to the next.
 */
export async function measureConcurrency(options: {
  baseURL: string;
  levels: readonly number[];
  minStreams: number;
  /** The policy options of every call (a profile: built per call, as in production). */
  policy: () => CallPolicyOptions;
}): Promise<ConcurrencyFigures[]> {
  const client = createClient({
    provider: openai({ apiKey: 'bench', baseURL: options.baseURL, maxRetries: 0 }),
  });
  const runOne = async () => {
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'q' }],
      policy: options.policy(),
    });
    return result.outcome === 'finish' ? 1 : 0;
  };
  const figures: ConcurrencyFigures[] = [];
  for (const concurrent of options.levels) {
    const waves = Math.max(1, Math.ceil(options.minStreams / concurrent));
    let finished = 0;
    const cost = await measure(async () => {
      for (let wave = 0; wave < waves; wave += 1) {
        const outcomes = await Promise.all(Array.from({ length: concurrent }, () => runOne()));
        finished += outcomes.reduce<number>((sum, ok) => sum + ok, 0);
      }
    });
    collectGarbage();
    const streams = waves * concurrent;
    figures.push({
      concurrent,
      streams,
      streamsPerSecond: round(streams / (cost.wallMs / 1000), 1),
      cpuMsPerStream: round(cost.cpuMs / streams),
      finished,
      rssAfterMiB: round(process.memoryUsage().rss / 2 ** 20, 1),
      heapAfterMiB: round(process.memoryUsage().heapUsed / 2 ** 20, 1),
    });
  }
  return figures;
}
