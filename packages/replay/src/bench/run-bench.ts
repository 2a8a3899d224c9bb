import { anthropic } from '@stopwise/anthropic';
import { openai } from '@stopwise/openai';
import {
  type CallContext,
  type ClientOptions,
  createClient,
  createMemoryTunerEvidence,
  createSavingsHistory,
  defaultLengthHistory,
  findProfile,
  type LanguageModelProvider,
  type StopwiseClient,
} from 'stopwise';
import { userPrompt } from 'stopwise/adapter';
import { stableHash } from '../stable-hash.js';
import { recordChunks } from '../tokens/record-chunks.js';
import type { TraceFile } from '../traces/load-traces.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { capQuantiles, equalCutSet, quantileCaps } from './caps.js';
import { type ColdStartFigures, coldStartCalls, coldStartFigures, coldStartSeed } from './cold-start.js';
import { generationLimit } from './generation-limits.js';
import type { PolicySet } from './policy-sets.js';
import { type RecordOutcome, runRecord } from './run-record.js';
import {
  feedbackLearnSettings,
  type SimulatedCall,
  type SimulatedUserFigures,
  simulatedUserFigures,
  simulatedUserOf,
  verdictOf,
} from './simulated-users.js';
import { type EvaluationSummary, summarize } from './summarize.js';

/** One policy set's totals on one trace file. */
export interface BenchRow {
  /** File name of the traces. */
  traces: string;
  /** The policy set: `none`, a preset, `cap-p50` (a quantile cap), `cap-eq-<preset>` (equal-cut cap). */
  policy: string;
  kind: PolicySet['kind'];
  /** For caps: the output tokens kept at most. */
  capTokens: number | undefined;
  /** For equal-cut caps: the preset whose token reduction the cap matches. */
  matches: string | undefined;
  summary: EvaluationSummary;
  /** The first few calls that ended in an error: `record id: message`. */
  errors: string[];
  /** A `+feedback` tuned set: each simulated user's figures (see `simulated-users.ts`). */
  users?: SimulatedUserFigures[] | undefined;
  /** The first calls of a fresh client, as a new user sees them (none for `none`). */
  coldStart?: ColdStartFigures | undefined;
  /**
   * Set when the row was not run but copied from the row named here: a profile that builds no
   * policy for any record of the file (`off`) runs exactly as `none`; a cap of the same size as
   * another runs exactly as it.
   */
  sameAs?: string | undefined;
}

/** The rows of one trace file. */
export interface BenchFileResult {
  name: string;
  outputs: number;
  rows: BenchRow[];
}

/** One policy set on one trace file: the unit the benchmark schedules. */
export interface BenchJob {
  file: TraceFile;
  set: PolicySet;
}

/** Runs one job and reports each finished call (for progress). */
export type BenchExecutor = (job: BenchJob, onCall: () => void) => Promise<BenchRow>;

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  files: readonly TraceFile[];
  /** Base URL of a replay server serving these records (`createReplayServer` or `stopwise-replay`). */
  serverUrl: string;
  /** Policy sets run on every file (default: none and every registered profile). */
  sets: readonly PolicySet[];
  /** Add fixed caps at quantiles of each file's lengths, and a cap at each preset's token reduction. */
  caps: boolean;
  /** Calls in flight at once within a job (default 8). */
  concurrency?: number | undefined;
  /**
   * Runs jobs elsewhere (worker processes, see `benchWorkers`); default: in this process, one
   * job at a time (a job clears the process-wide adaptive-length history).
   */
  executor?: { run: BenchExecutor; parallel: number } | undefined;
  /** Called after every call: for a progress bar. `total` may shrink once equal-cut caps are known. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called as each file is done, in file order. */
  onFile?: ((result: BenchFileResult) => void) | undefined;
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the results in order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** The two adapters the benchmark alternates between, pointed at the replay server. */
function benchClients(
  serverUrl: string,
  savings: Pick<ClientOptions<LanguageModelProvider>, 'holdout' | 'savingsModel' | 'learn'>,
): [StopwiseClient<unknown>, StopwiseClient<unknown>] {
  // No retries: a replay failure is a bug to see, not to hide. Anthropic requires a cap on every
  // request; set it above any recorded output so the server never cuts one.
  return [
    createClient({
      provider: openai({ apiKey: 'replay', baseURL: `${serverUrl}/v1`, maxRetries: 0 }),
      ...savings,
    }),
    createClient({
      provider: anthropic({
        apiKey: 'replay',
        baseURL: serverUrl,
        maxRetries: 0,
        defaultMaxTokens: 1_000_000,
      }),
      ...savings,
    }),
  ];
}

