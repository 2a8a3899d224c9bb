import { createOpenAI } from '@ai-sdk/openai';
import { stopwiseMiddleware } from '@stopwise/ai-sdk';
import { streamText, wrapLanguageModel } from 'ai';
import { type Cost, rotatingRounds, round, roundRatioRange } from './measure.js';

/** The AI SDK middleware's overhead against the same AI SDK model unwrapped. */
export interface AiSdkOverheadFigures {
  streams: number;
  chunksPerStream: number;
  /** `streamText` over `@ai-sdk/openai`'s chat model as it is. */
  plainWallMs: number;
  plainCpuMs: number;
  /** The same model wrapped by `stopwiseMiddleware({ profile })`. */
  wrappedWallMs: number;
  wrappedCpuMs: number;
  /** wrapped / plain, wall time. Target < 1.1. */
  wallRatio: number;
  /** wrapped / plain, CPU time of the client process. Target < 1.1. */
  cpuRatio: number;
  /** The lowest and highest of `cpuRatio` measured round by round: how much is noise. */
  cpuRatioRounds: [number, number];
}

/**
 * Consumes `streams` streams through `streamText` over `@ai-sdk/openai`'s chat model, unwrapped
 * and wrapped by stopwise's middleware running `profile`, in rotating rounds (as
 * `measureOverhead` does), and compares the totals. The streams must run to their end under the
 * profile, so both sides consume the same text.
 */
export async function measureAiSdkOverhead(options: {
  /** The server's root URL (no `/v1`). */
  baseURL: string;
  streams: number;
  rounds: number;
  chunksPerStream: number;
  profile: string;
}): Promise<AiSdkOverheadFigures> {
  const openai = createOpenAI({ apiKey: 'bench', baseURL: `${options.baseURL}/v1` });
  const plain = openai.chat('gpt-4o-mini');
  const middleware = stopwiseMiddleware({ profile: options.profile });
  const wrapped = wrapLanguageModel({ model: plain, middleware });
  const perRound = Math.max(1, Math.floor(options.streams / options.rounds));
  let prompts = 0;

  const consume = (model: typeof plain) => async () => {
    for (let i = 0; i < perRound; i += 1) {
      // `maxRetries: 0`: a failure must show, not be retried into the timing.
      // A new prompt per stream, as real traffic has (see overhead.ts).
      prompts += 1;
      const result = streamText({
        model,
        prompt: `Write a long answer to question ${prompts}.`,
        maxRetries: 0,
      });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      const metadata = (await result.providerMetadata)?.stopwise as { outcome?: string } | undefined;
      if (text.length === 0 || (model === wrapped && metadata?.outcome !== 'finish')) {
        throw new Error(`an AI SDK stream did not run to its end (${metadata?.outcome ?? 'no text'})`);
      }
    }
  };
  const measured = await rotatingRounds([consume(plain), consume(wrapped)], options.rounds);
  const [plainCost, wrappedCost] = measured.totals as [Cost, Cost];
  const { wallMs: plainWallMs, cpuMs: plainCpuMs } = plainCost;
  const { wallMs: wrappedWallMs, cpuMs: wrappedCpuMs } = wrappedCost;
  return {
    streams: perRound * options.rounds,
    chunksPerStream: options.chunksPerStream,
    plainWallMs: round(plainWallMs, 1),
    plainCpuMs: round(plainCpuMs, 1),
    wrappedWallMs: round(wrappedWallMs, 1),
    wrappedCpuMs: round(wrappedCpuMs, 1),
    wallRatio: round(wrappedWallMs / plainWallMs),
    cpuRatio: round(wrappedCpuMs / plainCpuMs),
    cpuRatioRounds: roundRatioRange(measured, 1, 0, 'cpuMs'),
  };
}
