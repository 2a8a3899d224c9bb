/**
 * `pnpm demo`: two dozen real recorded questions through a stopwise client, one line each (where
 * it stopped, what stopwise says it saved in tokens, dollars and seconds, and whether the kept
 * answer is right), then the totals and why the accuracy is what it is. Offline: a replay server
 * on a loopback port plays the committed recordings in the OpenAI and Anthropic wire formats,
 * driven by the official SDKs through the two adapters, in turn.
 *
 *   pnpm demo                      # replay, the balanced profile
 *   pnpm demo --profile realtime   # another preset (--profile none: no policy)
 *   pnpm demo --verbose            # stream every answer as it comes
 *   pnpm demo --live               # the same questions against the real APIs (needs a key)
 */
import { parseArgs } from 'node:util';
import { createReplayServer, loadTraces, recordChunks, sampleTracesDir } from '@stopwise/replay';
import { createSavingsHistory, findProfile, profileNames } from 'stopwise';
import { type Answer, ask } from './demo/ask.js';
import { paint } from './demo/paint.js';
import { type Adapter, calibrate, liveAdapters, pickQuestions, replayAdapters } from './demo/setup.js';
import { printSummary } from './demo/summary.js';

const { values } = parseArgs({
  options: {
    traces: { type: 'string' },
    count: { type: 'string', default: '24' },
    pace: { type: 'string', default: '1000' },
    profile: { type: 'string' },
    live: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'openai-model': { type: 'string', default: 'gpt-4o-mini' },
    'anthropic-model': { type: 'string', default: 'claude-3-5-haiku-latest' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: pnpm demo [--profile NAME|none] [--count N] [--pace TOKENS_PER_S] [--traces PATH] [--verbose]
       pnpm demo --live [--openai-model M] [--anthropic-model M]   (OPENAI_API_KEY / ANTHROPIC_API_KEY)
profiles: ${profileNames().join(', ')}`);
  process.exit(0);
}

const count = Number(values.count);
const pace = Number(values.pace);
if (!Number.isInteger(count) || count < 1 || !Number.isFinite(pace) || pace < 0) {
  console.error('--count must be a positive integer and --pace a number ≥ 0 (0: full speed)');
  process.exit(2);
}
const profile = values.profile === 'none' ? undefined : (values.profile ?? 'balanced');
if (profile !== undefined && !findProfile(profile)) {
  console.error(`unknown profile ${profile}; registered: ${profileNames().join(', ')}`);
  process.exit(2);
}

const files = await loadTraces({ path: values.traces ?? sampleTracesDir });
const questions = pickQuestions(files, count);
// One savings history for every client, calibration included: what one app's clients would share.
const history = createSavingsHistory();
const models = files.flatMap((file) => file.records.map((record) => record.model));
let adapters: Adapter[];
let close = async () => {};
if (values.live) {
  adapters = liveAdapters({
    profile,
    history,
    openaiModel: values['openai-model'] as string,
    anthropicModel: values['anthropic-model'] as string,
  });
  if (adapters.length === 0) {
    console.error('--live needs OPENAI_API_KEY or ANTHROPIC_API_KEY in the environment.');
    process.exit(2);
  }
  console.log(
    paint.bold(
      `stopwise demo, live: ${questions.length} recorded questions against ${adapters.map((a) => a.name).join(' and ')}`,
    ),
  );
} else {
  const server = await createReplayServer({
    traces: files.flatMap((file) => file.records),
    tokensPerSecond: pace,
  });
  close = () => server.close();
  adapters = replayAdapters({ serverUrl: server.url, profile, history, models });
  const speed = pace ? `${pace} tokens/s` : 'full speed';
  console.log(
    paint.bold(
      `stopwise demo: ${questions.length} recorded questions, replayed offline at ${speed} from ${server.url}`,
    ),
  );
  // Savings are estimated from calls that ran to their end (holdouts): run a few other recorded
  // questions that way first, as an app's first holdout calls would.
  const held = await calibrate({
    files,
    exclude: questions,
    serverUrl: server.url,
    profile,
    history,
    models,
  });
  console.log(
    paint.dim(`savings calibrated on ${held} other recorded answers run to their end (holdout calls)`),
  );
}
console.log(
  paint.dim(
    `profile ${profile ?? 'none (no policy)'}; adapters ${adapters.map((a) => a.name).join(' and ')} in turn; ` +
      'Sky-T1 (an open model with no list price) priced at $0.60 per million output tokens',
  ),
);

const answers: Answer[] = [];
try {
  for (const [index, record] of questions.entries()) {
    const adapter = adapters[index % adapters.length] as Adapter;
    const fullTokens = values.live ? undefined : recordChunks({ record, model: record.model }).outputTokens;
    answers.push(
      await ask({ index, total: questions.length, record, adapter, fullTokens, verbose: values.verbose }),
    );
  }
} finally {
  await close();
}
printSummary({ answers, adapters, profile, pace: values.live ? undefined : pace });
if (values.traces === undefined) {
  console.log(
    paint.dim(
      "note: the committed sample over-represents wrong answers on purpose, to cover every rule of the scorers (packages/replay/fixtures/traces/README.md); the full files' accuracy is 0.39-0.93",
    ),
  );
}
