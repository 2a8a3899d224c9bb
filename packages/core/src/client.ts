import type { CallOptions } from './call-options.js';
import { ConfigError } from './errors.js';
import { type ChainExplanation, explainCall } from './explain.js';
import {
  type CallFeedback,
  type ClientLearnOptions,
  type FeedbackResult,
  LearningLoop,
  registerLearningLoop,
} from './learning/learning-loop.js';
import { rejectUnknownOptions } from './option-names.js';
import type { LanguageModelProvider, ProviderOptionsOf } from './provider.js';
import { type ChainConfig, type UserProfiles, validateChainConfig } from './resolve-chain.js';
import type { RunResult } from './run-result.js';
import { isLearningStore, type LearningStore } from './store/learning-store.js';
import { lengthHistoryIn, savingsHistoryIn, tunerEvidenceIn } from './store/store-views.js';
import { StreamRun } from './stream-run.js';
import { TelemetryDispatcher } from './telemetry/dispatcher.js';
import {
  createSavingsEstimator,
  guardSavingsEstimator,
  type SavingsEstimator,
  type SavingsEstimatorOptions,
} from './telemetry/estimate-savings.js';
import type { TelemetryHooks } from './telemetry/events.js';
import { type HoldoutOptions, holdoutPicker, validateHoldout } from './telemetry/holdout.js';
import type { PriceOverrides } from './telemetry/prices.js';
import { createSavingsHistory } from './telemetry/savings-history.js';
import { type SavingsStats, SavingsStatsCollector } from './telemetry/stats.js';
import { validateTelemetryOption } from './telemetry/validate-hooks.js';
import { validateCallOptions } from './validate-call.js';
import { runVote, type VoteOptions, type VoteResult } from './vote/run-vote.js';

/** Options of {@link createClient}. */
export interface ClientOptions<P extends LanguageModelProvider<unknown>> {
  /** The provider adapter, e.g. `openai({ apiKey })` from `@stopwise/openai`. */
  provider: P;
  /** The profile every call gets unless its user or the call names another. Without one, only per-call policies run; `balanced` is the recommended default. */
  profile?: string | undefined;
  /** Profiles by end-user id: a map, or a (possibly async) resolver. */
  profiles?: UserProfiles | undefined;
  /** Hooks for every call of this client: one set, or several (exporters). */
  telemetry?: TelemetryHooks | readonly TelemetryHooks[] | undefined;
  /** Run this share of calls unstopped, policies in shadow, to calibrate savings estimates. */
  holdout?: HoldoutOptions | undefined;
  /** Prices replacing the price library's, by model: `{ outputPerMTok, currency: 'USD' }`. */
  prices?: PriceOverrides | undefined;
  /** History store and tuning of the default savings estimator (see `createSavingsEstimator`). */
  savingsModel?: Omit<SavingsEstimatorOptions, 'prices'> | undefined;
  /** Replaces the savings estimator entirely (then `prices` and `savingsModel` are unused). */
  savings?: SavingsEstimator | undefined;
  /**
   * Tune the profile's stop settings from this client's own traffic: per bucket (model, task,
   * profile) and per user, the most aggressive step of a ladder whose answer-loss rate stays at
   * most `risk` with `confidence`, learnt from holdout calls (raised to `holdoutFloor`) and
   * feedback. See docs/learning.md.
   */
  learn?: ClientLearnOptions | undefined;
  /**
   * Where everything this client learns is kept: the tuner's evidence, adaptive length's
   * history (for profiles that do not name their own store) and the savings estimator's
   * calibration. Default: in this process's memory. A `fileStore` (`stopwise/node`) keeps it
   * across restarts; `redisStore` (`@stopwise/redis`) shares it between instances. The more
   * specific `learn.evidence` and `savingsModel.history` win over it. See docs/learning.md.
   */
  store?: LearningStore | undefined;
}

