import { openai } from '@stopwise/openai';
import { createClient, type StopPolicy } from 'stopwise';
import { syntheticChatChunks } from '../wire/synthetic-chat.js';
import { createWireServer } from '../wire/wire-server.js';
import { benchDeltas } from './bench-text.js';
import { quantile, round } from './measure.js';

/** How fast a stop closes the connection, seen from the server. */
export interface AbortLatencyFigures {
  runs: number;
  paceMs: number;
  /** Milliseconds from the policy's decision to the server seeing the socket close. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Chunks the server wrote after the decision. Target: at most 1. */
  chunksAfterDecisionP50: number;
  chunksAfterDecisionMax: number;
}

/** Stops at the `at`-th delta and notes when it decided. */
function stopAtDelta(at: number, decided: { at: number }): StopPolicy {
  let seen = 0;
  return {
    name: `stopAtDelta(${at})`,
    start() {
      seen = 0;
    },
    step() {
      seen += 1;
      if (seen < at) return undefined;
      decided.at = performance.now();
      return { reason: 'benchmark stop' };
    },
  };
}

/** Runs `runs` paced streams, each stopped at a random early delta, through the OpenAI adapter. */
export async function measureAbortLatency(options: {
  runs: number;
  paceMs: number;
}): Promise<AbortLatencyFigures> {
  const chunks = syntheticChatChunks({ deltas: benchDeltas(300) });
  const server = await createWireServer({
    respond: () => ({ format: 'openai-chat', chunks, paceMs: options.paceMs }),
  });
  const client = createClient({
    provider: openai({ apiKey: 'bench', baseURL: `${server.url}/v1`, maxRetries: 0 }),
  });
  const latencies: number[] = [];
  const chunksAfter: number[] = [];
  try {
    // The first runs pay for JIT compilation and connection setup: warm up, then measure.
    for (let i = -3; i < options.runs; i += 1) {
      const decided = { at: 0 };
      const stopAt = 5 + ((Math.abs(i) * 7) % 30);
      const result = await client.generate({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'q' }],
        policy: { policies: [stopAtDelta(stopAt, decided)] },
      });
      if (result.outcome !== 'policy-stop') throw new Error(`abort-latency run ended in ${result.outcome}`);
      const record = server.requests.at(-1);
      if (!record) throw new Error('the server saw no request');
      await record.socketClosed;
      if (i < 0) continue;
      latencies.push((record.socketClosedAt ?? Number.NaN) - decided.at);
      chunksAfter.push(record.chunkWrittenAt.filter((writtenAt) => writtenAt > decided.at).length);
    }
  } finally {
    await server.close();
  }
  return {
    runs: options.runs,
    paceMs: options.paceMs,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(Math.max(...latencies)),
    chunksAfterDecisionP50: quantile(chunksAfter, 0.5),
    chunksAfterDecisionMax: Math.max(...chunksAfter),
  };
}
