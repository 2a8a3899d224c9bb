import type { StopwiseError } from '../errors.js';
import type { Message } from '../messages.js';
import type { StopDecision } from '../policy.js';
import type { StopInfo } from '../stop-info.js';
import type {
  CallEndEvent,
  TelemetryEvent,
  TelemetryEventBase,
  TelemetryHooks,
  VoteEndEvent,
} from './events.js';
import { notify } from './notify.js';

type EventFields<E extends TelemetryEvent> = Omit<E, keyof TelemetryEventBase | 'type'>;

/** Request parameters reported on `call-start` (for GenAI semantic-convention exporters). */
export interface RequestParameters {
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
}

/**
 * Builds one call's telemetry events and hands each to every hook set (client first, then the
 * call's), guarded by {@link notify}. Content fields are dropped unless a hook set asked for them.
 */
export class TelemetryDispatcher {
  private base: TelemetryEventBase;

  constructor(
    private readonly hookSets: readonly TelemetryHooks[],
    base: Omit<TelemetryEventBase, 'timestamp'>,
    private readonly request: RequestParameters = {},
  ) {
    this.base = { ...base, timestamp: 0 };
  }

  /** Adds what is known only once the chain is resolved (the profile). */
  bind(fields: Partial<Omit<TelemetryEventBase, 'timestamp' | 'callId'>>): void {
    this.base = { ...this.base, ...fields };
  }

  /** The chain is resolved and the request is about to be sent. */
  callStart(policies: readonly string[], messages: readonly Message[]): void {
    const params = Object.fromEntries(
      Object.entries(this.request).filter(([, value]) => value !== undefined),
    );
    this.emit('onCallStart', { type: 'call-start', policies, ...params }, (event) => ({
      ...event,
      messages,
    }));
  }

  /** A policy decided (`shadow`: recorded only, the stream went on). */
  decision(
    policy: string,
    decision: StopDecision,
    shadow: boolean,
    atToken: number,
    phase: 'reasoning' | 'answer',
  ): void {
    // `decision.answer` is model output: on the event only for hook sets with `recordContent`.
    const { answer: _answer, ...contentFree } = decision;
    this.emit(
      'onPolicyDecision',
      { type: 'policy-decision', policy, decision: contentFree, shadow, atToken, phase },
      (event) => ({ ...event, decision }) as TelemetryEvent,
    );
  }

  /** A policy stopped the stream. */
  stop(stop: StopInfo): void {
    // `answer` is model output: on the event only for hook sets with `recordContent`.
    const { answer, ...contentFree } = stop;
    this.emit(
      'onPolicyStop',
      { type: 'policy-stop', ...contentFree },
      answer === undefined ? undefined : (event) => ({ ...event, answer }) as TelemetryEvent,
    );
  }

  /** The call is over: exactly once per call. */
  callEnd(fields: EventFields<CallEndEvent>): void {
    const { text, reasoning, ...rest } = fields;
    this.emit('onCallEnd', { type: 'call-end', ...rest }, (event) => ({
      ...event,
      text,
      ...(reasoning === undefined ? {} : { reasoning }),
    }));
  }

  /** A provider error (fatal) or a policy switched off (not fatal). */
  error(error: StopwiseError, fatal: boolean): void {
    this.emit('onError', { type: 'error', error, fatal });
  }

  /** A vote is over (a dispatcher made for the vote, whose `callId` is the vote's id). */
  voteEnd(fields: EventFields<VoteEndEvent> & { answer?: string | undefined }): void {
    const { answer, ...rest } = fields;
    this.emit(
      'onVoteEnd',
      { type: 'vote-end', ...rest },
      (event) => ({ ...event, answer }) as TelemetryEvent,
    );
  }

  private emit<
    K extends 'onCallStart' | 'onPolicyDecision' | 'onPolicyStop' | 'onCallEnd' | 'onError' | 'onVoteEnd',
  >(
    hookName: K,
    fields: { type: TelemetryEvent['type'] } & Record<string, unknown>,
    withContent?: (event: TelemetryEvent) => TelemetryEvent,
  ): void {
    if (this.hookSets.length === 0) return;
    const plain = { ...this.base, timestamp: Date.now(), ...fields } as TelemetryEvent;
    for (const hooks of this.hookSets) {
      const event = hooks.recordContent && withContent ? withContent(plain) : plain;
      const onError = (error: unknown) => hooks.onHookError?.(error, event);
      notify(hooks[hookName] as ((event: TelemetryEvent) => void) | undefined, event, onError, hooks);
      notify(hooks.onEvent, event, onError, hooks);
    }
  }
}
