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
  rawCpuMs: number;
  stopwiseCpuMs: number;
  /** stopwise / raw, wall time. Target ≤ 1.05. */
  wallRatio: number;
  /** stopwise / raw, CPU time of the client process. Target ≤ 1.05. */
  cpuRatio: number;
}

/**
 * Consumes `streams` streams one after another through (a) the raw `openai` client and (b) a
 * stopwise client with `policy`, in alternating rounds so drift on a shared machine hits both,
 * and compares the totals.
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
  const consumeStopwise = async () => {
    for (let i = 0; i < perRound; i += 1) {
      const run = client.stream({ model, messages, policy: options.policy() });
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

  // Warm both paths up (JIT, connection pool) before measuring.
  await consumeRaw();
  await consumeStopwise();
  const rawCosts: Cost[] = [];
  const stopwiseCosts: Cost[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    if (round % 2 === 0) {
      rawCosts.push(await measure(consumeRaw));
      stopwiseCosts.push(await measure(consumeStopwise));
    } else {
      stopwiseCosts.push(await measure(consumeStopwise));
      rawCosts.push(await measure(consumeRaw));
    }
  }
  const total = (costs: Cost[], key: keyof Cost) => costs.reduce((sum, cost) => sum + cost[key], 0);
  const rawWallMs = total(rawCosts, 'wallMs');
  const stopwiseWallMs = total(stopwiseCosts, 'wallMs');
  const rawCpuMs = total(rawCosts, 'cpuMs');
  const stopwiseCpuMs = total(stopwiseCosts, 'cpuMs');
  return {
    streams: perRound * options.rounds,
    chunksPerStream: options.chunksPerStream,
    rawWallMs: round(rawWallMs, 1),
    stopwiseWallMs: round(stopwiseWallMs, 1),
    rawCpuMs: round(rawCpuMs, 1),
    stopwiseCpuMs: round(stopwiseCpuMs, 1),
    wallRatio: round(stopwiseWallMs / rawWallMs),
    cpuRatio: round(stopwiseCpuMs / rawCpuMs),
  };
}
