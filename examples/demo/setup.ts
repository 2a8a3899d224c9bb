import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import { recordChunks, type TraceFile, type TraceRecord } from '@stopwise/replay';
import { createClient, type LanguageModelProvider, type SavingsHistory, type StopwiseClient } from 'stopwise';

/** One of the demo's two clients, and the model it asks for. */
export interface Adapter {
  name: 'openai' | 'anthropic';
  client: StopwiseClient<unknown>;
  /** The model to ask for: the recorded one in replay, a real one live. */
  model: (record: TraceRecord) => string;
}

/**
 * The recorded open models have no list price; the demo prices them like a small hosted model
 * and says so, so that dollars saved show for every answer.
 */
const openModelPrice = { outputPerMTok: 0.6, inputPerMTok: 0.15, currency: 'USD' } as const;

function pricesFor(models: Iterable<string>) {
  const open = [...new Set(models)].filter((model) => model.startsWith('Sky-T1'));
  return Object.fromEntries(open.map((model) => [model, openModelPrice]));
}

const tokensOf = (record: TraceRecord) => recordChunks({ record, model: record.model }).outputTokens;

/**
 * Up to `count` questions, round-robin over the trace files. Per file, an even spread over the
 * lengths from the longest to the shortest: long outputs are where stopping matters (loops,
 * answers that go on, thinking that has converged), so each file's longest is in, up to 30,000
 * tokens of reasoning (the sample's looping AMC output: stopped, it streams a few seconds). The
 * longest outputs alone would be mostly wrong ones, which tells nothing about the stops.
 */
export function pickQuestions(files: readonly TraceFile[], count: number): TraceRecord[] {
  const pools = files.map((file) =>
    file.records
      .filter((record) => tokensOf(record) <= (record.reasoning ? 30000 : 4096))
      .sort((a, b) => tokensOf(b) - tokensOf(a)),
  );
  const perFile = Math.ceil(count / Math.max(1, pools.length));
  const spread = pools.map((pool) => {
    const n = Math.min(perFile, pool.length);
    return Array.from(
      { length: n },
      (_, i) => pool[n === 1 ? 0 : Math.round((i * (pool.length - 1)) / (n - 1))] as TraceRecord,
    );
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

/** Options of {@link replayAdapters} and {@link calibrate}. */
export interface ReplaySetup {
  serverUrl: string;
  profile: string | undefined;
  history: SavingsHistory;
  /** Run every call unstopped, chain in shadow (calibration). */
  holdout?: boolean;
  models?: Iterable<string>;
}

/** The two adapters pointed at the replay server, sharing one savings history. */
export function replayAdapters(setup: ReplaySetup): Adapter[] {
  const options = {
    profile: setup.profile,
    savingsModel: { history: setup.history },
    prices: pricesFor(setup.models ?? []),
    ...(setup.holdout ? { holdout: { fraction: 1 } } : {}),
  };
  const recorded = (record: TraceRecord) => record.model;
  return [
    {
      name: 'openai',
      client: createClient({
        provider: openai({ baseURL: `${setup.serverUrl}/v1`, maxRetries: 0 }),
        ...options,
      }),
      model: recorded,
    },
    {
      name: 'anthropic',
      client: createClient({
        provider: anthropic({
          apiKey: 'replay',
          baseURL: setup.serverUrl,
          defaultMaxTokens: 100_000,
          maxRetries: 0,
        }),
        ...options,
      }),
      model: recorded,
    },
  ];
}

/** Options of {@link calibrate}. */
export interface CalibrateOptions extends ReplaySetup {
  files: readonly TraceFile[];
  /** The demo's own questions: never calibrated on. */
  exclude: readonly TraceRecord[];
  /** Recorded answers run per file. Default 8. */
  perFile?: number;
}

/**
 * Runs other recorded questions of the same files to their end, with the chain in shadow, into
 * the shared history: the holdout calls an app's first traffic would include. Returns how many.
 */
export async function calibrate(options: CalibrateOptions): Promise<number> {
  const skip = new Set(options.exclude.map((record) => record.id));
  const records = options.files.flatMap((file) =>
    file.records.filter((record) => !skip.has(record.id)).slice(0, options.perFile ?? 8),
  );
  const adapters = replayAdapters({ ...options, holdout: true });
  await Promise.all(
    records.map((record, index) => {
      const adapter = adapters[index % adapters.length] as Adapter;
      return adapter.client.generate({ model: record.model, messages: record.messages });
    }),
  );
  return records.length;
}

/** Options of {@link liveAdapters}. */
export interface LiveSetup {
  profile: string | undefined;
  history: SavingsHistory;
  openaiModel: string;
  anthropicModel: string;
}

/** A client per provider whose key is set. */
export function liveAdapters(setup: LiveSetup): Adapter[] {
  const adapters: Adapter[] = [];
  const options = { profile: setup.profile, savingsModel: { history: setup.history } };
  if (process.env.OPENAI_API_KEY) {
    const provider: LanguageModelProvider<unknown> = openai({ apiKey: process.env.OPENAI_API_KEY });
    adapters.push({
      name: 'openai',
      client: createClient({ provider, ...options }),
      model: () => setup.openaiModel,
    });
  }
  if (process.env.ANTHROPIC_API_KEY) {
    const provider: LanguageModelProvider<unknown> = anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
    adapters.push({
      name: 'anthropic',
      client: createClient({ provider, ...options }),
      model: () => setup.anthropicModel,
    });
  }
  return adapters;
}
