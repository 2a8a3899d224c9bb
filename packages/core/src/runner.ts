import type { CallOptions } from './call-options.js';
import {
  ConfigError,
  describeError,
  PolicyError,
  ProviderError,
  StopwiseError,
  StreamError,
} from './errors.js';
import type { CallContext, PolicyReport, StopDecision, StopKind, StopPolicy, StreamView } from './policy.js';
import { budgetChanges, guardPolicy } from './policy-guard.js';
import type { LanguageModelProvider, ProviderRequest } from './provider.js';
import { type ChainConfig, type ResolvedChain, resolveChain } from './resolve-chain.js';
import type { RecordedDecision, RunResult, RunUsage, StopInfo } from './run-result.js';
import { RunState } from './run-state.js';
import type { FinishReason, Outcome, ProviderStreamPart, StreamPart, Usage } from './stream-part.js';
import type { TelemetryDispatcher } from './telemetry/dispatcher.js';
import { estimateSavings, type SavingsEstimator } from './telemetry/estimate-savings.js';
import type { CallEndEvent, TelemetryEventBase } from './telemetry/events.js';
import { safeCutIndex } from './text-boundary.js';
import { tokenCounterFor } from './token-counter.js';

/** Everything one run needs; built by the client. */
export interface RunSetup {
  callId: string;
  provider: LanguageModelProvider<unknown>;
  options: CallOptions<unknown>;
  chain: ChainConfig;
  telemetry: TelemetryDispatcher;
  savings?: SavingsEstimator | undefined;
  /**
   * Whether this is a holdout call (see the client's `holdout` option), decided once the chain
   * is resolved: the chain then runs in shadow, its first decision is recorded as where the call
   * would have stopped, and the stream runs to its end.
   */
  holdout?: ((call: CallContext) => boolean) | undefined;
  now?: () => number;
}

type Ending =
  | { outcome: 'finish' }
  | { outcome: 'policy-stop'; stop: StopInfo }
  | { outcome: 'abort'; reason: unknown }
  | { outcome: 'error'; error: StopwiseError };

// Policy objects running right now: one object serving two concurrent calls would mix their state.
const policiesInUse = new WeakSet<StopPolicy>();

/**
 * Runs one call: resolves its chain, streams from the provider, feeds each delta to the chain,
 * and on a stop records the decision, aborts the provider request, then yields the kept text.
 * Yields exactly one terminal part (`finish`, `policy-stop`, `abort` or `error`) and calls
 * `settle` exactly once, also when the consumer stops iterating early.
 */
