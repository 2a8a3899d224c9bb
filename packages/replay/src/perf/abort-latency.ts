import { openai } from '@stopwise/openai';
import { createClient, type StopPolicy } from 'stopwise';
import { quantile, round } from './measure.js';
import { epochNow, startServerProcess } from './server-process.js';

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

/** Stops at the `at`-th delta and notes when it decided (epoch milliseconds). */
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
      decided.at = epochNow();
      return { reason: 'benchmark stop' };
    },
  };
}

/**
 * Runs `runs` paced streams, each stopped at a random early delta, through the OpenAI adapter,
 * against a server in another process: it sees the socket close when a remote server would,
 * not when this process's event loop, busy finishing the run, gets round to it.
 */
export async function measureAbortLatency(options: {
  runs: number;
  paceMs: number;
}): Promise<AbortLatencyFigures> {
  const server = await startServerProcess({ deltas: 300, paceMs: options.paceMs, report: true });
  const client = createClient({
    provider: openai({ apiKey: 'bench', baseURL: `${server.url}/v1`, maxRetries: 0 }),
  });
  const latencies: number[] = [];
  const chunksAfter: number[] = [];
  try {
    // The first runs pay for JIT compilation and connection setup: warm up, then measure.
    for (let i = -3, request = 0; i < options.runs; i += 1, request += 1) {
      const decided = { at: 0 };
      const stopAt = 5 + ((Math.abs(i) * 7) % 30);
      const result = await client.generate({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'q' }],
        policy: { policies: [stopAtDelta(stopAt, decided)] },
      });
      if (result.outcome !== 'policy-stop') throw new Error(`abort-latency run ended in ${result.outcome}`);
      const served = await server.served(request);
      if (i < 0) continue;
      latencies.push(served.socketClosedAt - decided.at);
      chunksAfter.push(served.chunkWrittenAt.filter((writtenAt) => writtenAt > decided.at).length);
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