/** A stopwise client bound to one provider. */
export interface StopwiseClient<TProviderOptions = unknown> {
  /** Starts a streaming call. Throws `ConfigError` at once for invalid options. */
  stream(options: CallOptions<TProviderOptions>): StreamRun;
  /**
   * The same run, awaited: policies still act on the stream. Resolves with the result whatever
   * the outcome (check `result.outcome`); rejects only for invalid options.
   */
  generate(options: CallOptions<TProviderOptions>): Promise<RunResult>;
  /** Running totals of what this client's calls saved: overall and by profile, policy, model and user. */
  stats(): SavingsStats;
  /**
   * The chain a call would run, resolved like `stream` resolves it (profile and where it came
   * from, each policy with its parameters, keyword budget changes, predicted length budget),
   * without sending anything. Rejects with a `ConfigError` for invalid options.
   */
  explain(options: CallOptions<TProviderOptions>): Promise<ChainExplanation>;
  /**
   * A verdict on a finished call (the answer was right or wrong, a thumbs up or down, the user
   * asked to continue), for a client that learns: a bad verdict on a stopped call moves that
   * user's settings toward conservative, good ones toward aggressive within the risk bound.
   * Unknown, duplicate and unusable verdicts change nothing and say why.
   */
  feedback(callId: string, feedback: CallFeedback): FeedbackResult;
  /**
   * Self-consistency with early stopping: samples the call up to `samples` times
   * (`concurrency` at a time, each with the call's own stop chain), reads each sample's answer,
   * and stops sampling, aborting samples in flight, once the vote is decided (see
   * {@link VoteRule}). Resolves with the answer, the votes, every sample's result and what was
   * saved against the full vote; rejects only for invalid options. See docs/vote.md.
   */
  vote(options: VoteOptions<TProviderOptions>): Promise<VoteResult>;
}

/**
 * Every option name of `createClient` (`ClientOptions`), for packages that wrap it and refuse
 * unknown names the same way (the AI SDK middleware takes all of them but `provider`).
 */
export const clientOptionNames: readonly string[] = [
  'provider',
  'profile',
  'profiles',
  'telemetry',
  'holdout',
  'prices',
  'savingsModel',
  'savings',
  'learn',
  'store',
];

/** A cap given to the client: caps are per call (sent to the provider) or per profile (a cut). */
const clientCapNames: Readonly<Record<string, string>> = Object.fromEntries(
  ['maxTokens', 'maxOutputTokens', 'max_tokens'].map((name) => [
    name,
    "`maxOutputTokens` on each call, or a profile's `cutAtTokens`",
  ]),
);

/**
 * Creates a client. Configuration errors (unknown profile, a hook that is not a function) throw
 * a `ConfigError` here, not at the first call.
 */
