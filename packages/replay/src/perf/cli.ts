/**
 * `pnpm bench:perf`: what stopwise costs at import and in the hot path. Prints figures; asserts
 * nothing (the machines are shared and noisy: read ratios measured in one run). `--quick` for a
 * smaller run, `--json FILE` to write the figures (field names in the README), `--imports-only`
 * for the import costs alone (seconds, where the whole run takes minutes).
 */
import { exitWithUsage, parseCommandLine } from '../cli-args.js';
import { outputFileProblem, writeOutputFile } from '../write-output-file.js';
import { measureAbortLatency } from './abort-latency.js';
import { measureAiSdkOverhead } from './ai-sdk-overhead.js';
import { shadowedProfileChain } from './balanced-chain.js';
import { measureConcurrency } from './concurrency.js';
import { type ImportFigures, measureImportCost } from './import-cost.js';
import { measureOverhead, type OverheadFigures } from './overhead.js';
import { measureScaling } from './scaling.js';
import { startServerProcess } from './server-process.js';

const usage = `usage: pnpm bench:perf [--quick] [--imports-only] [--json FILE]

  --quick          a smaller run (fewer streams and rounds)
  --imports-only   only the import costs (seconds; the whole run takes minutes)
  --json FILE      also write the figures to FILE`;
// Not bare `parseArgs`: a misspelt flag gets the problem and the usage, not a stack trace.
const { values } = parseCommandLine(
  {
    options: {
      json: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'imports-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
// Checked before the run (minutes), not found out by a stack trace at its end.
const jsonProblem = values.json === undefined ? undefined : outputFileProblem('--json', values.json);
if (jsonProblem !== undefined) exitWithUsage(jsonProblem, usage);
const quick = values.quick ?? false;
// Overhead and concurrency call with the profile itself, the path production takes (the chain
// resolved and built per call). Scaling times the same chain's steps, so it wraps it in shadow.
const profile = 'balanced';
const policy = () => ({ profile });
const chain = shadowedProfileChain(profile);
console.log(
  `stopwise bench:perf${quick ? ' (quick)' : ''}: the ${profile} profile (scaling: ${chain.description})`,
);
console.log(
  `node ${process.version}, ${process.platform}/${process.arch}; garbage collection ${globalThis.gc ? 'exposed' : 'not exposed'}\n`,
);

// First, before this process has warmed any cache the children share: each import is measured in
// fresh processes of its own.
const imports = await measureImportCost({ runs: quick ? 3 : 9 });
printImports(imports);
if (values['imports-only']) {
  if (values.json) writeOutputFile(values.json, `${JSON.stringify({ imports }, null, 2)}\n`);
  process.exit(0);
}

const chunksPerStream = 300;
const server = await startServerProcess({ deltas: chunksPerStream, paceMs: 0 });
try {
  const overhead = await measureOverhead({
    baseURL: server.url,
    streams: quick ? 40 : 200,
    rounds: quick ? 4 : 10,
    chunksPerStream,
    policy,
    // The tuner's own cost: a client that learns, with the default holdout floor (5%), so some
    // calls also replay the ladder after they end.
    learn: {},
  });
  printOverhead('openai', overhead);
  console.log(
    `with the online tuner on (learn): cpu ${overhead.learnCpuRatio} of the same client without it, ${overhead.tunerCpuRatio} of a client holding out the same share of calls without learning (the tuner's own work; target ≤ 1.05)\n`,
  );
  const anthropicOverhead = await measureOverhead({
    baseURL: server.url,
    provider: 'anthropic',
    streams: quick ? 40 : 200,
    rounds: quick ? 4 : 10,
    chunksPerStream,
    policy,
  });
  printOverhead('@anthropic-ai/sdk', anthropicOverhead);

  const aiSdkOverhead = await measureAiSdkOverhead({
    baseURL: server.url,
    streams: quick ? 40 : 200,
    rounds: quick ? 4 : 10,
    chunksPerStream,
    profile,
  });
  console.log(
    'Overhead of @stopwise/ai-sdk against the same AI SDK model unwrapped (streamText over @ai-sdk/openai chat):',
  );
  console.table({
    'streamText, unwrapped': { wallMs: aiSdkOverhead.plainWallMs, cpuMs: aiSdkOverhead.plainCpuMs },
    [`streamText, stopwiseMiddleware ${profile}`]: {
      wallMs: aiSdkOverhead.wrappedWallMs,
      cpuMs: aiSdkOverhead.wrappedCpuMs,
    },
  });
  console.log(
    `ratio wall ${aiSdkOverhead.wallRatio}, cpu ${aiSdkOverhead.cpuRatio} (${roundsText(aiSdkOverhead.cpuRatioRounds)}) over ${aiSdkOverhead.streams} streams of ${chunksPerStream} chunks (target < 1.1)\n`,
  );

  // The same comparison at a pace hosted models never reach (1,000 chunks a second): what the
  // overhead costs an application in time once the stream is not instantaneous.
  const pacedServer = await startServerProcess({ deltas: chunksPerStream, paceMs: 1 });
  let pacedOverhead: OverheadFigures;
  try {
    pacedOverhead = await measureOverhead({
      baseURL: pacedServer.url,
      streams: quick ? 8 : 40,
      rounds: quick ? 2 : 4,
      chunksPerStream,
      policy,
    });
  } finally {
    await pacedServer.close();
  }
  console.log(
    `At 1 ms a chunk: ratio wall ${pacedOverhead.wallRatio}, cpu ${pacedOverhead.cpuRatio} over ${pacedOverhead.streams} streams (raw ${pacedOverhead.rawWallMs} ms wall); the chain alone: cpu ${pacedOverhead.chainCpuRatio}, ${pacedOverhead.chainUsPerChunk} µs a chunk\n`,
  );

  const scaling = await measureScaling({
    shortTokens: 1_000,
    longTokens: 100_000,
    repeats: quick ? 1 : 3,
    chain: chain.create,
  });
  console.log('Scaling (policy chain time per chunk):');
  console.log(
    `${scaling.shortTokens} tokens: ${scaling.shortUsPerChunk} µs/chunk; ${scaling.longTokens} tokens: ${scaling.longUsPerChunk} µs/chunk; ratio ${scaling.ratio} (target ≤ 1.2)\n`,
  );

  const latency = await measureAbortLatency({ runs: quick ? 30 : 200, paceMs: 5 });
  console.log(
    'Abort latency (policy decision to the server, in another process, seeing the socket close; 5 ms pacing):',
  );
  console.log(
    `p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms over ${latency.runs} runs (target p99 ≤ 5 ms)`,
  );
  console.log(
    `chunks written after the decision: p50 ${latency.chunksAfterDecisionP50}, max ${latency.chunksAfterDecisionMax} (target ≤ 1)\n`,
  );

  const concurrency = await measureConcurrency({
    baseURL: `${server.url}/v1`,
    // The largest level twice: memory after the second run is the steady state, not a ramp.
    levels: quick ? [1, 100, 100] : [1, 100, 1_000, 1_000],
    minStreams: quick ? 100 : 1_000,
    policy,
  });
  console.log('Concurrency (one client, server in another process, 300-chunk streams at pace 0):');
  console.table(concurrency);

  if (values.json) {
    writeOutputFile(
      values.json,
      `${JSON.stringify({ imports, profile, scalingChain: chain.description, overhead, anthropicOverhead, aiSdkOverhead, pacedOverhead, scaling, abortLatency: latency, concurrency }, null, 2)}\n`,
    );
    console.log(`figures written to ${values.json}`);
  }
} finally {
  await server.close();
}

/** A ratio's per-round range, for the printed lines. */
function roundsText([low, high]: [number, number]): string {
  return `${low}-${high} round by round`;
}

function printOverhead(sdk: string, figures: OverheadFigures): void {
  console.log(`Overhead against ${sdk} (same replayed streams, sequential; client process only):`);
  console.table({
    [`raw ${sdk}`]: { wallMs: figures.rawWallMs, cpuMs: figures.rawCpuMs },
    [`stopwise, ${profile}`]: { wallMs: figures.stopwiseWallMs, cpuMs: figures.stopwiseCpuMs },
    'stopwise, no policy': { wallMs: figures.noPolicyWallMs, cpuMs: figures.noPolicyCpuMs },
  });
  console.log(
    `ratio wall ${figures.wallRatio}, cpu ${figures.cpuRatio} (${roundsText(figures.cpuRatioRounds)}) over ${figures.streams} streams of ${chunksPerStream} chunks (target ≤ 1.05)`,
  );
  console.log(
    `the ${profile} chain alone: cpu ${figures.chainCpuRatio} of stopwise with no policy, ${figures.chainUsPerChunk} µs a chunk (stopwise reads SSE faster than the SDK's Stream, which the ratios above include)\n`,
  );
}

function printImports(figures: ImportFigures | undefined): void {
  if (figures === undefined) {
    console.log(
      'Import cost: not measured, the packages are not built (run `pnpm build`; sources through a TypeScript loader would measure the loader)\n',
    );
    return;
  }
  console.log(
    `Import cost (built packages, ESM; median of ${figures.runs} fresh processes each; memory after import and a full GC; node alone: ${figures.node.heapMB} MB heap, ${figures.node.rssMB} MB RSS):`,
  );
  const rows: Record<string, { importMs: number; heapMB: number; rssMB: number }> = {};
  for (const { stopwise, sdk } of figures.comparisons) {
    for (const cost of [stopwise, sdk]) {
      rows[cost.specifier] = { importMs: cost.importMs, heapMB: cost.heapMB, rssMB: cost.rssMB };
    }
  }
  console.table(rows);
  for (const { stopwise, sdk, timeRatio, heapRatio, rssRatio } of figures.comparisons) {
    console.log(
      `${stopwise.specifier} against ${sdk.specifier} alone: time ${timeRatio}, heap ${heapRatio}, RSS ${rssRatio} (target ≤ 1.3)`,
    );
  }
  console.log('');
}
