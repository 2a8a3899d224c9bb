import Anthropic from '@anthropic-ai/sdk';
import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import OpenAI from 'openai';
import {
  type CallPolicyOptions,
  type ClientLearnOptions,
  createClient,
  type LanguageModelProvider,
} from 'stopwise';
import { type Cost, rotatingRounds, round, roundRatioRange } from './measure.js';

// A new prompt per stream, as real traffic has: what a call reads from its prompt (keyword rules,
// prompt features) is remembered for a repeated prompt, which a fixed one would measure instead.
let prompts = 0;
const nextMessages = () => {
  prompts += 1;
  return [{ role: 'user' as const, content: `Write a long answer to question ${prompts}.` }];
};

/** One provider's two ways through: its official SDK's own streaming, and stopwise's adapter. */
interface ProviderSides {
  model: string;
  /** Streams one response through the raw SDK, the way its docs show; returns the text. */
  rawStream(): Promise<string>;
  provider: LanguageModelProvider<unknown>;
}

function openaiSides(baseURL: string): ProviderSides {
  const raw = new OpenAI({ apiKey: 'bench', baseURL: `${baseURL}/v1`, maxRetries: 0 });
  const model = 'gpt-4o-mini';
  return {
    model,
    async rawStream() {
      const stream = await raw.chat.completions.create({
        model,
        messages: nextMessages(),
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    },
    provider: openai({ apiKey: 'bench', baseURL: `${baseURL}/v1`, maxRetries: 0 }),
  };
}

function anthropicSides(baseURL: string): ProviderSides {
  const raw = new Anthropic({ apiKey: 'bench', baseURL, maxRetries: 0 });
  const model = 'claude-haiku-4-5';
  return {
    model,
    async rawStream() {
      // `create` with `stream: true`: the SDK's lightest way to stream (`messages.stream()`
      // also builds the message as it goes).
      const stream = await raw.messages.create({
        model,
        max_tokens: 4096,
        messages: nextMessages(),
        stream: true,
      });
      let text = '';
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          text += event.delta.text;
      }
      return text;
    },
    provider: anthropic({ apiKey: 'bench', baseURL, maxRetries: 0, defaultMaxTokens: 4096 }),
  };
}

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
  /** The lowest and highest of `cpuRatio` measured round by round: how much is noise. */
  cpuRatioRounds: [number, number];
  /**
   * What the policy chain adds on its own: CPU of stopwise with the policy over stopwise with
   * none. The adapter reads the body faster than the SDK's `Stream` does, which the ratios
   * against the raw SDK include; this one does not.
   */
  chainCpuRatio: number;
  /** The chain's CPU per chunk, in microseconds: (with policy − without) / chunks. */
  chainUsPerChunk: number;
  /**
   * With `learn`: the same streams through a client that learns (`createClient({ learn })`),
   * its CPU over the client that does not (the tuner's cost per call: picking the step, and
   * replaying the ladder after holdout calls). Target ≤ 1.05.
   */
  learnCpuMs?: number | undefined;
  learnCpuRatio?: number | undefined;
  /**
   * With `learn`: the learning client's CPU over a client with the same holdout share and no
   * learning: the tuner's own work (step per call, verdict bookkeeping, ladder replays), apart
   * from what holding calls out costs by itself.
   */
  tunerCpuRatio?: number | undefined;
}

/**
 * Consumes `streams` streams one after another through (a) the provider's raw official SDK, (b) a
 * stopwise client with `policy` and (c) the same client with no policy, in rotating rounds so
 * drift on a shared machine hits all three, and compares the totals.
 */
export async function measureOverhead(options: {
  /** The server's root URL (no `/v1`). */
  baseURL: string;
  /** Whose SDK and adapter to compare. Default `openai`. */
  provider?: 'openai' | 'anthropic' | undefined;
  streams: number;
  rounds: number;
  chunksPerStream: number;
  /**
   * The policy options of every stopwise call (a profile: built per call, as in production).
   * The streams must run to their end, or the two sides would not consume the same text.
   */
  policy: () => CallPolicyOptions;
  /** Also measure a client with these `learn` options (the tuner's own cost). */
  learn?: ClientLearnOptions | undefined;
}): Promise<OverheadFigures> {
  const sides =
    options.provider === 'anthropic' ? anthropicSides(options.baseURL) : openaiSides(options.baseURL);
  const { model } = sides;
  const client = createClient({ provider: sides.provider });
  const learning = options.learn && createClient({ provider: sides.provider, learn: options.learn });
  // The same holdout share as the learning client (its floor), without learning.
  const holding =
    options.learn &&
    createClient({ provider: sides.provider, holdout: { fraction: options.learn.holdoutFloor ?? 0.05 } });
  const perRound = Math.max(1, Math.floor(options.streams / options.rounds));

  const consumeRaw = async () => {
    for (let i = 0; i < perRound; i += 1) {
      if ((await sides.rawStream()).length === 0) throw new Error('raw stream was empty');
    }
  };
  const consumeStopwise = async (policy: () => CallPolicyOptions, through = client) => {
    for (let i = 0; i < perRound; i += 1) {
      const run = through.stream({ model, messages: nextMessages(), policy: policy() });
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

  const ways = [
    consumeRaw,
    () => consumeStopwise(options.policy),
    () => consumeStopwise(() => ({ profile: 'off' })),
    ...(learning && holding
      ? [() => consumeStopwise(options.policy, learning), () => consumeStopwise(options.policy, holding)]
      : []),
  ];
  const measured = await rotatingRounds(ways, options.rounds);
  const costs = measured.totals;
  const total = (index: number, key: keyof Cost) => (costs[index] as Cost)[key];
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
    cpuRatioRounds: roundRatioRange(measured, 1, 0, 'cpuMs'),
    chainCpuRatio: round(stopwiseCpuMs / noPolicyCpuMs),
    chainUsPerChunk: round(((stopwiseCpuMs - noPolicyCpuMs) * 1000) / (streams * options.chunksPerStream)),
    ...(learning
      ? {
          learnCpuMs: round(total(3, 'cpuMs'), 1),
          learnCpuRatio: round(total(3, 'cpuMs') / stopwiseCpuMs),
          tunerCpuRatio: round(total(3, 'cpuMs') / total(4, 'cpuMs')),
        }
      : {}),
  };
}
