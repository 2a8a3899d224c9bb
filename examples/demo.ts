/**
 * `pnpm demo`: two dozen real recorded questions through a stopwise client, streamed to the
 * terminal with every stop marked, then what the stops saved. Offline: a replay server on a
 * loopback port plays the committed recordings in the OpenAI and Anthropic wire formats, driven
 * by the official SDKs through the two adapters, in turn.
 *
 *   pnpm demo                      # replay, default profile
 *   pnpm demo --profile realtime   # another preset (--profile none: no policy)
 *   pnpm demo --live               # the same questions against the real APIs (needs a key)
 */
import { parseArgs } from 'node:util';
import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import {
  createReplayServer,
  formatTable,
  keptTexts,
  loadTraces,
  recordChunks,
  sampleTracesDir,
  scoreText,
  type TraceRecord,
} from '@stopwise/replay';
import {
  createClient,
  findProfile,
  type LanguageModelProvider,
  profileNames,
  type StopwiseClient,
  type StreamPart,
} from 'stopwise';

const { values } = parseArgs({
  options: {
    traces: { type: 'string' },
    count: { type: 'string', default: '24' },
    pace: { type: 'string', default: '1000' },
    profile: { type: 'string' },
    live: { type: 'boolean', default: false },
    'openai-model': { type: 'string', default: 'gpt-4o-mini' },
    'anthropic-model': { type: 'string', default: 'claude-3-5-haiku-latest' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: pnpm demo [--profile NAME|none] [--count N] [--pace TOKENS_PER_S] [--traces PATH] [--quiet]
       pnpm demo --live [--openai-model M] [--anthropic-model M]   (OPENAI_API_KEY / ANTHROPIC_API_KEY)
profiles: ${profileNames().join(', ')}`);
  process.exit(0);
}

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = (text: string) => paint('2', text);
const bold = (text: string) => paint('1', text);
const red = (text: string) => paint('1;31', text);
const green = (text: string) => paint('32', text);

const count = Number(values.count);
const pace = Number(values.pace);
const profile =
  values.profile === 'none'
    ? undefined
    : (values.profile ?? (findProfile('balanced') ? 'balanced' : undefined));
if (profile !== undefined && !findProfile(profile)) {
  console.error(`unknown profile ${profile}; registered: ${profileNames().join(', ')}`);
  process.exit(2);
}

/**
 * Up to `count` questions, round-robin over the trace files. Per file, a spread of lengths
 * starting with the longest (long outputs are where stopping matters: loops, answers that go on,
 * thinking that has converged), leaving out the very long ones to keep the demo short.
 */
function pickQuestions(files: Awaited<ReturnType<typeof loadTraces>>): TraceRecord[] {
  const tokens = (record: TraceRecord) => recordChunks({ record, model: record.model }).outputTokens;
  const pools = files.map((file) =>
    file.records
      .filter((record) => tokens(record) <= (record.reasoning ? 4000 : 4096))
      .sort((a, b) => tokens(b) - tokens(a)),
  );
  const perFile = Math.ceil(count / Math.max(1, pools.length));
  const spread = pools.map((pool) => {
    const n = Math.min(perFile, pool.length);
    return Array.from({ length: n }, (_, i) => pool[Math.floor((i * pool.length) / n)] as TraceRecord);
  });
  const picked: TraceRecord[] = [];
  for (let round = 0; round < perFile; round += 1) {
    for (const pool of spread) {
      const record = pool[round];
      if (record && picked.length < count) picked.push(record);
    }
  }
  return picked;
}

/** `gsm8k/gpt-4o-mini-2024-07-18/base-cot/117` as `gsm8k gpt-4o-mini #117`. */
function label(record: TraceRecord): string {
  const [dataset, model = ''] = record.id.split('/');
  const number = /(\d+)$/.exec(record.id)?.[1] ?? '';
  return `${dataset} ${model.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-math-correct-5K/, '')} #${number}`;
}

interface Adapter {
  name: string;
  client: StopwiseClient<unknown>;
  /** The model to ask for: the recorded one in replay, a real one live. */
  model: (record: TraceRecord) => string;
}

function liveAdapters(): Adapter[] {
  const adapters: Adapter[] = [];
  const options = { profile };
  if (process.env.OPENAI_API_KEY) {
    const provider: LanguageModelProvider<unknown> = openai({ apiKey: process.env.OPENAI_API_KEY });
    adapters.push({
      name: 'openai',
      client: createClient({ provider, ...options }),
      model: () => values['openai-model'] ?? 'gpt-4o-mini',
    });
  }
  if (process.env.ANTHROPIC_API_KEY) {
    const provider: LanguageModelProvider<unknown> = anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
    adapters.push({
      name: 'anthropic',
      client: createClient({ provider, ...options }),
      model: () => values['anthropic-model'] ?? 'claude-3-5-haiku-latest',
    });
  }
  return adapters;
}

interface Row {
  question: string;
  via: string;
  fullTokens: number | undefined;
  keptTokens: number;
  estimated: number | undefined;
  stoppedBy: string;
  fullCorrect: boolean | undefined;
  keptCorrect: boolean | undefined;
}

/** Streams one question, printing the text as it comes and marking a stop. */
async function ask(index: number, total: number, record: TraceRecord, adapter: Adapter): Promise<Row> {
  const question = record.messages.at(-1)?.content.replace(/\s+/g, ' ') ?? '';
  console.log(bold(`\n[${index + 1}/${total}] ${record.id} via ${adapter.name}`));
  console.log(dim(`Q: ${question.length > 160 ? `${question.slice(0, 157)}...` : question}`));
  const run = adapter.client.stream({ model: adapter.model(record), messages: record.messages });
  let phase: string | undefined;
  for await (const part of run as AsyncIterable<StreamPart>) {
    if (part.type === 'reasoning-delta' || part.type === 'text-delta') {
      if (values.quiet) continue;
      if (phase !== part.type) {
        process.stdout.write(
          part.type === 'reasoning-delta' ? dim('[thinking] ') : `${phase ? '\n' : ''}${bold('A: ')}`,
        );
        phase = part.type;
      }
      process.stdout.write(part.type === 'reasoning-delta' ? dim(part.delta) : part.delta);
    } else if (part.type === 'policy-stop') {
      const retracted = part.retractedChars > 0 ? ` (last ${part.retractedChars} chars shown were cut)` : '';
      process.stdout.write(
        `\n${red(`■ stopped by ${part.policy}: ${part.reason}`)} at token ${part.atToken}${retracted}`,
      );
    } else if (part.type === 'error') {
      process.stdout.write(`\n${red(`✗ ${part.error.message}`)}`);
    }
  }
  const result = await run.result;
  const live = values.live;
  const fullTokens = live ? undefined : recordChunks({ record, model: record.model }).outputTokens;
  const keptTokens =
    result.outcome === 'policy-stop' ? result.stop.atToken : (result.usage.outputTokens ?? 0);
  const scorable = record.gold !== undefined && record.scorer !== undefined;
  const keptCorrect = scorable
    ? scoreText({
        record: { scorer: record.scorer as never, gold: record.gold as string },
        ...keptTexts(result),
      })
    : undefined;
  const fullCorrect =
    scorable && !live
      ? scoreText({
          record: { scorer: record.scorer as never, gold: record.gold as string },
          text: record.output,
          reasoning: record.reasoning,
        })
      : undefined;
  const verdict = keptCorrect === undefined ? '' : keptCorrect ? green(' ✓ correct') : red(' ✗ wrong');
  console.log(
    `\n${dim(`${result.outcome}, ${keptTokens}${fullTokens ? ` of ${fullTokens}` : ''} output tokens`)}${verdict}`,
  );
  return {
    question: label(record),
    via: adapter.name,
    fullTokens,
    keptTokens,
    estimated: result.outcome === 'policy-stop' ? (result.savings.tokensSaved ?? undefined) : undefined,
    stoppedBy: result.stop?.policy.replace(/\(.*\)$/, '') ?? '-',
    fullCorrect,
    keptCorrect,
  };
}

function printSummary(rows: readonly Row[]): void {
  const mark = (value: boolean | undefined) => (value === undefined ? '' : value ? 'yes' : 'no');
  const table = rows.map((row) => [
    row.question,
    row.via,
    row.fullTokens === undefined ? '?' : String(row.fullTokens),
    String(row.keptTokens),
    row.fullTokens === undefined
      ? row.estimated === undefined
        ? '0'
        : `~${Math.round(row.estimated)}`
      : String(row.fullTokens - row.keptTokens),
    row.stoppedBy,
    mark(row.fullCorrect),
    mark(row.keptCorrect),
  ]);
  const full = rows.reduce((sum, row) => sum + (row.fullTokens ?? 0), 0);
  const kept = rows.reduce((sum, row) => sum + row.keptTokens, 0);
  const right = (pick: (row: Row) => boolean | undefined) => rows.filter((row) => pick(row) === true).length;
  table.push([
    'total',
    '',
    String(full || '?'),
    String(kept),
    full ? String(full - kept) : '',
    `${rows.filter((r) => r.stoppedBy !== '-').length} stops`,
    String(right((r) => r.fullCorrect)),
    String(right((r) => r.keptCorrect)),
  ]);
  console.log(bold('\nWhat the stops saved'));
  console.log(
    formatTable(
      ['question', 'via', 'full tokens', 'kept tokens', 'saved', 'stopped by', 'full right', 'kept right'],
      table,
    ),
  );
  if (full > 0) {
    console.log(
      `\n${bold(`${(((full - kept) / full) * 100).toFixed(1)}% of output tokens saved`)}, ${right((r) => r.fullCorrect)} → ${right((r) => r.keptCorrect)} correct answers (profile ${profile ?? 'none'}).`,
    );
  }
}

const files = await loadTraces({ path: values.traces ?? sampleTracesDir });
const questions = pickQuestions(files);
let adapters: Adapter[];
let close = async () => {};
if (values.live) {
  adapters = liveAdapters();
  if (adapters.length === 0) {
    console.error('--live needs OPENAI_API_KEY or ANTHROPIC_API_KEY in the environment.');
    process.exit(2);
  }
  console.log(
    bold(
      `stopwise demo, live: ${questions.length} recorded questions against ${adapters.map((a) => a.name).join(' and ')}`,
    ),
  );
} else {
  const server = await createReplayServer({
    traces: files.flatMap((file) => file.records),
    tokensPerSecond: pace,
  });
  close = () => server.close();
  const options = { profile };
  adapters = [
    {
      name: 'openai',
      client: createClient({
        provider: openai({ apiKey: 'replay', baseURL: `${server.url}/v1` }),
        ...options,
      }),
      model: (r) => r.model,
    },
    {
      name: 'anthropic',
      client: createClient({
        provider: anthropic({ apiKey: 'replay', baseURL: server.url, defaultMaxTokens: 100_000 }),
        ...options,
      }),
      model: (r) => r.model,
    },
  ];
  console.log(
    bold(
      `stopwise demo: ${questions.length} recorded questions, replayed offline at ${pace || 'full speed'}${pace ? ' tokens/s' : ''} from ${server.url}`,
    ),
  );
}
console.log(
  dim(
    `profile: ${profile ?? 'none (no policy)'}; adapters: ${adapters.map((a) => a.name).join(', ')}, in turn`,
  ),
);
const started = performance.now();
const rows: Row[] = [];
try {
  for (const [index, record] of questions.entries()) {
    rows.push(await ask(index, questions.length, record, adapters[index % adapters.length] as Adapter));
  }
} finally {
  await close();
}
printSummary(rows);
console.log(dim(`${((performance.now() - started) / 1000).toFixed(1)} s`));
