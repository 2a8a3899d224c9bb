import type { CallOptions } from './call-options.js';
import { receivedFinish } from './chunk-stream.js';
import { ConfigError, PolicyError, type StopwiseError, StreamError } from './errors.js';
import { HoldoutShadow, quietenedChain } from './holdout-shadow.js';
import type { CallContext, PolicyReport, StopDecision, StopKind, StopPolicy, StreamView } from './policy.js';
import { budgetChanges, guardPolicy } from './policy-guard.js';
import type { LanguageModelProvider, ProviderRequest } from './provider.js';
import {
  aborted,
  abortForStop,
  closeQuietly,
  raceAbort,
  raceDeadline,
  timedOut,
} from './provider-control.js';
import { type ChainConfig, type ResolvedChain, resolveChain } from './resolve-chain.js';
import { RunEndGate } from './run-end-gate.js';
import {
  assembleResult,
  callEndFields,
  definedOnly,
  type Ending,
  resolveUsage,
  toStopwiseError,
} from './run-outcome.js';
import type { RecordedDecision, RunResult } from './run-result.js';
import { RunState } from './run-state.js';
import { cutAtStop, savingsKindOf, takeReceivedAtStop, waitsForReasoningEnd } from './run-stop.js';
import type { FinishReason, ProviderStreamPart, StreamPart, Usage } from './stream-part.js';
import type { TelemetryDispatcher } from './telemetry/dispatcher.js';
import type { SavingsEstimator } from './telemetry/estimate-savings.js';
import { loadPriceData, priceDataReady } from './telemetry/prices.js';
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
   * would have stopped, and the stream runs to its end, unless a safety stop (a token cap, a
   * timeout: `StopDecision.safety`) ends it: those act in every call.
   */
  holdout?: ((call: CallContext) => boolean) | undefined;
  now?: () => number;
}

type Result = IteratorResult<StreamPart, undefined>;
type Read = IteratorResult<ProviderStreamPart> | typeof timedOut;
type Delta = StreamPart & { type: 'text-delta' | 'reasoning-delta' };

const done: Result = Object.freeze({ done: true, value: undefined });
const defaultNow = () => performance.now();
const ignore = () => {};

// Policy objects running right now: one object serving two concurrent calls would mix their state.
const policiesInUse = new WeakSet<StopPolicy>();

/**
 * Runs one call: resolves its chain, streams from the provider, feeds each delta to the chain,
 * and on a stop records the decision, aborts the provider request, then yields the kept text.
 * Yields exactly one terminal part (`finish`, `policy-stop`, `abort` or `error`) and calls
 * `settle` exactly once, also when the consumer stops iterating early (`return()`, which ends
 * the run with outcome `abort`; so does `throw()`). The run starts on the first `next()`.
 *
 * The end of the run's telemetry (the stopping decision, `policy-stop`, a fatal `error`,
 * `call-end`) and `settle` wait until the consumer has been handed the terminal part: they run
 * on its next read (the one that ends a `for await`), on `return()` (a `break`), when it asks
 * for `result` once it has the terminal part (`resultRequested`), or one macrotask after the
 * terminal part was handed over, whichever comes first. So an app logging
 * from its loop and from its hooks sees the parts first, then the hooks, then `result`; and a
 * consumer that holds the terminal part without reading on does not hold back the hooks.
 */
export function executeRun(setup: RunSetup, settle: (result: RunResult) => void): RunParts {
  return new RunIterator(setup, settle);
}

/** The parts of a run, as {@link executeRun} makes them. */
export interface RunParts extends AsyncIterableIterator<StreamPart, undefined> {
  /**
   * The consumer asked for `result`. Once it has been handed the terminal part, that says it is
   * done with the parts: the end of the run is reported now rather than a macrotask later (an
   * AI SDK stream awaits `result` right after the terminal part, without reading on).
   */
  resultRequested(): void;
}

/**
 * The run as an iterator written by hand. An async generator costs several rounds of promise
 * jobs per part (resuming after its `await`, the await inside `yield`), and on a fast stream
 * that was the largest single cost stopwise added per chunk: here a part costs one `then` on the
 * provider's read. The generator's `finally` is {@link RunIterator.finalize}, reached from every
 * ending: the stream's, a stop's, the caller's abort, and the consumer's `return()`.
 */
