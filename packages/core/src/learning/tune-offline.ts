import { createMemoryLengthHistory, type LengthHistoryStore } from '../adaptive/length-history.js';
import { anyOf, shadow } from '../combinators.js';
import { ConfigError } from '../errors.js';
import type { Message } from '../messages.js';
import { rejectUnknownOptions } from '../option-names.js';
import { loadRegexEngine } from '../policies/linear-engine.js';
import type { CallContext, StopPolicy } from '../policy.js';
import type { ProfileDefinition } from '../profiles/define-profile.js';
import { profileSettings } from '../profiles/define-profile.js';
import { buildPolicies } from '../profiles/sections.js';
import type { ProfileOverrides, ProfileSettings } from '../profiles/settings.js';
import { type TokenCounter, tokenCounterFor } from '../token-counter.js';
import { chooseStep, type StepStanding } from './choose-step.js';
import { defaultLadder } from './ladder.js';
import { observeLadder, type StepObservation } from './observe-ladder.js';
import { replayInShadow, type ShadowOutput } from './shadow-replay.js';
import { type LearnOptions, validateLearnOptions } from './tuner.js';
import { createMemoryTunerEvidence, type StepDelta } from './tuner-evidence.js';
import { tuningKeys } from './tuning-keys.js';

/** One recorded call that ran to its end: what the offline tuner replays. */
export interface RecordedCall {
  /** A stable id: the held-out split is made by its hash. */
  readonly id: string;
  readonly model: string;
  readonly messages: readonly Message[];
  readonly output: string;
  readonly reasoning?: string | undefined;
  readonly user?: string | undefined;
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
}

/** Options of {@link tuneOffline}. */
export interface TuneOfflineOptions {
  /**
   * The traffic, in the order it was served: each record's length budgets come from the records
   * before it, as a live call's come from the calls before.
   */
  readonly records: readonly RecordedCall[];
  /** The profile to tune (a settings profile: a preset or one made with `defineProfile`). */
  readonly profile: string;
  readonly learn?: Omit<LearnOptions, 'evidence' | 'minUsers'> | undefined;
  /** Share of records held out to report on (never tuned on). Default 0.2. */
  readonly heldOutShare?: number | undefined;
  /** Called after each record is replayed, for a progress bar. */
  readonly onRecord?: ((done: number, total: number) => void) | undefined;
}

/** What a step did on the held-out records. */
export interface HeldOutFigures {
  readonly records: number;
  /** Records with an explicit answer, on which a loss can be judged. */
  readonly judged: number;
  readonly fullTokens: number;
  readonly tokensSaved: number;
  /** `tokensSaved / fullTokens`. */
  readonly tokenReduction: number;
  /** Judged records whose answer the stop lost, over judged records. */
  readonly lossRate: number | null;
}

/** One bucket's tuned step and the evidence behind it. */
export interface TunedBucket {
  readonly step: number;
  readonly records: number;
  readonly standings: readonly StepStanding[];
}

/** The result of {@link tuneOffline}, written as JSON by `stopwise-tune`. */
export interface TunedProfile {
  readonly profile: string;
  readonly risk: number;
  readonly confidence: number;
  readonly minSamples: number;
  /** The ladder the steps index. */
  readonly ladder: readonly ProfileOverrides[];
  /** The profile's own step on it. */
  readonly home: number;
  /** The step certified over every bucket pooled: the one `definition` uses. */
  readonly pooled: TunedBucket;
  /** Per bucket (model, task, profile): the step its own evidence certifies. */
  readonly buckets: Readonly<Record<string, TunedBucket>>;
  /** Loadable as it is: `defineProfile('balanced-tuned', tuned.definition)`. */
  readonly definition: ProfileDefinition;
  /** Held-out figures of the profile as it is, of the pooled step, and of each bucket's step. */
  readonly report: {
    readonly static: HeldOutFigures;
    readonly pooled: HeldOutFigures;
    readonly perBucket: HeldOutFigures;
  };
}

/**
 * Tunes a profile from recorded traffic (calls that ran to their end): every training record
 * is replayed once per ladder step (see `observeLadder`), each bucket gets the most aggressive
 * step certified at `risk` with `confidence` (fixed-sequence, as online), and the steps are
 * reported on a held-out share of the records the tuning never saw. Adaptive length replays
 * warm: every record, once replayed, is learnt into a length history of this run's own (never
 * the profile's store), so the budgets later records meet are the ones a live client would
 * set. Asynchronous only to load the tokenizer tables its records' models need and the regex
 * engine (on first use, not at import): the replays count tokens exactly as the runner does.
 */