/** The seed of the call order of `tuned:` sets: fixed, so runs compare. */
export const tunedOrderSeed = 20261203;

/**
 * `items` in a seeded random order (mulberry32). Trace files are in dataset order, which real
 * traffic does not follow, and a learner fed a file in order would be judged on a drifted tail.
 */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return items
    .map((item) => [random(), item] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, item]) => item);
}

/** One output in this many calibrates a policy set's savings estimates (see {@link runJob}). */
export const calibrationEvery = 5;

/**
 * Whether a record is in the calibration sample: a fixed fifth of the file, picked by a hash of
 * its id, so every run and every preset calibrates on the same outputs whatever their order.
 */
export function isCalibrationRecord(record: TraceRecord): boolean {
  return stableHash(record.id) % calibrationEvery === 0;
}

/** Options of {@link runJob}. */
export interface RunJobOptions extends BenchJob {
  serverUrl: string;
  concurrency: number;
  onCall?: (() => void) | undefined;
}

/**
 * Runs every record of a file through stopwise over HTTP under one policy set, alternating the
 * OpenAI (Chat Completions) and the Anthropic adapter between records. The set starts cold:
 * fresh clients, and the process-wide adaptive-length history cleared, so the order in which
 * sets run does not change their results.
 */
export async function runJob(options: RunJobOptions): Promise<BenchRow> {
  const { file, set } = options;
  const history = createSavingsHistory();
  // First what a new user sees: the set on fresh clients, before anything is calibrated.
  const coldStart = set.kind === 'none' ? undefined : await runColdStart(options);
  // Every policy set's savings estimates (presets and fixed caps alike) are calibrated as in
  // production with a holdout: a fixed fifth of the outputs first runs unstopped with the set in
  // shadow, recording where it would have stopped and how long the output really was. Those
  // outputs are then left out of the estimate columns (their truth is in the calibration), not
  // out of reduction and accuracy. Without it a cap's stops have only a bound (no headline).
  // A tuned set counts every call, the ones it learned from included (as in production): no
  // calibration pass before it.
  const calibration =
    set.kind === 'none' || set.kind === 'tuned' ? [] : file.records.filter(isCalibrationRecord);
  // What the calibration pass saw, for the rows' sampling error.
  let calibrated: RecordOutcome[] = [];
  if (calibration.length > 0) {
    defaultLengthHistory.clear();
    const calibrating = benchClients(options.serverUrl, {
      holdout: { fraction: 1 },
      savingsModel: { history },
    });
    calibrated = await mapConcurrent(calibration, options.concurrency, async (record, index) => {
      const outcome = await runRecord({
        client: calibrating[index % 2] as StopwiseClient<unknown>,
        record,
        set,
        maxOutputTokens: generationLimit(record),
      });
      return { ...outcome, text: '', reasoning: undefined };
    });
  }
  // The measured pass starts cold, so the order in which sets run does not change their stops.
  defaultLengthHistory.clear();
  // The two adapters' clients of a tuned set learn into one store of evidence, as instances of
  // one app would through a shared store.
  const feedback = set.kind === 'tuned' && set.feedback === true;
  const clients = benchClients(options.serverUrl, {
    savingsModel: { history },
    learn: learnOf(set),
    holdout: tunedHoldout(set),
  });
  const calibrationIds = new Set(calibration.map((record) => record.id));
  const order = set.kind === 'tuned' ? shuffled(file.records, tunedOrderSeed) : file.records;
  const simulated: SimulatedCall[] = [];
  const outcomes = await mapConcurrent(
    order,
    options.concurrency,
    async (record, index): Promise<RecordOutcome> => {
      const client = clients[index % 2] as StopwiseClient<unknown>;
      const user = feedback ? simulatedUserOf(index) : undefined;
      const outcome = await runRecord({
        client,
        record,
        set,
        maxOutputTokens: generationLimit(record),
        user,
      });
      if (user !== undefined) {
        const verdict = verdictOf(user, outcome);
        const answer = verdict && outcome.callId ? client.feedback(outcome.callId, verdict) : undefined;
        simulated.push({
          user,
          outcome: { ...outcome, text: '', reasoning: undefined },
          step: outcome.tuningStep,
          scope: outcome.tuningScope,
          verdictGiven: verdict !== undefined,
          verdictAccepted: answer?.accepted === true,
        });
      }
      options.onCall?.();
      // Only the totals are kept: the texts of thousands of outputs per set add up.
      return { ...outcome, text: '', reasoning: undefined, calibration: calibrationIds.has(record.id) };
    },
  );
  return {
    traces: file.name,
    policy: set.name,
    kind: set.kind,
    capTokens: set.kind === 'cap' ? set.maxTokens : undefined,
    matches: set.kind === 'cap' ? set.matches : undefined,
    summary: summarize(outcomes, calibrated),
    errors: outcomes
      .filter((outcome) => outcome.outcome === 'error')
      .slice(0, 5)
      .map((outcome) => `${outcome.id}: ${outcome.error}`),
    ...(feedback ? { users: simulatedUserFigures(simulated) } : {}),
    ...(coldStart ? { coldStart } : {}),
  };
}

