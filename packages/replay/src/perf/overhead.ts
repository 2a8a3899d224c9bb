import { openai } from '@stopwise/openai';
import OpenAI from 'openai';
import { type CallPolicyOptions, createClient } from 'stopwise';
import { type Cost, measure, round } from './measure.js';

const model = 'gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'Write a long answer.' }];

/** Overhead of stopwise against the raw official SDK on the same replayed streams. */
export interface OverheadFigures {
  streams: number;
  chunksPerStream: number;
  rawWallMs: number;
  stopwiseWallMs: number;
  /** The same streams through stopwise with no policy at all (profile `off`). */
  noPolicyWallMs: number;
  rawCpuMs: number;
  stopwiseCpuMs: number;
  noPolicyCpuMs: number;
  /** stopwise / raw, wall time. Target ≤ 1.05. */
  wallRatio: number;
  /** stopwise / raw, CPU time of the client process. Target ≤ 1.05. */
  cpuRatio: number;
  /**
   * What the policy chain adds on its own: CPU of stopwise with the policy over stopwise with
   * none. The adapter reads the body faster than the SDK's `Stream` does, which the ratios
   * against the raw SDK include; this one does not.
   */
  chainCpuRatio: number;
  /** The chain's CPU per chunk, in microseconds: (with policy − without) / chunks. */
  chainUsPerChunk: number;
}

/**
 * Consumes `streams` streams one after another through (a) the raw `openai` client, (b) a
 * stopwise client with `policy` and (c) the same client with no policy, in rotating rounds so
 * drift on a shared machine hits all three, and compares the totals.
 */
export async function measureOverhead(options: {
  baseURL: string;
  streams: number;
  rounds: number;
  chunksPerStream: number;
  /**
   * The policy options of every stopwise call (a profile: built per call, as in production).
   * The streams must run to their end, or the two sides would not consume the same text.
   */
  policy: () => CallPolicyOptions;
}): Promise<OverheadFigures> {
  const raw = new OpenAI({ apiKey: 'bench', baseURL: options.baseURL, maxRetries: 0 });
  const client = createClient({
    provider: openai({ apiKey: 'bench', baseURL: options.baseURL, maxRetries: 0 }),
  });
  const perRound = Math.max(1, Math.floor(options.streams / options.rounds));

  const consumeRaw = async () => {
    for (let i = 0; i < perRound; i += 1) {
      const stream = await raw.chat.completions.create({
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      if (text.length === 0) throw new Error('raw stream was empty');
    }
  };
  const consumeStopwise = async (policy: () => CallPolicyOptions) => {
    for (let i = 0; i < perRound; i += 1) {
      const run = client.stream({ model, messages, policy: policy() });
      let text = '';
      for await (const part of run) if (part.type === 'text-delta') text += part.delta;
      const result = await run.result;
      if (result.outcome !== 'finish' || text.length === 0) {
        const why = result.outcome === 'policy-stop' ? `: ${result.stop.reason}` : '';
        throw new Error(
          `a stopwise stream ended in ${result.outcome}${why}; the overhead needs whole streams`,
        );
      }
    }
  };

  const sides = [
    { consume: consumeRaw, costs: [] as Cost[] },
    { consume: () => consumeStopwise(options.policy), costs: [] as Cost[] },
    { consume: () => consumeStopwise(() => ({ profile: 'off' })), costs: [] as Cost[] },
  ];
  // Warm every path up (JIT, connection pool) before measuring.
  for (const side of sides) await side.consume();
  for (let round = 0; round < options.rounds; round += 1) {
    // Rotate who goes first, so a slow spell of the machine does not always hit the same side.
    for (let turn = 0; turn < sides.length; turn += 1) {
      const side = sides[(round + turn) % sides.length] as (typeof sides)[number];
      side.costs.push(await measure(side.consume));
    }
  }
  const total = (index: number, key: keyof Cost) =>
    (sides[index] as (typeof sides)[number]).costs.reduce((sum, cost) => sum + cost[key], 0);
  const [rawWallMs, stopwiseWallMs, noPolicyWallMs] = [0, 1, 2].map((index) => total(index, 'wallMs')) as [
    number,
    number,
    number,
  ];
  const [rawCpuMs, stopwiseCpuMs, noPolicyCpuMs] = [0, 1, 2].map((index) => total(index, 'cpuMs')) as [
    number,
    number,
    number,
  ];
  const streams = perRound * options.rounds;
  return {
    streams,
    chunksPerStream: options.chunksPerStream,
    rawWallMs: round(rawWallMs, 1),
    stopwiseWallMs: round(stopwiseWallMs, 1),
    noPolicyWallMs: round(noPolicyWallMs, 1),
    rawCpuMs: round(rawCpuMs, 1),
    stopwiseCpuMs: round(stopwiseCpuMs, 1),
    noPolicyCpuMs: round(noPolicyCpuMs, 1),
    wallRatio: round(stopwiseWallMs / rawWallMs),
    cpuRatio: round(stopwiseCpuMs / rawCpuMs),
    chainCpuRatio: round(stopwiseCpuMs / noPolicyCpuMs),
    chainUsPerChunk: round(((stopwiseCpuMs - noPolicyCpuMs) * 1000) / (streams * options.chunksPerStream)),
  };
}