class RunIterator implements RunParts {
  private readonly options: CallOptions<unknown>;
  private readonly telemetry: TelemetryDispatcher;
  private readonly now: () => number;
  private readonly controller = new AbortController();
  private readonly decisions: RecordedDecision[] = [];
  private readonly policyErrors: StopwiseError[] = [];
  private readonly ownedPolicies: readonly StopPolicy[];
  /** Parts ready for the consumer, in order: rarely more than one. */
  private readonly out: StreamPart[] = [];
  private status: 'new' | 'starting' | 'streaming' | 'settled' = 'new';
  /** A `next()` is being answered; reads that overlap it wait in `waiters`. */
  private busy = false;
  private waiters: Array<() => void> = [];
  private startedAt = 0;
  private state!: RunState;
  private ending: Ending | undefined;
  private chain: ResolvedChain | undefined;
  private root: StopPolicy | undefined;
  private finishReason: FinishReason = { unified: 'other', raw: undefined };
  private providerUsage: Partial<Usage> = {};
  private responseId: string | undefined;
  private responseModel: string | undefined;
  private budgetScale = 1;
  private claimed = false;
  private stopAnswer: string | undefined;
  // Output tokens received when the stop (or, in a holdout call, the would-be stop) was decided.
  private stopPosition: number | undefined;
  // The stop's kind as its savings see it (see `savingsKindOf`).
  private stopSavingsKind: StopKind | undefined;
  // The provider's finish had already arrived when the policy stopped the call: it saved nothing.
  private providerFinishedAtStop = false;
  // In a holdout call: what it records of its chain (where it would have stopped).
  private shadow: HoldoutShadow | undefined;
  private iterator: AsyncIterator<ProviderStreamPart> | undefined;
  private pendingNext: Promise<IteratorResult<ProviderStreamPart>> | undefined;
  /**
   * Resolves the `next()` waiting on the provider's read, in a call with a caller's signal (see
   * `pull`): an ending that does not come from the read can answer it (see `wakeReader`). Unset
   * while no such read is pending.
   */
  private answerRead: ((answer: Result | Promise<Result>) => void) | undefined;
  private pendingLogprobs: (StreamPart & { type: 'logprobs' }) | undefined;
  // A reasoning decision waiting to see whether the reasoning goes on (see `waitsForReasoningEnd`).
  private heldStop: (StopDecision & { policy?: string }) | undefined;
  // The stopping decision, reported with the end of the run (see `reportEnd`).
  private stopDecision: { decision: StopDecision; tokens: number; phase: 'reasoning' | 'answer' } | undefined;
  // The hooks and `result` wait for the consumer to have every part (see RunEndGate).
  private readonly end = new RunEndGate<RunResult>((result) => this.reportEnd(result));
  /**
   * The tokenizer table, while it loads (the first calls of a process): the first delta waits
   * for it. Prices and the table together, while either loads: the result waits for them.
   */
  private counterLoading: Promise<void> | undefined;
  private tablesLoading: Promise<void> | undefined;

  constructor(
    private readonly setup: RunSetup,
    private readonly settle: (result: RunResult) => void,
  ) {
    this.options = setup.options;
    this.telemetry = setup.telemetry;
    this.now = setup.now ?? defaultNow;
    this.ownedPolicies = setup.options.policy?.policies ?? [];
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<Result> {
    const queued = this.out.shift();
    if (queued !== undefined) return Promise.resolve({ done: false, value: this.handOut(queued) });
    if (this.status === 'settled') {
      // The consumer read past the terminal part: it has every part.
      this.end.consumerHasAll();
      return Promise.resolve(done);
    }
    if (this.busy) {
      // Reads overlap only when a caller does not await each one: answer them in order.
      return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.next());
    }
    this.busy = true;
    if (this.status === 'new') {
      this.status = 'starting';
      return this.begin().then(this.deliver);
    }
    const result = this.deliver();
    return result instanceof Promise ? result : Promise.resolve(result);
  }

  /** The consumer stopped reading: abort the request and settle the run as `abort`. */
  return(): Promise<Result> {
    if (this.status === 'new') this.stamp();
    if (this.status !== 'settled') {
      this.ending ??= { outcome: 'abort', reason: new Error('the consumer stopped reading the stream') };
      this.finalize();
    }
    this.out.length = 0;
    // A `break` (or a consumer done reading): nothing more will be handed over.
    this.end.consumerHasAll();
    // A read still pending (a stream's cancel() calls this while its pull waits) is answered done.
    this.wakeReader();
    return Promise.resolve(done);
  }

