import type { CallOptions } from './call-options.js';
import { ConfigError } from './errors.js';
import type { LanguageModelProvider, ProviderOptionsOf } from './provider.js';
import { type UserProfiles, validateChainConfig } from './resolve-chain.js';
import type { RunResult } from './run-result.js';
import { StreamRun } from './stream-run.js';
import { TelemetryDispatcher } from './telemetry/dispatcher.js';
import type { SavingsEstimator } from './telemetry/estimate-savings.js';
import type { TelemetryHooks } from './telemetry/events.js';
import { validateTelemetryHooks } from './telemetry/validate-hooks.js';
import { validateCallOptions } from './validate-call.js';

/** Options of {@link createClient}. */
export interface ClientOptions<P extends LanguageModelProvider<any>> {
  /** The provider adapter, e.g. `openai({ apiKey })` from `@stopwise/openai`. */
  provider: P;
  /** The profile every call gets unless its user or the call names another. */
  profile?: string | undefined;
  /** Profiles by end-user id: a map, or a (possibly async) resolver. */
  profiles?: UserProfiles | undefined;
  /** Hooks for every call of this client. */
  telemetry?: TelemetryHooks | undefined;
  /** Replaces the savings estimator (see `estimateSavings`). */
  savings?: SavingsEstimator | undefined;
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
}

/**
 * Creates a client. Configuration errors (unknown profile, a hook that is not a function) throw
 * a `ConfigError` here, not at the first call.
 */
export function createClient<P extends LanguageModelProvider<any>>(options: ClientOptions<P>): StopwiseClient<ProviderOptionsOf<P>> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object with a `provider`');
  const { provider } = options;
  if (typeof provider !== 'object' || provider === null || typeof provider.stream !== 'function') {
    throw new ConfigError('provider', 'must be a provider adapter such as openai({ apiKey }) from @stopwise/openai');
  }
  validateChainConfig({ defaultProfile: options.profile, profiles: options.profiles });
  if (options.telemetry !== undefined) validateTelemetryHooks('telemetry', options.telemetry);
  if (options.savings !== undefined && typeof options.savings !== 'function') {
    throw new ConfigError('savings', 'must be a function (input) => Savings');
  }

  const stream = (call: CallOptions<ProviderOptionsOf<P>>): StreamRun => {
    validateCallOptions(call);
    const callId = crypto.randomUUID();
    const hookSets = [options.telemetry, call.telemetry].filter((hooks): hooks is TelemetryHooks => hooks !== undefined);
    const telemetry = new TelemetryDispatcher(hookSets, {
      callId,
      provider: provider.name,
      model: call.model,
      profile: undefined,
      user: call.user,
    });
    return new StreamRun({
      callId,
      provider,
      options: call,
      chain: { defaultProfile: options.profile, profiles: options.profiles },
      telemetry,
      savings: options.savings,
    });
  };

  return {
    stream,
    generate: (call) => stream(call).result,
  };
}