/** The `learn` options of a tuned set's clients: a fresh store of evidence; none for other sets. */
function learnOf(set: PolicySet): ClientOptions<LanguageModelProvider>['learn'] {
  if (set.kind !== 'tuned') return undefined;
  return { evidence: createMemoryTunerEvidence(), ...(set.feedback === true ? feedbackLearnSettings : {}) };
}

/**
 * A tuned set's holdout draws, keyed on the prompt rather than `Math.random`: the learning floor
 * raises the fraction (0 here), and the same outputs are held out on every run, so a row moves
 * only when the code does. (Which holdouts finish first, and so what the tuner has learnt by a
 * given call, still follows timing under concurrency.)
 */
function tunedHoldout(set: PolicySet): ClientOptions<LanguageModelProvider>['holdout'] {
  if (set.kind !== 'tuned') return undefined;
  return { fraction: 0, random: (call) => stableHash(call.prompt) / 2 ** 32 };
}

/**
 * The cold start (see {@link ColdStartFigures}): the first {@link coldStartCalls} records of a
 * seeded order, one at a time, through fresh clients with default savings options (no holdout;
 * one empty savings history, as one app's), the adaptive-length history cleared first. One at a
 * time, so each call learns from every call before it, whatever the timing.
 */
async function runColdStart(options: RunJobOptions): Promise<ColdStartFigures> {
  const { file, set } = options;
  defaultLengthHistory.clear();
  const clients = benchClients(options.serverUrl, {
    savingsModel: { history: createSavingsHistory() },
    learn: learnOf(set),
    holdout: tunedHoldout(set),
  });
  const first = shuffled(file.records, coldStartSeed).slice(0, coldStartCalls);
  const outcomes: RecordOutcome[] = [];
  for (const [index, record] of first.entries()) {
    const outcome = await runRecord({
      client: clients[index % 2] as StopwiseClient<unknown>,
      record,
      set,
      maxOutputTokens: generationLimit(record),
    });
    outcomes.push({ ...outcome, text: '', reasoning: undefined });
  }
  return coldStartFigures(outcomes);
}

/** Presets cutting less than this share of tokens get no equal-cut cap: it would match `none`. */
export const minEqualCutReduction = 0.01;

/** The caps of a file: at quantiles of its lengths, and one per preset row at its reduction. */
export function capSetsFor(file: TraceFile, rows: readonly BenchRow[]): PolicySet[] {
  const lengths = file.records.map((record) => recordChunks({ record, model: record.model }).outputTokens);
  const equal = rows
    .filter(
      (row) =>
        (row.kind === 'profile' || row.kind === 'tuned') &&
        row.sameAs === undefined &&
        row.summary.tokenReduction >= minEqualCutReduction,
    )
    .map((row) => equalCutSet(row.policy, lengths, row.summary.keptTokens))
    .filter((set): set is PolicySet => set !== undefined);
  return [...quantileCaps(lengths), ...equal];
}