  /** Like `return()`, with `error` as the abort's reason. */
  throw(error?: unknown): Promise<Result> {
    if (this.status !== 'settled') this.ending ??= { outcome: 'abort', reason: error };
    return this.return();
  }

  /**
   * Starts the clock and the run's state, and the load of the tokenizer table if this process has
   * not loaded it yet. Tables load on first use, not at import (a cold start pays for neither
   * until it calls), and this is their first use: the load runs while the request is sent and
   * the provider thinks, so it is usually done before the first delta arrives.
   *
   * When it is not, the first delta waits for it (see `pull`), rather than being counted with an
   * approximation and corrected later: policies see the running count in `step()`, synchronously,
   * and a token cap that saw approximate counts could stop somewhere else than it would with the
   * table, once per process, in a way no test would catch. Waiting costs a few hundred
   * milliseconds at most, once per process and encoding, and leaves every count, stop position
   * and savings figure what it is with the table loaded.
   */
  private stamp(): void {
    this.startedAt = this.now();
    const counter = tokenCounterFor(this.options.model);
    this.state = new RunState(counter, this.startedAt, this.now);
    if (!counter.ready) this.counterLoading = this.waitFor(counter.load());
  }

  /**
   * Adds a table load the result must wait for. A load that fails is waited for no longer: the
   * counts stay approximations, the prices unknown (with their reason), and the call goes on.
   */
  private waitFor(table: Promise<unknown>): Promise<void> {
    const loaded = table.then(ignore, ignore);
    const previous = this.tablesLoading;
    const all = previous === undefined ? loaded : Promise.all([previous, loaded]).then(ignore);
    this.tablesLoading = all;
    all.then(() => {
      if (this.tablesLoading === all) this.tablesLoading = undefined;
    });
    return loaded;
  }