export async function tuneOffline(options: TuneOfflineOptions): Promise<TunedProfile> {
  const { records } = options;
  if (Array.isArray(records)) {
    const models = new Set(
      records.map((record) => record?.model).filter((model) => typeof model === 'string'),
    );
    await Promise.all([...models].map((model) => tokenCounterFor(model).load()));
  }
  // The replays run chains synchronously, and a profile's or a prompt's regex needs the engine.
  await loadRegexEngine();
  return tuneLoaded(options);
}

function tuneLoaded(options: TuneOfflineOptions): TunedProfile {
  const { records, profile } = options;
  // A misspelt name (`minSample`) would otherwise tune at the default, silently.
  if (options.learn !== undefined) rejectUnknownOptions('learn', options.learn, offlineLearnNames);
  const { risk, confidence, minSamples } = validateLearnOptions('learn', { ...options.learn, minUsers: 1 });
  const heldOutShare = options.heldOutShare ?? 0.2;
  if (!(heldOutShare >= 0 && heldOutShare < 1))
    throw new ConfigError('heldOutShare', `must be a number in [0, 1), got ${String(heldOutShare)}`);
  if (!Array.isArray(records) || records.length === 0)
    throw new ConfigError('records', 'must be a non-empty array of recorded calls');
  records.forEach(checkRecord);
  // The replays' adaptive-length budgets come from the records before them, as a live client's
  // come from the calls before: a history of this run's own, filled in record order.
  const settings = withLengthStore(profileSettings('profile', profile), createMemoryLengthHistory());
  const ladder = defaultLadder(settings);
  const steps = ladder.steps.length;
  const risky = { risk, confidence, minSamples };
  const evidence = createMemoryTunerEvidence();
  const heldOut: Array<{ bucket: string; observations: StepObservation[]; fullTokens: number }> = [];
  const bucketRecords = new Map<string, number>();
  records.forEach((record, index) => {
    const call = callOf(record, profile);
    const { bucket } = tuningKeys(call);
    const counter = tokenCounterFor(record.model);
    const fullTokens = counter.count(record.reasoning ?? '') + counter.count(record.output);
    const output = { reasoning: record.reasoning ?? '', text: record.output };
    const observations = observeLadder({ settings, ladder, call, output, finalTokens: fullTokens, counter });
    learnLengths({ settings, call, output, fullTokens, counter });
    if (isHeldOut(record.id, heldOutShare)) heldOut.push({ bucket, observations, fullTokens });
    else {
      const deltas = judgedDeltas(observations);
      evidence.add(bucket, deltas);
      evidence.add('*', deltas);
      bucketRecords.set(bucket, (bucketRecords.get(bucket) ?? 0) + 1);
    }
    options.onRecord?.(index + 1, records.length);
  });
  const tuned = (key: string, records: number): TunedBucket => {
    const totals = evidence.read(key, steps);
    const { standings } = chooseStep({
      evidence: totals,
      current: ladder.home,
      home: ladder.home,
      settings: risky,
    });
    // Offline there is no live traffic to protect: take the certified prefix at once.
    let step = -1;
    while (step + 1 < steps && standings[step + 1]?.passes) step += 1;
    const enough = (standings[0]?.observations ?? 0) >= minSamples;
    return { step: step >= 0 ? step : enough ? 0 : ladder.home, records, standings };
  };
  const pooled = tuned(
    '*',
    [...bucketRecords.values()].reduce((a, b) => a + b, 0),
  );
  const buckets = Object.fromEntries([...bucketRecords].map(([key, count]) => [key, tuned(key, count)]));
  const stepOf = (bucket: string) => {
    const own = buckets[bucket];
    return own && (own.standings[0]?.observations ?? 0) >= minSamples ? own.step : pooled.step;
  };
  return {
    profile,
    risk,
    confidence,
    minSamples,
    ladder: ladder.steps,
    home: ladder.home,
    pooled,
    buckets,
    definition: {
      extends: profile,
      description: `${profile}, tuned offline at risk ${risk} (confidence ${confidence}) on ${records.length - heldOut.length} recorded calls`,
      ...(ladder.steps[pooled.step] as ProfileOverrides),
    },
    report: {
      static: figures(heldOut, () => ladder.home),
      pooled: figures(heldOut, () => pooled.step),
      perBucket: figures(heldOut, stepOf),
    },
  };
}

