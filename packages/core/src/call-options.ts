import type { Message } from './messages.js';
import type { StopPattern } from './policies/stop-on.js';
import type { StopPolicy } from './policy.js';
import type { ProfileOverrides } from './profiles/settings.js';
import type { TelemetryHooks } from './telemetry/events.js';

/**
 * Per-call policy options: the most specific layer of a call's resolution (client default, then
 * the user's preset, then these). See docs/profiles.md for the precedence and merge rules.
 */
export interface CallPolicyOptions {
  /** Stop strings and regexes, any number, matched across chunks (see `stopOn`); added to the profile's. */
  stopOn?: readonly StopPattern[] | undefined;
  /**
   * End the stream on the client after this many output tokens (a `maxTokens` policy in the
   * chain); replaces the profile's `cutAtTokens`. Not the provider's cap: the call's own
   * `maxOutputTokens` is sent with the request and the provider stops there; this cut is made by
   * stopwise as the tokens arrive, and is reported as a policy stop with what it saved.
   */
  cutAtTokens?: number | undefined;
  /**
   * The old name of `cutAtTokens`, accepted until the next minor release. Giving both is a
   * `ConfigError`.
   *
   * @deprecated Use `cutAtTokens`: `policy.maxOutputTokens` read as the provider's cap (the
   * call's `maxOutputTokens`), which it never was.
   */
  maxOutputTokens?: number | undefined;
  /** Extra policies for this call, appended to the chain. */
  policies?: readonly StopPolicy[] | undefined;
  /**
   * Use this profile for the call instead of the user's or the client's. Naming one drops the
   * user's preset (its overrides were written for another profile).
   */
  profile?: string | undefined;
  /**
   * Changes to the profile's settings for this call, deep-merged over it (after the user's):
   * e.g. `{ adaptiveLength: { slack: 2 }, repetition: false }`.
   */
  overrides?: ProfileOverrides | undefined;
}

/** Options of one call: `client.stream(options)` or `client.generate(options)`. */
export interface CallOptions<TProviderOptions = unknown> {
  model: string;
  messages: readonly Message[];
  /** The provider's own output cap (`max_tokens`), sent with the request. */
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
  /** The end user's id: picks their profile and is passed to the provider where it takes one. */
  user?: string | undefined;
  /** Per-call policies and overrides. */
  policy?: CallPolicyOptions | undefined;
  /** The caller's signal: aborting it ends the run with outcome `abort`. */
  signal?: AbortSignal | undefined;
  /** Ask for token logprobs where the provider supports them. */
  logprobs?: boolean | undefined;
  /** Provider-specific request options, typed by the adapter. */
  providerOptions?: TProviderOptions | undefined;
  /** Free-form metadata for policies (e.g. a `bucket` key) and telemetry. */
  metadata?: Record<string, unknown> | undefined;
  /** Hooks for this call only; they run after the client's. */
  telemetry?: TelemetryHooks | undefined;
}