  /** Claims the call's policies, resolves the chain, starts it and sends the request. Never rejects. */
  private async begin(): Promise<void> {
    const { options, setup, telemetry } = this;
    this.stamp();
    try {
      for (const policy of this.ownedPolicies) {
        if (policiesInUse.has(policy)) {
          throw new ConfigError(
            'policy.policies',
            `policy "${policy.name}" is already running in another call; create one policy object per call (or put it in a profile)`,
          );
        }
      }
      for (const policy of this.ownedPolicies) policiesInUse.add(policy);
      this.claimed = true;
      // Listen before resolving: a user's profile resolver may hang (a database that does not
      // answer), and the caller's abort must end the call there too, with outcome `abort`.
      options.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
      // A signal aborted before the call never fires its event: end the call now, before a
      // profile resolver that may hang (or do costly work) is asked for a call nobody awaits.
      if (options.signal?.aborted) {
        this.onCallerAbort();
        return;
      }
      const chain = await raceAbort(resolveChain(options, setup.chain, this.report), this.controller.signal);
      // The consumer may have stopped while the chain resolved: the run is settled already. Or
      // the caller aborted: the ending is recorded and the next `deliver` settles the run.
      if (this.status === 'settled' || chain === aborted) return;
      this.chain = chain;
      // Only a stop is priced (nothing saved costs nothing), and only with a savings estimator:
      // a call that can stop loads the price data now, so that pricing at its end, synchronous,
      // need not wait (`finalize` waits if it must).
      if (chain.policy !== undefined && setup.savings !== undefined && !priceDataReady()) {
        this.waitFor(loadPriceData());
      }
      if (chain.policy !== undefined && (setup.holdout?.(chain.context) ?? false))
        this.shadow = new HoldoutShadow();
      telemetry.bind({ profile: chain.profile });
      this.root = chain.policy && guardPolicy(chain.policy);
      for (const change of budgetChanges(this.root?.start?.(chain.context))) this.budgetScale *= change.scale;
      telemetry.callStart(chain.names, options.messages);
      if (options.signal?.aborted) {
        this.onCallerAbort();
        return;
      }
      const request: ProviderRequest<unknown> = {
        model: options.model,
        messages: options.messages,
        maxOutputTokens: options.maxOutputTokens,
        temperature: options.temperature,
        user: options.user,
        logprobs: options.logprobs,
        providerOptions: options.providerOptions,
        signal: this.controller.signal,
      };
      this.iterator = setup.provider.stream(request)[Symbol.asyncIterator]();
      this.status = 'streaming';
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Answers the current `next()`: settles the run once it has an ending, then hands out the next
   * ready part, or reads on.
   */
  private readonly deliver = (): Result | Promise<Result> => {
    if (this.ending !== undefined && this.status !== 'settled') this.finalize();
    const part = this.out.shift();
    if (part !== undefined) return this.answered({ done: false, value: this.handOut(part) });
    if (this.status === 'settled') {
      this.end.consumerHasAll();
      return this.answered(done);
    }
    return this.pull();
  };

  /** `part` is being handed to the consumer: when it is the terminal one, the end gate hears so. */
  private handOut(part: StreamPart): StreamPart {
    if (this.status === 'settled' && this.out.length === 0) this.end.terminalHandedOut();
    return part;
  }

  resultRequested(): void {
    if (this.status === 'settled' && this.out.length === 0) this.end.consumerHasAll();
  }

  /**
   * Reports the end of the run to the hooks and settles `result`, once the result is built and
   * the consumer has been handed every part (see {@link RunEndGate}): hooks never run ahead of
   * the final kept text or the terminal part. Hooks are guarded: they cannot throw into the stream.
   */
  private reportEnd(result: RunResult): void {
    const { telemetry } = this;
    const stopped = this.stopDecision;
    if (stopped && result.stop) {
      telemetry.decision(result.stop.policy, stopped.decision, false, stopped.tokens, stopped.phase);
      telemetry.stop(result.stop);
    }
    if (result.outcome === 'error') telemetry.error(result.error, true);
    telemetry.callEnd(callEndFields(result, this.responseModel));
    this.settle(result);
  }

  private answered(result: Result): Result {
    this.busy = false;
    if (this.waiters.length > 0) {
      // Wake every waiting read, in order: the first reads on, the others queue behind it again
      // (a read answered from `out` or after the end never passes here to wake the next one).
      const waiting = this.waiters;
      this.waiters = [];
      for (const wake of waiting) wake();
    }
    return result;
  }

  /** Reads the provider's next part, racing the chain's next timed check when it has one. */
  private pull(): Promise<Result> {
    const loading = this.counterLoading;
    if (loading !== undefined) {
      // The first read waits for the tokenizer table (see `stamp`), unless the caller gives up.
      return raceAbort(loading, this.controller.signal).then(() => {
        this.counterLoading = undefined;
        return this.deliver();
      });
    }
    let read: Promise<Read>;
    try {
      this.pendingNext ??= (this.iterator as AsyncIterator<ProviderStreamPart>).next();
      const deadline = this.root?.nextCheckAt?.();
      read =
        deadline === undefined
          ? this.pendingNext
          : raceDeadline(this.pendingNext, deadline - this.state.elapsed());
    } catch (error) {
      this.fail(error);
      return Promise.resolve(this.deliver());
    }
    // Without a caller's signal, nothing but the read itself can end the run while the consumer
    // waits on it (a `return()` settles the run anyway, see `wakeReader`): the answer is the read's.
    // So it is with an adapter whose reads end on the abort (`endsReadsOnAbort`, stopwise's own).
    if (this.options.signal === undefined || this.setup.provider.endsReadsOnAbort === true)
      return read.then(this.onRead, this.onReadError);
    // With one, the caller's abort must answer the wait even if the adapter never settles the read
    // (see `wakeReader`): the answer is a promise of the run's own. It costs one promise per read
    // (about 200 bytes; the executor is made once) and the same promise jobs as the read's answer.
    const answer = new Promise<Result>(this.holdAnswer);
    read.then(this.onWakeableRead, this.onWakeableReadError);
    return answer;
  }

  private readonly holdAnswer = (resolve: (answer: Result | Promise<Result>) => void): void => {
    this.answerRead = resolve;
  };

  /**
   * The run ended while the consumer's `next()` waits on the provider's read (the caller's abort,
   * the consumer's `return()`): answer it now. An adapter that honours the signal rejects the read
   * soon after, but adapters are the user's too, and one that ignores the signal may never settle
   * it: the loop, and `result` and `call-end` behind it, must not wait for that. The read's late
   * answer then finds no `next()` to answer (see `onWakeableRead`), and `finalize` swallows its
   * late rejection.
   *
   * A read is wakeable only in a call with a caller's signal (see `pull`): without one, a
   * `return()` while a read is pending (a stream's `cancel()` during its pull) ends and settles the
   * run, and that one read answers when the adapter lets go of it.
   */
  private wakeReader(): void {
    const resolve = this.answerRead;
    if (resolve === undefined) return;
    this.answerRead = undefined;
    // A promise job later: not inside the caller's `abort()` (the chain's `end` and the adapter's
    // cleanup run in `finalize`), and after `return()` has cleared what is queued.
    resolve(Promise.resolve().then(this.deliver));
  }

  private readonly onWakeableRead = (next: Read): void => this.answerWakeable(this.onRead, next);

  private readonly onWakeableReadError = (error: unknown): void =>
    this.answerWakeable(this.onReadError, error);

  /**
   * Answers the `next()` waiting on a wakeable read with what `handle` makes of the read's outcome,
   * unless the run ended while the read was pending and that `next()` was answered then (see
   * `wakeReader`); a settled run pulls no more, so no other read can be waiting here.
   */
  private answerWakeable<T>(handle: (outcome: T) => Result | Promise<Result>, outcome: T): void {
    const resolve = this.answerRead;
    if (resolve === undefined) return;
    this.answerRead = undefined;
    let answer: Result | Promise<Result>;
    try {
      answer = handle(outcome);
    } catch (error) {
      answer = Promise.reject(error);
    }
    resolve(answer);
  }

  private readonly onRead = (next: Read): Result | Promise<Result> => {
    // An ending recorded while the read was pending (the caller's abort) wins over what it read.
    if (this.ending === undefined) {
      if (next === timedOut) {
        this.checkIdle();
      } else {
        this.pendingNext = undefined;
        try {
          this.accept(next);
        } catch (error) {
          // A malformed part (see `accept`) must end the run as an error like any other: thrown
          // from here it rejected the consumer's `next()` with a bare TypeError and left the
          // run unsettled: `result` never resolved, no `call-end`, the request never closed.
          this.fail(error);
        }
      }
    }
    return this.deliver();
  };

  private readonly onReadError = (error: unknown): Result | Promise<Result> => {
    this.fail(error);
    return this.deliver();
  };

  /** Records what a failure means, unless the run already has an ending. */
  private fail(error: unknown): void {
    if (this.ending !== undefined) return;
    this.ending = this.controller.signal.aborted
      ? { outcome: 'abort', reason: this.options.signal?.reason }
      : { outcome: 'error', error: toStopwiseError(error, this.setup.provider.name) };
  }

  /** One part from the provider: feeds deltas to the chain and queues what the consumer sees. */
  private accept(next: IteratorResult<ProviderStreamPart>): void {
    if (next.done) {
      this.ending = {
        outcome: 'error',
        error: new StreamError(
          `${this.setup.provider.name} stream ended without a finish event (connection closed early?)`,
        ),
      };
      return;
    }
    const part = next.value;
    // Adapters may be the user's own: a part that is not one (a `textDelta` for `delta`, as in
    // other SDKs' parts) ends the run with an error that says what was wrong.
    if (typeof part !== 'object' || part === null)
      throw new StreamError(`${this.setup.provider.name} stream yielded ${String(part)}, not a stream part`);
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        if (typeof part.delta !== 'string') {
          throw new StreamError(
            `${this.setup.provider.name} stream yielded a ${part.type} part whose \`delta\` is ${typeof part.delta}, not a string`,
          );
        }
        if (part.delta.length === 0) return;
        const phase = part.type === 'text-delta' ? 'answer' : 'reasoning';
        if (this.root === undefined) {
          // No chain: nothing reads a view, so none is built.
          this.state.record(phase, part.delta);
          this.pendingLogprobs = undefined;
          this.out.push(part);
          return;
        }
        const view = this.state.append(phase, part.delta, this.budgetScale, this.pendingLogprobs?.tokens);
        this.pendingLogprobs = undefined;
        if (this.heldStop !== undefined && this.resolveHeld(view, part)) return;
        const decision = this.root.step(view);
        if (decision === undefined || this.ending !== undefined) this.out.push(part);
        // Still holding one (white space came): it was due first; only a safety stop acts now.
        else if (this.heldStop !== undefined && decision.safety !== true) this.out.push(part);
        else if (this.heldStop === undefined && waitsForReasoningEnd(decision, view)) {
          // Its cut stays where it was decided, whatever arrives meanwhile.
          this.heldStop = { ...decision, cutAt: decision.cutAt ?? view.deltaOffset + view.delta.length };
          this.out.push(part);
        } else this.stopWith(decision, view, part);
        return;
      }
      case 'logprobs':
        // Logprobs arrive just before (OpenAI: with) the delta they describe.
        this.pendingLogprobs = part;
        this.out.push(part);
        return;
      case 'response-metadata':
        this.responseId = part.id ?? this.responseId;
        this.responseModel = part.model ?? this.responseModel;
        if (part.usage) this.providerUsage = { ...this.providerUsage, ...definedOnly(part.usage) };
        this.out.push(part);
        return;
      case 'finish':
        // Both are required, but an adapter that leaves them out (no usage on a finish is common
        // in hand-written ones) has still finished: read it as "unknown", not as a crash.
        this.finishReason = part.finishReason ?? { unified: 'other', raw: undefined };
        if (part.usage) this.providerUsage = { ...this.providerUsage, ...definedOnly(part.usage) };
        this.ending = { outcome: 'finish' };
        this.out.push(part);
        return;
      default:
        this.out.push(part);
    }
  }