/** `settings` with its adaptive-length budgets read from, and learnt into, `store`. */
function withLengthStore(settings: ProfileSettings, store: LengthHistoryStore): ProfileSettings {
  return settings.adaptiveLength === false
    ? settings
    : { ...settings, adaptiveLength: { ...settings.adaptiveLength, store } };
}

/**
 * Records a call's lengths in the replay's length history, as a live call that ended on its own
 * does: the profile's own chain, in shadow (it never stops), sees the whole output, then ends
 * naturally, so adaptive length learns exactly what it would have (its keys, the prompt's
 * budget scale, both phases).
 */
function learnLengths(options: {
  settings: ProfileSettings;
  call: CallContext;
  output: ShadowOutput;
  fullTokens: number;
  counter: TokenCounter;
}): void {
  const { settings, call, output, counter } = options;
  if (settings.adaptiveLength === false) return;
  const policies = buildPolicies(settings, call).map((built) => built.policy);
  if (policies.length === 0) return;
  const chain = shadow(policies.length === 1 ? (policies[0] as StopPolicy) : anyOf(...policies));
  replayInShadow({ policy: chain, call, output, counter });
  chain.end?.({
    outcome: 'finish',
    outputTokens: options.fullTokens,
    natural: true,
    stoppedBy: undefined,
  });
}

function callOf(record: RecordedCall, profile: string): CallContext {
  return {
    model: record.model,
    messages: record.messages,
    prompt: record.messages
      .filter((message) => message.role === 'user')
      .map((message) => (typeof message.content === 'string' ? message.content : ''))
      .join('\n'),
    user: record.user,
    profile,
    maxOutputTokens: undefined,
    metadata: record.metadata ?? {},
    report: () => {},
  };
}

function judgedDeltas(observations: readonly StepObservation[]): StepDelta[] {
  return observations
    .filter((observation) => observation.judged)
    .map((observation) => ({
      step: observation.step,
      observations: 1,
      lost: observation.answerKept ? 0 : 1,
      tokensSaved: observation.tokensSaved,
    }));
}

const offlineLearnNames = ['risk', 'confidence', 'minSamples'] as const;

/**
 * A record the replays can read, or a `ConfigError` naming the record and the field (records
 * built by hand, not read by `stopwise-tune`, which checks its files, met a TypeError mid-run).
 */
function checkRecord(record: RecordedCall, index: number): void {
  const at = `records[${index}]`;
  if (typeof record !== 'object' || record === null)
    throw new ConfigError(at, 'must be a recorded call object');
  for (const field of ['id', 'model', 'output'] as const) {
    if (typeof record[field] !== 'string')
      throw new ConfigError(`${at}.${field}`, `must be a string, got ${typeof record[field]}`);
  }
  if (!Array.isArray(record.messages))
    throw new ConfigError(`${at}.messages`, 'must be an array of chat messages');
  if (record.reasoning !== undefined && typeof record.reasoning !== 'string')
    throw new ConfigError(`${at}.reasoning`, `must be a string when given, got ${typeof record.reasoning}`);
}

/** A fixed share of ids, by an FNV-1a hash: the same split on every run. */
function isHeldOut(id: string, share: number): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 4294967296 < share;
}

function figures(
  rows: ReadonlyArray<{ bucket: string; observations: StepObservation[]; fullTokens: number }>,
  stepOf: (bucket: string) => number,
): HeldOutFigures {
  let fullTokens = 0;
  let saved = 0;
  let judged = 0;
  let lost = 0;
  for (const row of rows) {
    const observation = row.observations[stepOf(row.bucket)];
    fullTokens += row.fullTokens;
    saved += observation?.tokensSaved ?? 0;
    if (observation?.judged) {
      judged += 1;
      if (!observation.answerKept) lost += 1;
    }
  }
  return {
    records: rows.length,
    judged,
    fullTokens,
    tokensSaved: saved,
    tokenReduction: fullTokens === 0 ? 0 : saved / fullTokens,
    lossRate: judged === 0 ? null : lost / judged,
  };
}
