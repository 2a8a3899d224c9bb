import type { StopwiseError } from '../errors.js';
import type { Message } from '../messages.js';
import type { StopDecision, StopKind } from '../policy.js';
import type { StopInfo } from '../stop-info.js';
import type { FinishReason, Outcome, Usage } from '../stream-part.js';
import type { Savings } from './savings.js';

/** Fields every telemetry event carries. */
export interface TelemetryEventBase {
  /** Unique id of the call, the same on all its events. */
  callId: string;
  /** Milliseconds since the epoch when the event was emitted. */
  timestamp: number;
  provider: string;
  model: string;
  profile: string | undefined;
  user: string | undefined;
  /** On the events of a vote's samples and on its `vote-end`: the vote's id and the sample's index (-1 on `vote-end`). */
  vote?: { readonly id: string; readonly sample: number } | undefined;
}

/** The call is about to be sent. `messages` only with `recordContent: true`. */
export interface CallStartEvent extends TelemetryEventBase {
  type: 'call-start';
  /** Names of the policies in the resolved chain. */
  policies: readonly string[];
  /** The provider cap sent with the request, when set. */
  maxOutputTokens?: number | undefined;
  /** The sampling temperature sent with the request, when set. */
  temperature?: number | undefined;
  messages?: readonly Message[];
}

/** A policy decided to stop, whether or not that stopped the stream (shadow decisions do not). */
export interface PolicyDecisionEvent extends TelemetryEventBase {
  type: 'policy-decision';
  policy: string;
  /**
   * The decision. Its `answer` (model output) is there only with `recordContent: true`; its
   * `reason` never quotes output (built-in policies keep content out of reasons).
   */
  decision: StopDecision;
  /** True when the decision came from a `shadow(...)` policy and did not stop the stream. */
  shadow: boolean;
  /** Output tokens so far when it decided. */
  atToken: number;
  phase: 'reasoning' | 'answer';
}

/**
 * A policy stopped the stream: the stop's fields, flat, as in `result.stop` and the
 * `policy-stop` part. `answer` (model output) only with `recordContent: true`.
 */
export interface PolicyStopEvent extends TelemetryEventBase, StopInfo {
  type: 'policy-stop';
}

/** The call is over, whatever the outcome: exactly once per call. */
export interface CallEndEvent extends TelemetryEventBase {
  type: 'call-end';
  outcome: Outcome;
  finishReason: FinishReason;
  usage: Usage & { source: 'provider' | 'estimated' };
  savings: Savings;
  durationMs: number;
  /** Milliseconds to the first text or reasoning delta. */
  timeToFirstTokenMs: number | undefined;
  stoppedBy: string | undefined;
  /** What the stop said about the rest of the output (`StopDecision.kind`), when a policy stopped. */
  stopKind?: StopKind | undefined;
  /** The model the provider said answered, when it said. */
  responseModel?: string | undefined;
  /** The provider's id of the response, when it sent one. */
  responseId?: string | undefined;
  /** The kept text, only with `recordContent: true`. */
  text?: string;
  reasoning?: string;
}

/** Something went wrong: a provider error ending the call, or a policy switched off. */
export interface ErrorEvent extends TelemetryEventBase {
  type: 'error';
  error: StopwiseError;
  /** Whether the error ended the call (provider errors) or not (a policy that threw). */
  fatal: boolean;
}

/**
 * A vote (`client.vote`) is over: how it was decided and what it saved against the full vote.
 * Its `callId` is the vote's id, which every sample's events carry in `vote.id`. `answer` only
 * with `recordContent: true`.
 */
export interface VoteEndEvent extends TelemetryEventBase {
  type: 'vote-end';
  decidedBy: 'settled' | 'window' | 'posterior' | 'all-samples' | 'aborted';
  /** Samples that finished and voted (or abstained). */
  samplesUsed: number;
  /** Samples aborted in flight once the vote was decided. */
  samplesAborted: number;
  /** The most samples the vote could have drawn. */
  samplesAllowed: number;
  /** Output tokens of all its samples; the point estimate saved against the full vote (null: no basis). */
  outputTokens: number;
  tokensSaved: number | null;
  durationMs: number;
  answer?: string | undefined;
}

/** Every telemetry event, a union on `type`. */
export type TelemetryEvent =
  | CallStartEvent
  | PolicyDecisionEvent
  | PolicyStopEvent
  | CallEndEvent
  | ErrorEvent
  | VoteEndEvent;

/**
 * A hook: may be async, but is never awaited by the stream. A returned promise that rejects is
 * reported to `onHookError`; one that never settles costs nothing but its own memory.
 */
export type TelemetryHook<E> = (event: E) => void | PromiseLike<void>;

/**
 * Telemetry hooks, set on the client and per call (both run, the client's first). Hooks are
 * called synchronously where the event happens but are guarded: a throwing hook is reported to
 * `onHookError` and ignored, and a returned promise is never awaited, so a slow hook cannot
 * delay the stream. A hook that needs to do slow work (a network export) should queue it and
 * return. Exporters are hook objects too, and may carry methods of their own (`flush`, `close`).
 */
export interface TelemetryHooks {
  onCallStart?: TelemetryHook<CallStartEvent>;
  onPolicyDecision?: TelemetryHook<PolicyDecisionEvent>;
  /**
   * A policy stopped the stream. Runs once the consumer has been handed the kept text and the
   * `policy-stop` part (on its next read, a `break`, or a macrotask later), before `result`
   * resolves; so do the stopping `onPolicyDecision` and a fatal `onError`.
   */
  onPolicyStop?: TelemetryHook<PolicyStopEvent>;
  /** The call is over, exactly once; like `onPolicyStop`, after the consumer has the terminal part. */
  onCallEnd?: TelemetryHook<CallEndEvent>;
  onError?: TelemetryHook<ErrorEvent>;
  onVoteEnd?: TelemetryHook<VoteEndEvent>;
  /** Every event, after its specific hook. */
  onEvent?: TelemetryHook<TelemetryEvent>;
  /** Called when a hook throws or rejects. Default: ignore. */
  onHookError?: (error: unknown, event: TelemetryEvent) => void;
  /** Put prompt and output text into events. Default false. */
  recordContent?: boolean;
}