  /**
   * A decision is held (see `waitsForReasoningEnd`) and `view` is the next delta: more reasoning
   * with text in it acts on the decision (true: the delta is handled); the answer drops it, the
   * reasoning ended there; white space keeps it waiting.
   */
  private resolveHeld(view: StreamView, part: Delta): boolean {
    const held = this.heldStop as StopDecision;
    if (view.phase === 'answer') {
      this.heldStop = undefined;
      return false;
    }
    if (!/\S/.test(view.delta)) return false;
    this.heldStop = undefined;
    if (this.ending === undefined) this.stopWith(held, view, part);
    return true;
  }

  /** A timed check (timeouts): nothing arrived, so the chain is asked with an empty delta. */
  private checkIdle(): void {
    const view = this.state.idleView(this.budgetScale);
    const decision = this.root?.step(view);
    if (decision && this.ending === undefined) this.stopWith(decision, view, undefined);
  }

  private readonly report = (entry: PolicyReport): void => {
    if (entry.type === 'policy-error') {
      const error = new PolicyError(entry.policy, entry.during, entry.error);
      this.policyErrors.push(error);
      this.telemetry.error(error, false);
    } else {
      this.decisions.push({
        policy: entry.policy,
        decision: entry.decision,
        atToken: entry.tokens,
        phase: entry.phase,
      });
      this.telemetry.decision(entry.policy, entry.decision, true, entry.tokens, entry.phase);
    }
  };

