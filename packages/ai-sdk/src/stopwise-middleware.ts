import type { LanguageModelMiddleware } from 'ai';
import {
  type CallFeedback,
  type ClientOptions,
  ConfigError,
  createClient,
  type FeedbackResult,
  type LanguageModelProvider,
  type SavingsStats,
  type StreamPart,
} from 'stopwise';
import { clientOptionNames, rejectUnknownOptions } from 'stopwise/adapter';
import { type StopwiseCallSettings, splitCallSettings } from './call-settings.js';
import { collectGenerate } from './collect-generate.js';
import { type ModelCall, modelProvider } from './model-provider.js';
import { PartLog } from './part-log.js';
import { promptMessages } from './prompt-messages.js';
import { runStream } from './run-stream.js';
import type { CallParams, LanguageModel, StreamResult } from './v3-types.js';

/** Options of {@link stopwiseMiddleware}: stopwise's client options, less the provider (the wrapped model is it). */
export interface StopwiseMiddlewareOptions
  extends Omit<ClientOptions<LanguageModelProvider<unknown>>, 'provider'> {
  /**
   * Per-call settings from the AI SDK call's parameters (the user's id from a header you put in
   * `params.headers`, a policy by prompt...). `providerOptions.stopwise` of the call wins over
   * them key by key. Called once per call, so it may build fresh policy objects.
   */
  call?: ((params: CallParams) => StopwiseCallSettings | undefined) | undefined;
  /**
   * Characters of streamed text (and reasoning) held back, so that a stop cutting back before
   * the delta that revealed it (a stop string split across chunks, a loop found late) takes them
   * back before `streamText` hands them on. Default 0: every delta is passed on at once, and
   * `providerMetadata.stopwise.stop.retractedChars` says how many characters already delivered
   * the cut removed. `generateText` always holds everything, so its text is the kept text.
   */
  holdBack?: number | undefined;
}

/** The middleware, with the stopwise client's running totals and feedback. */
export type StopwiseMiddleware = LanguageModelMiddleware & {
  /** What the wrapped calls saved so far: overall and by profile, policy, model and user. */
  stats(): SavingsStats;
  /** A verdict on a call (its id is `providerMetadata.stopwise.callId`), for a middleware that learns. */
  feedback(callId: string, feedback: CallFeedback): FeedbackResult;
};

// The client's options but `provider` (the wrapped model is the provider), and the middleware's.
const optionNames = [...clientOptionNames.filter((name) => name !== 'provider'), 'call', 'holdBack'];

/**
 * An AI SDK language-model middleware that runs stopwise's stop chain on the wrapped model's
 * stream, whichever provider it is: presets (`profile`, per user through `profiles`), per-call
 * policies (`providerOptions: stopwiseOptions({ user, policy })`), telemetry and savings. On a
 * stop it aborts the model's request at once, passes on the kept text, and finishes with a
 * finish reason and usage (the provider's where it sent them, else stopwise's estimate) and
 * `providerMetadata.stopwise` (the stop, the usage source, the savings). Works with `streamText`
 * and `generateText`. Invalid options throw a `ConfigError` naming the option.
 *
 * @example
 * ```ts
 * const model = wrapLanguageModel({
 *   model: openai('gpt-4o-mini'),
 *   middleware: stopwiseMiddleware({ profile: 'balanced', profiles: { 'user-42': 'realtime' } }),
 * });
 * const result = streamText({ model, prompt, providerOptions: stopwiseOptions({ user: 'user-42' }) });
 * ```
 */
export function stopwiseMiddleware(options: StopwiseMiddlewareOptions = {}): StopwiseMiddleware {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  rejectUnknownOptions('', options, optionNames);
  const { call, holdBack = 0, ...clientOptions } = options;
  if (call !== undefined && typeof call !== 'function') {
    throw new ConfigError('call', 'must be a function (params) => ({ user, policy, ... })');
  }
  if (typeof holdBack !== 'number' || !(holdBack >= 0) || !Number.isInteger(holdBack)) {
    throw new ConfigError('holdBack', `must be an integer ≥ 0 (characters), got ${JSON.stringify(holdBack)}`);
  }
  const client = createClient({ ...clientOptions, provider: modelProvider() });

  const stream = async (model: LanguageModel, params: CallParams, held: number): Promise<StreamResult> => {
    const { settings, params: forwarded } = splitCallSettings(params, call?.(params));
    const log = new PartLog();
    let opened!: (result: Omit<StreamResult, 'stream'>) => void;
    const open = new Promise<Omit<StreamResult, 'stream'>>((resolve) => {
      opened = resolve;
    });
    const modelCall: ModelCall = { model, params: forwarded, log, onOpen: opened };
    const run = client.stream({
      ...settings,
      model: model.modelId,
      messages: promptMessages(params.prompt),
      maxOutputTokens: params.maxOutputTokens,
      temperature: params.temperature,
      signal: params.abortSignal,
      providerOptions: modelCall,
    });
    const parts = run[Symbol.asyncIterator]();
    // The first read starts the run (chain, then `doStream`); answer once the model's stream is
    // open, or the run ended first: then `doStream` failed, and it rejects as it would unwrapped
    // (the AI SDK retries its own retryable errors).
    const first = parts.next();
    const started = await Promise.race([open, first.then((next) => ({ next }))]);
    const replay = replayFirst(parts, first);
    if ('next' in started) {
      // A timed policy (a first-token timeout) may stop the run while `doStream` is pending:
      // that is a stop, not a failure, and ends as one (finish part, stopwise metadata).
      if (started.next.value?.type !== 'policy-stop') throw failureBeforeOpen(started.next.value, log);
      return { stream: runStream({ run, parts: replay, log, holdBack: held }) };
    }
    return { ...started, stream: runStream({ run, parts: replay, log, holdBack: held }) };
  };

  return {
    specificationVersion: 'v3',
    wrapStream: ({ model, params }) => stream(model, params, holdBack),
    wrapGenerate: async ({ model, params }) =>
      collectGenerate(await stream(model, params, Number.POSITIVE_INFINITY)),
    stats: () => client.stats(),
    feedback: (callId, feedback) => client.feedback(callId, feedback),
  };
}

/** What ended a run before its model's stream opened: what `doStream` threw, or the caller's abort. */
function failureBeforeOpen(part: StreamPart | undefined, log: PartLog): unknown {
  if (log.failure) return log.failure.error;
  if (part?.type === 'error') return part.error;
  if (part?.type === 'abort') return part.reason;
  return new Error(
    `@stopwise/ai-sdk: the run yielded ${part?.type ?? 'nothing'} before the model's stream opened`,
  );
}

/** The run's iterator with its first read, already under way, answered first. */
function replayFirst(
  parts: AsyncIterator<StreamPart>,
  first: Promise<IteratorResult<StreamPart>>,
): AsyncIterator<StreamPart> {
  let pending: Promise<IteratorResult<StreamPart>> | undefined = first;
  return {
    next() {
      const next = pending ?? parts.next();
      pending = undefined;
      return next;
    },
    return: (value) => parts.return?.(value) ?? Promise.resolve({ done: true, value }),
  };
}