/** True when `profile` builds no policy for any record of `file`: it would run as no policy. */
export function buildsNothing(file: TraceFile, profile: string): boolean {
  const found = findProfile(profile);
  if (!found) return false;
  return file.records.every((record) => {
    const context: CallContext = {
      model: record.model,
      messages: record.messages,
      prompt: userPrompt(record.messages),
      user: undefined,
      profile,
      maxOutputTokens: undefined,
      metadata: {},
      report: () => {},
    };
    try {
      return found.build(context).length === 0;
    } catch {
      return false;
    }
  });
}

/**
 * A queue that runs at most `parallel` jobs at once; a waiting job of an earlier file goes
 * first, so files finish (and print) in order while later files fill idle workers.
 */
function jobPool(run: BenchExecutor, parallel: number, onCall: () => void) {
  const waiting: Array<{ priority: number; start: () => void }> = [];
  let running = 0;
  return async (job: BenchJob, priority: number): Promise<BenchRow> => {
    if (running >= parallel) {
      await new Promise<void>((start) => {
        waiting.push({ priority, start });
      });
    }
    running += 1;
    try {
      return await run(job, onCall);
    } finally {
      running -= 1;
      let next = -1;
      for (const [index, entry] of waiting.entries()) {
        if (next < 0 || entry.priority < (waiting[next]?.priority ?? 0)) next = index;
      }
      if (next >= 0) waiting.splice(next, 1)[0]?.start();
    }
  };
}

/**
 * Runs every file under every policy set (then, with `caps`, the fixed caps, which depend on
 * the presets' results), jobs spread over the executor's workers, and returns the rows per file.
 */
export async function runBench(options: RunBenchOptions): Promise<BenchFileResult[]> {
  const concurrency = options.concurrency ?? 8;
  const presets = options.sets.filter((set) => set.kind === 'profile' || set.kind === 'tuned').length;
  const perFile = options.sets.length + (options.caps ? capQuantiles.length + presets : 0);
  let total = options.files.reduce((sum, file) => sum + file.records.length * perFile, 0);
  let done = 0;
  const onCall = () => {
    done += 1;
    options.onProgress?.(done, total);
  };
  const executor = options.executor ?? {
    parallel: 1,
    run: (job: BenchJob, call: () => void) =>
      runJob({ ...job, serverUrl: options.serverUrl, concurrency, onCall: call }),
  };
  const submit = jobPool(executor.run, executor.parallel, onCall);
  const hasNone = options.sets.some((set) => set.kind === 'none');
  const runFile = async (file: TraceFile, priority: number): Promise<BenchFileResult> => {
    const empty = (set: PolicySet) => hasNone && set.kind === 'profile' && buildsNothing(file, set.profile);
    const ran = await Promise.all(
      options.sets.map((set) => (empty(set) ? undefined : submit({ file, set }, priority))),
    );
    const none = ran.find((row) => row?.kind === 'none');
    const rows = ran.map((row, index): BenchRow => {
      if (row) return row;
      const set = options.sets[index] as PolicySet;
      total -= file.records.length;
      return { ...(none as BenchRow), policy: set.name, kind: set.kind, sameAs: 'none' };
    });
    if (options.caps) {
      const caps = capSetsFor(file, rows);
      // Caps of the same size run once (presets that cut alike get the same equal-cut cap).
      const first = new Map<number, PolicySet>();
      for (const set of caps)
        if (set.kind === 'cap' && !first.has(set.maxTokens)) first.set(set.maxTokens, set);
      total -= file.records.length * (capQuantiles.length + presets - first.size);
      options.onProgress?.(done, total);
      const ran = new Map(
        await Promise.all(
          [...first.values()].map(async (set) => [set.name, await submit({ file, set }, priority)] as const),
        ),
      );
      for (const set of caps) {
        if (set.kind !== 'cap') continue;
        const source = first.get(set.maxTokens) as PolicySet;
        const row = ran.get(source.name) as BenchRow;
        rows.push(
          source === set ? row : { ...row, policy: set.name, matches: set.matches, sameAs: source.name },
        );
      }
    }
    return { name: file.name, outputs: file.records.length, rows };
  };
  // Every file's jobs are queued at once (the pool favours earlier files); results come out in order.
  const pending = options.files.map(runFile);
  for (const result of pending) result.catch(() => {}); // awaited below, in order
  const results: BenchFileResult[] = [];
  for (const result of pending) {
    const finished = await result;
    results.push(finished);
    options.onFile?.(finished);
  }
  return results;
}