  private readonly onCallerAbort = (): void => {
    // The first outcome recorded wins: a policy stop recorded before the abort event stands.
    this.ending ??= { outcome: 'abort', reason: this.options.signal?.reason };
    this.controller.abort(this.options.signal?.reason);
    this.wakeReader();
  };

  /**
   * A policy decided: record the stop, abort the request, then queue what is kept of the delta
   * (if the stop came with one) and the policy-stop part. In a holdout call only a safety stop
   * acts; any other decision is recorded as where the call would have stopped.
   */
  private stopWith(
    decision: StopDecision & { policy?: string },
    view: StreamView,
    part: Delta | undefined,
  ): void {
    const policy = decision.policy ?? this.root?.name ?? 'unknown';
    const { shadow } = this;
    if (shadow) {
      // The first decision of the chain, whatever it is, is where the shadow chain stops.
      const first = !shadow.decided;
      if (first) {
        shadow.decide({
          policy,
          atToken: view.tokens,
          kind: savingsKindOf(decision, this.state.phase(view.phase).text),
          providerFinished: receivedFinish(this.iterator),
        });
        // A safety stop acts and is reported as a stop below, not twice.
        if (decision.safety !== true)
          this.report({ type: 'shadow-decision', policy, decision, tokens: view.tokens, phase: view.phase });
      }
      if (decision.safety === true) {
        shadow.cut(policy);
      } else {
        if (first && this.root)
          this.root = quietenedChain(
            this.root,
            this.chain?.entries.map((entry) => entry.policy) ?? [],
            this.report,
            new Set(this.policyErrors.map((error) => (PolicyError.isInstance(error) ? error.policy : ''))),
          );
        // A safety policy may have decided on this same delta behind the shadow decision.
        const safety = first ? this.root?.step(view) : undefined;
        if (safety && this.ending === undefined) this.stopWith(safety, view, part);
        else if (part) this.out.push(part);
        return;
      }
    }
    this.stopPosition = view.tokens;
    this.stopSavingsKind = savingsKindOf(decision, this.state.phase(view.phase).text);
    // Abort first: the connection closes while the cut is made and the kept text recounted, and
    // a slow consumer cannot hold it open. (Nothing runs in between: the stop is still the
    // first outcome recorded.)
    abortForStop(this.controller, policy);
    const received = takeReceivedAtStop(this.iterator, this.providerUsage);
    this.providerUsage = received.usage;
    this.providerFinishedAtStop = received.finished;
    const stop = cutAtStop({
      state: this.state,
      decision,
      policy,
      phase: view.phase,
      deltaOffset: view.deltaOffset,
    });
    this.ending = { outcome: 'policy-stop', stop };
    this.stopAnswer = decision.answer;
    // Reported with the end of the run, once the consumer has the kept text and this part.
    this.stopDecision = { decision, tokens: view.tokens, phase: view.phase };
    const kept = part?.delta.slice(0, Math.max(0, stop.atChar - view.deltaOffset)) ?? '';
    if (part && kept.length > 0) this.out.push({ type: part.type, delta: kept });
    this.out.push({ type: 'policy-stop', ...stop });
  }