export async function* executeRun(
  setup: RunSetup,
  settle: (result: RunResult) => void,
): AsyncGenerator<StreamPart> {
  const { options, provider, telemetry } = setup;
  const now = setup.now ?? (() => performance.now());
  const startedAt = now();
  const state = new RunState(tokenCounterFor(options.model), startedAt, now);
  const controller = new AbortController();
  const decisions: RecordedDecision[] = [];
  const policyErrors: StopwiseError[] = [];
  const ownedPolicies = options.policy?.policies ?? [];
  let ending: Ending | undefined;
  let chain: ResolvedChain | undefined;
  let root: StopPolicy | undefined;
  let finishReason: FinishReason = { unified: 'other', raw: undefined };
  let providerUsage: Partial<Usage> = {};
  let responseId: string | undefined;
  let responseModel: string | undefined;
  let budgetScale = 1;
  let claimed = false;
  let stopAnswer: string | undefined;
  // Output tokens received when the stop (or, in a holdout call, the would-be stop) was decided.
  let stopPosition: number | undefined;
  let wouldStop: { policy: string; atToken: number; kind: StopKind } | undefined;
  let heldOut = false;

  const report = (entry: PolicyReport) => {
    if (entry.type === 'policy-error') {
      const error = new PolicyError(entry.policy, entry.during, entry.error);
      policyErrors.push(error);
      telemetry.error(error, false);
    } else {
      decisions.push({
        policy: entry.policy,
        decision: entry.decision,
        atToken: entry.tokens,
        phase: entry.phase,
      });
      telemetry.decision(entry.policy, entry.decision, true, entry.tokens, entry.phase);
    }
  };
  const onCallerAbort = () => {
    // The first outcome recorded wins: a policy stop recorded before the abort event stands.
    ending ??= { outcome: 'abort', reason: options.signal?.reason };
    controller.abort(options.signal?.reason);
  };
  let iterator: AsyncIterator<ProviderStreamPart> | undefined;
  let pendingNext: Promise<IteratorResult<ProviderStreamPart>> | undefined;

  try {
    for (const policy of ownedPolicies) {
      if (policiesInUse.has(policy)) {
        throw new ConfigError(
          'policy.policies',
          `policy "${policy.name}" is already running in another call; create one policy object per call (or put it in a profile)`,
        );
      }
    }
    for (const policy of ownedPolicies) policiesInUse.add(policy);
    claimed = true;
    chain = await resolveChain(options, setup.chain, report);
    heldOut = chain.policy !== undefined && (setup.holdout?.(chain.context) ?? false);
    telemetry.bind({ profile: chain.profile });
    root = chain.policy && guardPolicy(chain.policy);
    for (const change of budgetChanges(root?.start?.(chain.context))) budgetScale *= change.scale;
    telemetry.callStart(chain.names, options.messages);

    if (options.signal?.aborted) {
      onCallerAbort();
    } else {
      options.signal?.addEventListener('abort', onCallerAbort, { once: true });
      const request: ProviderRequest<unknown> = {
        model: options.model,
        messages: options.messages,
        maxOutputTokens: options.maxOutputTokens,
        temperature: options.temperature,
        user: options.user,
        logprobs: options.logprobs,
        providerOptions: options.providerOptions,
        signal: controller.signal,
      };
      iterator = provider.stream(request)[Symbol.asyncIterator]();
      let pendingLogprobs: (StreamPart & { type: 'logprobs' }) | undefined;
      while (ending === undefined) {
        pendingNext ??= iterator.next();
        const deadline = root?.nextCheckAt?.();
        const next =
          deadline === undefined
            ? await pendingNext
            : await raceDeadline(pendingNext, deadline - state.elapsed());
        if (ending !== undefined) break;
        if (next === timedOut) {
          // A timed check (timeouts): nothing arrived, ask the chain with an empty delta.
          const view = state.idleView(budgetScale);
          const decision = root?.step(view);
          if (decision && ending === undefined) yield* stopWith(decision, view, undefined);
          continue;
        }
        pendingNext = undefined;
        if (next.done) {
          ending = {
            outcome: 'error',
            error: new StreamError(
              `${provider.name} stream ended without a finish event (connection closed early?)`,
            ),
          };
          break;
        }
        const part = next.value;
        switch (part.type) {
          case 'text-delta':
          case 'reasoning-delta': {
            if (part.delta.length === 0) break;
            const phase = part.type === 'text-delta' ? 'answer' : 'reasoning';
            const view = state.append(phase, part.delta, budgetScale, pendingLogprobs?.tokens);
            pendingLogprobs = undefined;
            const decision = root?.step(view);
            if (decision && ending === undefined) yield* stopWith(decision, view, part);
            else yield part;
            break;
          }
          case 'logprobs':
            // Logprobs arrive just before (OpenAI: with) the delta they describe.
            pendingLogprobs = part;
            yield part;
            break;
          case 'response-metadata':
            responseId = part.id ?? responseId;
            responseModel = part.model ?? responseModel;
            if (part.usage) providerUsage = { ...providerUsage, ...definedOnly(part.usage) };
            yield part;
            break;
          case 'finish':
            finishReason = part.finishReason;
            providerUsage = { ...providerUsage, ...definedOnly(part.usage) };
            ending = { outcome: 'finish' };
            yield part;
            break;
          default:
            yield part;
        }
      }
    }
  } catch (error) {
    if (ending === undefined) {
      ending = controller.signal.aborted
        ? { outcome: 'abort', reason: options.signal?.reason }
        : { outcome: 'error', error: toStopwiseError(error, provider.name) };
    }
  } finally {
    // Reached on every path, including a consumer that stopped iterating (generator return()).
    ending ??= { outcome: 'abort', reason: new Error('the consumer stopped reading the stream') };
    options.signal?.removeEventListener('abort', onCallerAbort);
    if (!controller.signal.aborted && ending.outcome !== 'finish') controller.abort();
    // A read abandoned by a stop or timed check rejects once the request is aborted.
    pendingNext?.then(undefined, () => {});
    // Also after finish: an adapter suspended at its finish part releases its connection.
    if (iterator) closeQuietly(iterator);
    if (claimed) for (const policy of ownedPolicies) policiesInUse.delete(policy);
    // Settle here: after a consumer's early return() nothing below the finally block runs.
    buildResult(ending);
  }

  if (ending.outcome === 'abort') yield { type: 'abort', reason: ending.reason };
  if (ending.outcome === 'error') yield { type: 'error', error: ending.error };

  /**
   * A policy decided: record the stop, abort the request, then yield what is kept of the
   * delta (if the stop came with one) and the policy-stop part.
   */
  function* stopWith(
    decision: StopDecision & { policy?: string },
    view: StreamView,
    part: (StreamPart & { type: 'text-delta' | 'reasoning-delta' }) | undefined,
  ): Generator<StreamPart> {
    if (heldOut) {
      const policy = decision.policy ?? root?.name ?? 'unknown';
      wouldStop = { policy, atToken: view.tokens, kind: decision.kind ?? 'complete' };
      report({ type: 'shadow-decision', policy, decision, tokens: view.tokens, phase: view.phase });
      // The chain is done deciding for this call but still gets end(), so it can learn the length.
      const held = root;
      root = held && { name: held.name, step: () => undefined, end: (end) => held.end?.(end) };
      if (part) yield part;
      return;
    }
    stopPosition = view.tokens;
    // Abort first: the connection closes while the cut is made and the kept text recounted, and
    // a slow consumer cannot hold it open. (Nothing runs in between: the stop is still the
    // first outcome recorded.)
    abortForStop(controller, decision.policy ?? root?.name ?? 'unknown');
    const stop = recordStop(decision, view.phase, view.deltaOffset);
    ending = { outcome: 'policy-stop', stop };
    stopAnswer = decision.answer;
    telemetry.decision(stop.policy, decision, false, view.tokens, view.phase);
    telemetry.stop(stop);
    const kept = part?.delta.slice(0, Math.max(0, stop.atChar - view.deltaOffset)) ?? '';
    if (part && kept.length > 0) yield { type: part.type, delta: kept };
    yield {
      type: 'policy-stop',
      policy: stop.policy,
      reason: stop.reason,
      at: { phase: view.phase, atChar: stop.atChar, atToken: stop.atToken },
      retractedChars: stop.retractedChars,
      answer: decision.answer,
    };
  }

  function recordStop(
    decision: StopDecision & { policy?: string },
    phase: 'reasoning' | 'answer',
    deltaOffset: number,
  ): StopInfo {
    const target = state.phase(phase);
    // The cut may reach back before this delta (a loop that began earlier, a stop string split
    // across chunks): the result is trimmed there, and `retractedChars` tells streaming consumers.
    const cut = safeCutIndex(target.text, decision.cutAt ?? target.length);
    target.truncate(cut);
    return {
      policy: decision.policy ?? root?.name ?? 'unknown',
      reason: decision.reason,
      phase,
      atChar: cut,
      atToken: state.keptTokens(),
      retractedChars: Math.max(0, deltaOffset - cut),
      kind: decision.kind ?? 'complete',
      confidence: decision.confidence,
    };
  }

  function buildResult(end: Ending): RunResult {
    const durationMs = now() - startedAt;
    const usage = resolveUsage(providerUsage, state.receivedTokens, options);
    const natural = end.outcome === 'finish' && finishReason.unified !== 'length';
    const stoppedBy = end.outcome === 'policy-stop' ? end.stop.policy : undefined;
    const stopKind = end.outcome === 'policy-stop' ? end.stop.kind : undefined;
    try {
      root?.end?.({
        outcome: end.outcome,
        outputTokens: usage.outputTokens ?? 0,
        natural,
        stoppedBy,
        stopKind,
      });
    } catch {
      // guardPolicy already reports errors from end(); nothing else can throw here.
    }
    const timeToFirstTokenMs = state.firstTokenAt === undefined ? undefined : state.firstTokenAt - startedAt;
    const savings = (setup.savings ?? estimateSavings)({
      outcome: end.outcome,
      model: options.model,
      usage,
      keptTokens: end.outcome === 'policy-stop' ? end.stop.atToken : (usage.outputTokens ?? 0),
      maxOutputTokens: options.maxOutputTokens,
      stoppedBy,
      stopKind,
      durationMs,
      timeToFirstTokenMs,
      metadata: options.metadata ?? {},
      context: chain?.context,
      provider: provider.name,
      responseModel,
      natural,
      receivedTokens: state.receivedTokens,
      stopPosition: end.outcome === 'policy-stop' ? stopPosition : undefined,
      holdout: heldOut
        ? { wouldStopAtToken: wouldStop?.atToken, policy: wouldStop?.policy, kind: wouldStop?.kind }
        : undefined,
    });
    const base = {
      callId: setup.callId,
      text: state.answer.text,
      reasoning: state.sawReasoning ? state.reasoning.text : undefined,
      answer: stopAnswer,
      finishReason: finishReasonFor(end.outcome, finishReason),
      usage,
      savings,
      model: responseModel ?? options.model,
      responseId,
      profile: chain?.profile,
      policies: chain?.names ?? [],
      decisions,
      policyErrors,
      durationMs,
      timeToFirstTokenMs,
    };
    let result: RunResult;
    switch (end.outcome) {
      case 'finish':
        result = { ...base, outcome: 'finish' };
        break;
      case 'policy-stop':
        result = { ...base, outcome: 'policy-stop', stop: end.stop };
        break;
      case 'abort':
        result = { ...base, outcome: 'abort', abortReason: end.reason };
        break;
      case 'error':
        result = { ...base, outcome: 'error', error: end.error };
        telemetry.error(end.error, true);
        break;
    }
    telemetry.callEnd(callEndFields(result));
    settle(result);
    return result;
  }

  function callEndFields(result: RunResult): Omit<CallEndEvent, keyof TelemetryEventBase | 'type'> {
    return {
      outcome: result.outcome,
      finishReason: result.finishReason,
      usage: result.usage,
      savings: result.savings,
      durationMs: result.durationMs,
      timeToFirstTokenMs: result.timeToFirstTokenMs,
      stoppedBy: result.stop?.policy,
      stopKind: result.stop?.kind,
      responseModel,
      responseId: result.responseId,
      text: result.text,
      reasoning: result.reasoning,
    };
  }
}