export function createClient<P extends LanguageModelProvider<unknown>>(
  options: ClientOptions<P>,
): StopwiseClient<ProviderOptionsOf<P>> {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object with a `provider`');
  rejectUnknownOptions('', options, clientOptionNames, { synonyms: clientCapNames });
  const { provider } = options;
  if (typeof provider !== 'object' || provider === null || typeof provider.stream !== 'function') {
    throw new ConfigError(
      'provider',
      'must be a provider adapter such as openai({ apiKey }) from @stopwise/openai',
    );
  }
  if (provider.checkRequest !== undefined && typeof provider.checkRequest !== 'function')
    throw new ConfigError('provider.checkRequest', 'must be a function (or left out)');
  if (options.store !== undefined && !isLearningStore(options.store)) {
    throw new ConfigError(
      'store',
      'must be a learning store (createMemoryStore(), fileStore() from stopwise/node, redisStore() from @stopwise/redis)',
    );
  }
  const { store } = options;
  const lengthStore = store && lengthHistoryIn(store);
  const learning =
    options.learn === undefined
      ? undefined
      : new LearningLoop(
          store &&
            typeof options.learn === 'object' &&
            options.learn !== null &&
            options.learn.evidence === undefined
            ? { ...options.learn, evidence: tunerEvidenceIn(store) }
            : options.learn,
          { lengthStore },
        );
  // No implicit preset: a client runs the profile it names (the docs recommend `balanced`).
  const chainConfig: ChainConfig = {
    defaultProfile: options.profile,
    profiles: options.profiles,
    tune: learning && ((profile, call) => learning.tune(profile, call)),
    lengthStore,
  };
  validateChainConfig(chainConfig);
  if (options.telemetry !== undefined) validateTelemetryOption('telemetry', options.telemetry);
  if (options.savings !== undefined && typeof options.savings !== 'function') {
    throw new ConfigError('savings', 'must be a function (input) => Savings');
  }
  validateHoldout('holdout', options.holdout);
  if (
    options.savingsModel !== undefined &&
    (typeof options.savingsModel !== 'object' || options.savingsModel === null)
  ) {
    throw new ConfigError('savingsModel', 'must be an object { history?, minSamples?, coverage? }');
  }
  if (options.savings !== undefined && options.holdout?.warmup) {
    throw new ConfigError(
      'holdout.warmup',
      'needs the default savings estimator; drop `savings` or set warmup to 0',
    );
  }
  const history = options.savingsModel?.history ?? (store ? savingsHistoryIn(store) : createSavingsHistory());
  const savings = guardSavingsEstimator(
    options.savings ?? createSavingsEstimator({ ...options.savingsModel, history, prices: options.prices }),
  );
  // Learning needs holdout calls to keep coming: at least its floor of them.
  const holdout =
    learning && learning.holdoutFloor > (options.holdout?.fraction ?? 0)
      ? { ...options.holdout, fraction: learning.holdoutFloor }
      : options.holdout;
  const isHoldout = holdoutPicker(holdout, history);
  const collector = new SavingsStatsCollector();
  const clientHooks: TelemetryHooks[] = [
    { onCallEnd: (event) => collector.add(event) },
    ...(options.telemetry === undefined
      ? []
      : Array.isArray(options.telemetry)
        ? options.telemetry
        : [options.telemetry as TelemetryHooks]),
  ];

  const hookSetsOf = (call: CallOptions<ProviderOptionsOf<P>>) =>
    call.telemetry === undefined ? clientHooks : [...clientHooks, call.telemetry];
  // `vote`: the call is a sample of a vote; its events say which.
  const streamCall = (
    call: CallOptions<ProviderOptionsOf<P>>,
    vote?: { id: string; sample: number },
  ): StreamRun => {
    validateCallOptions(call);
    // The adapter's own checks (its providerOptions): a mistake throws here, before the run.
    provider.checkRequest?.({
      model: call.model,
      messages: call.messages,
      maxOutputTokens: call.maxOutputTokens,
      temperature: call.temperature,
      user: call.user,
      logprobs: call.logprobs,
      providerOptions: call.providerOptions,
    });
    const callId = crypto.randomUUID();
    const telemetry = new TelemetryDispatcher(
      hookSetsOf(call),
      { callId, provider: provider.name, model: call.model, profile: undefined, user: call.user, vote },
      { maxOutputTokens: call.maxOutputTokens, temperature: call.temperature },
    );
    // Not `run.result.then(...)`: reading `result` drains a run nobody iterates in this tick,
    // so `const run = client.stream(...); await x; for await (const p of run)` would find its
    // parts gone (see StreamRun's constructor).
    const afterResult =
      learning &&
      ((result: RunResult) => {
        try {
          learning.afterCall(call, result, result.tuning);
        } catch {
          // Learning is never on a call's path: its failure costs fresh evidence, nothing else.
        }
      });
    return new StreamRun(
      {
        callId,
        provider,
        options: call,
        chain: chainConfig,
        telemetry,
        savings,
        holdout: isHoldout,
      },
      afterResult,
    );
  };
  const stream = (call: CallOptions<ProviderOptionsOf<P>>): StreamRun => streamCall(call);

  // explain peeks at the tuned step without moving it.
  const explainConfig: ChainConfig = {
    ...chainConfig,
    tune: learning && ((profile, call) => learning.tune(profile, call, true)),
  };
  // Invalid options reject (as documented) rather than throw: `generate(bad).catch(...)` works.
  const generate = (
    call: CallOptions<ProviderOptionsOf<P>>,
    vote?: { id: string; sample: number },
  ): Promise<RunResult> => {
    try {
      return streamCall(call, vote).result;
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const vote = async (options: VoteOptions<ProviderOptionsOf<P>>): Promise<VoteResult> => {
    const result = await runVote(options, generate);
    new TelemetryDispatcher(hookSetsOf(options), {
      callId: result.id,
      provider: provider.name,
      model: options.model,
      profile: undefined,
      user: options.user,
      vote: { id: result.id, sample: -1 },
    }).voteEnd({
      decidedBy: result.decidedBy,
      samplesUsed: result.samplesUsed,
      samplesAborted: result.samples.filter((sample) => sample.aborted).length,
      samplesAllowed: options.samples,
      outputTokens: result.savings.outputTokens,
      tokensSaved: result.savings.tokensSaved,
      durationMs: result.durationMs,
      answer: result.answer,
    });
    return result;
  };
  const client: StopwiseClient<ProviderOptionsOf<P>> = {
    stream,
    generate: (call) => generate(call),
    vote,
    stats: () => collector.snapshot(),
    explain: (call) => explainCall(call, explainConfig),
    feedback: (callId, feedback) =>
      learning
        ? learning.feedback(callId, feedback)
        : { accepted: false, reason: 'this client does not learn: create it with the learn option' },
  };
  if (learning) registerLearningLoop(client, learning);
  return client;
}