  /**
   * What an async generator's `finally` would do, once, on every ending: release the request,
   * the listener and the policies, settle the result, and queue the `abort` or `error` part.
   */
  private finalize(): void {
    this.status = 'settled';
    const ending = this.ending ?? { outcome: 'abort', reason: new Error('the run ended without an outcome') };
    this.options.signal?.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted && ending.outcome !== 'finish') this.controller.abort();
    // A read abandoned by a stop or timed check rejects once the request is aborted.
    this.pendingNext?.then(undefined, () => {});
    // Also after finish: an adapter suspended at its finish part releases its connection.
    if (this.iterator) closeQuietly(this.iterator);
    // The chain's end() runs now, before the policies are free for another call: a policy object
    // reused call after call must hear this call's end before the next call's start. It needs
    // nothing from the tables the result may still wait for.
    this.endChain(ending);
    if (this.claimed) for (const policy of this.ownedPolicies) policiesInUse.delete(policy);
    const endedAt = this.now();
    // Counting the input (when the provider sent no usage) and pricing a stop need their tables:
    // a run that ended before they loaded (an early error or abort, a stop in the first call of
    // a process) settles its result once they have.
    const loading = this.tablesLoading;
    if (loading === undefined) this.buildResult(ending, endedAt);
    else loading.then(() => this.buildResult(ending, endedAt));
    if (ending.outcome === 'abort') this.out.push({ type: 'abort', reason: ending.reason });
    if (ending.outcome === 'error') this.out.push({ type: 'error', error: ending.error });
  }

  /** Tells the chain the call is over (see `finalize`). */
  private endChain(ending: Ending): void {
    const stop = ending.outcome === 'policy-stop' ? ending.stop : undefined;
    try {
      this.root?.end?.({
        outcome: ending.outcome,
        // The output count needs no table: the provider's, else the deltas' running count.
        outputTokens: this.providerUsage.outputTokens ?? this.state.receivedTokens,
        natural: ending.outcome === 'finish' && this.finishReason.unified !== 'length',
        stoppedBy: stop?.policy,
        stopKind: stop?.kind,
      });
    } catch {
      // guardPolicy already reports errors from end(); nothing else can throw here.
    }
  }

  private buildResult(ending: Ending, endedAt: number): void {
    const { state } = this;
    const usage = resolveUsage(this.providerUsage, state.receivedTokens, this.options);
    const natural = ending.outcome === 'finish' && this.finishReason.unified !== 'length';
    const result = assembleResult({
      callId: this.setup.callId,
      options: this.options,
      provider: this.setup.provider.name,
      savings: this.setup.savings,
      chain: this.chain,
      ending,
      usage,
      natural,
      durationMs: endedAt - this.startedAt,
      timeToFirstTokenMs: state.firstTokenAt === undefined ? undefined : state.firstTokenAt - this.startedAt,
      state,
      finishReason: this.finishReason,
      responseId: this.responseId,
      responseModel: this.responseModel,
      answer: this.stopAnswer,
      stopPosition: this.stopPosition,
      stopKind: this.stopSavingsKind,
      providerFinished: this.providerFinishedAtStop,
      holdout: this.shadow?.record(),
      decisions: this.decisions,
      policyErrors: this.policyErrors,
    });
    // Reported and settled once the consumer has the terminal part too.
    this.end.built(result);
  }
}
