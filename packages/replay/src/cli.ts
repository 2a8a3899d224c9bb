#!/usr/bin/env node
/**
 * `stopwise-replay`: serves recorded outputs over the OpenAI and Anthropic wire formats on
 * 127.0.0.1, so any client (stopwise, the official SDKs, curl) runs as against the provider.
 *
 *   stopwise-replay --traces my-traffic.jsonl --port 8787 --tokens-per-second 60
 */
import { exitWithUsage, numberFlag, parseCommandLine } from './cli-args.js';
import { createReplayServer, defaultTokensPerSecond } from './server/replay-server.js';
import { loadTraces } from './traces/load-traces.js';
import { formatTraceProblem } from './traces/read-trace-file.js';
import { sampleTracesDir, sharedTracesDir } from './traces/trace-paths.js';

const usage = `usage: stopwise-replay [--traces PATH] [--port N] [--tokens-per-second N] [--any-prompt] [--quiet]

  --traces PATH            a .jsonl trace file or a folder of them (default: ../shared/traces
                           beside the repository when present, else the package's sample)
  --port N                 port on 127.0.0.1 (default 8787; 0 = any free port)
  --tokens-per-second N    streaming pace (default ${defaultTokensPerSecond}; 0 = as fast as possible)
  --any-prompt             answer a prompt no record has with a recorded output of another
                           prompt (same model when there is one), marked by the response header
                           x-stopwise-replay-fallback and a line here; default: a 404
  --quiet                  print only the URL

Then point a client at it: OpenAI SDKs take baseURL http://127.0.0.1:N/v1, Anthropic's
http://127.0.0.1:N. A request finds its record by its exact messages, or by the header
x-stopwise-trace-id / the body field metadata.stopwise_trace_id.

Code written for OpenAI runs against it unchanged with one variable (the adapter needs no key
for a loopback server):
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 node app.mjs`;

const { values } = parseCommandLine(
  {
    options: {
      traces: { type: 'string' },
      port: { type: 'string', default: '8787' },
      'tokens-per-second': { type: 'string', default: String(defaultTokensPerSecond) },
      quiet: { type: 'boolean', default: false },
      'any-prompt': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const path = values.traces ?? sharedTracesDir() ?? sampleTracesDir;
const port = numberFlag(values.port);
const tokensPerSecond = numberFlag(values['tokens-per-second']);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  exitWithUsage(`--port must be an integer from 0 to 65535, got ${values.port}`, usage);
}
if (!Number.isFinite(tokensPerSecond) || tokensPerSecond < 0) {
  exitWithUsage(
    `--tokens-per-second must be a number ≥ 0 (0: as fast as possible), got ${values['tokens-per-second']}`,
    usage,
  );
}
try {
  const files = await loadTraces({
    path,
    onProblem: (problem) => console.error(`warning: ${formatTraceProblem(problem)}`),
  });
  const records = files.flatMap((file) => file.records);
  const server = await createReplayServer({
    traces: records,
    port,
    tokensPerSecond,
    unseenPrompts: values['any-prompt'] ? 'serve-any' : 'refuse',
    onRequestEnd: (request) => {
      if (request.fallback && !values.quiet) {
        console.log(`no recording of this prompt: served ${request.recordId} (${request.model}) instead`);
      }
    },
  });
  if (values.quiet) console.log(server.url);
  else {
    console.log(`stopwise-replay: ${records.length} records from ${files.length} file(s) in ${path}`);
    console.log(
      `listening on ${server.url} at ${tokensPerSecond || 'full speed'}${tokensPerSecond ? ' tokens/s' : ''}`,
    );
    console.log(`  OpenAI:    baseURL ${server.url}/v1   (POST /v1/chat/completions, /v1/responses)`);
    console.log(`  Anthropic: baseURL ${server.url}      (POST /v1/messages)`);
    console.log(`  try:       OPENAI_BASE_URL=${server.url}/v1 node app.mjs`);
    if (!values['any-prompt'])
      console.log('  prompts with no recording get a 404 (--any-prompt serves a stand-in)');
  }
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Started by another process with an IPC channel (the benchmark): exit when it goes away.
  if (process.send) process.once('disconnect', stop);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