/** The stop's own reason when stopwise ended the stream; the provider's otherwise. */
function finishReasonFor(outcome: Outcome, provider: FinishReason): FinishReason {
  if (outcome === 'finish') return provider;
  if (outcome === 'error') return { unified: 'error', raw: provider.raw };
  return { unified: 'other', raw: outcome };
}

function resolveUsage(
  provider: Partial<Usage>,
  receivedTokens: number,
  options: CallOptions<unknown>,
): RunUsage {
  const inputEstimate = () => {
    const counter = tokenCounterFor(options.model);
    // ~4 tokens of framing per message in the chat formats.
    return options.messages.reduce((sum, message) => sum + counter.count(message.content) + 4, 0);
  };
  return {
    inputTokens: provider.inputTokens ?? inputEstimate(),
    outputTokens: provider.outputTokens ?? receivedTokens,
    reasoningTokens: provider.reasoningTokens,
    source: provider.outputTokens === undefined ? 'estimated' : 'provider',
    inputSource: provider.inputTokens === undefined ? 'estimated' : 'provider',
  };
}

function definedOnly(usage: Partial<Usage>): Partial<Usage> {
  const defined: Partial<Usage> = {};
  if (usage.inputTokens !== undefined) defined.inputTokens = usage.inputTokens;
  if (usage.outputTokens !== undefined) defined.outputTokens = usage.outputTokens;
  if (usage.reasoningTokens !== undefined) defined.reasoningTokens = usage.reasoningTokens;
  return defined;
}

function toStopwiseError(error: unknown, provider: string): StopwiseError {
  if (StopwiseError.isInstance(error)) return error;
  return new ProviderError({ provider, message: describeError(error), cause: error, retryable: true });
}

/**
 * Aborts the request for a policy stop, with errors made meanwhile carrying no stack frames.
 * The abort runs the SDK's and undici's handlers synchronously, which make AbortErrors and
 * close the connection through Node streams that read each error's `stack`: formatting those
 * frames (through source maps, when enabled) was most of the time from a stop to the socket
 * closing. A stop is not a bug: nobody needs where these errors were made.
 */
function abortForStop(controller: AbortController, policy: string): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    controller.abort(new Error(`stopped by ${policy}`));
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const timedOut = Symbol('timed-out');

/** Resolves with `promise`'s value, or with `timedOut` after `ms` (at least 1 ms, so a stale deadline cannot spin). */
function raceDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), Math.max(1, ms));
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function closeQuietly(iterator: AsyncIterator<unknown>): void {
  try {
    const returned = iterator.return?.();
    if (returned && typeof returned.then === 'function') returned.then(undefined, () => {});
  } catch {
    // The request is already aborted; a failing cleanup has nothing left to close.
  }
}
