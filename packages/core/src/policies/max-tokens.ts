import { ConfigError } from '../errors.js';
import type { StopPolicy } from '../policy.js';
import { optionNames, optionsObject } from './options.js';

/** Options of {@link maxTokens}. */
export interface MaxTokensOptions {
  /** Count only this phase's tokens; default both (all output tokens). */
  phase?: 'reasoning' | 'answer' | undefined;
  /**
   * Whether the cap is a safety stop (default true): it acts in every call, holdout calls
   * included, so no call runs past it, and its own savings can only be bounded, never calibrated
   * (nothing past the cap is ever seen). `false` makes it a cut like any other stop policy: in a
   * holdout call it is only recorded, so its savings can be calibrated; for evaluating a cut as a
   * stop policy (the benchmark's fixed caps), not for protecting a budget.
   */
  safety?: boolean | undefined;
}

/** The names {@link MaxTokensOptions} takes (others are refused). */
export const maxTokensOptionNames = optionNames<MaxTokensOptions>({ phase: true, safety: true });

/**
 * Stops once the output reaches `limit` tokens, counted client-side as deltas arrive. Unlike the
 * provider's `max_tokens`, it is a policy: it composes, shows in results, and can be shadowed.
 * The stop keeps the delta that crossed the limit.
 */
export function maxTokens(limit: number, options: MaxTokensOptions = {}): StopPolicy {
  return maxTokensFrom(maxTokensConfig(limit, options));
}

/** A validated token cap: what each call's policy is made from. */
export interface MaxTokensConfig {
  readonly name: string;
  readonly limit: number;
  readonly phase: 'reasoning' | 'answer' | undefined;
  readonly safety: boolean;
}

/** Validates a token cap and its options, as {@link maxTokens} does (a `ConfigError` naming the field). */
export function maxTokensConfig(limit: number, options: MaxTokensOptions = {}): MaxTokensConfig {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConfigError('maxTokens(limit)', `must be a positive integer, got ${String(limit)}`);
  }
  const { phase, safety = true } = optionsObject('maxTokens', options, maxTokensOptionNames);
  if (typeof safety !== 'boolean') {
    throw new ConfigError('maxTokens.safety', `must be true or false, got ${String(safety)}`);
  }
  if (phase !== undefined && phase !== 'reasoning' && phase !== 'answer') {
    throw new ConfigError(
      'maxTokens.phase',
      `must be 'reasoning', 'answer' or omitted, got ${String(phase)}`,
    );
  }
  const name = phase ? `maxTokens(${limit}, ${phase})` : `maxTokens(${limit})`;
  return Object.freeze({ name, limit, phase, safety });
}

/** A token-cap policy from a validated {@link MaxTokensConfig}. */
export function maxTokensFrom(config: MaxTokensConfig): StopPolicy {
  const { limit, phase, safety } = config;
  return {
    name: config.name,
    // A token cap protects the caller's budget: it must act in holdout calls too.
    safety,
    step(view) {
      if (phase && view.phase !== phase) return undefined;
      const used = phase ? view.phaseTokens : view.tokens;
      return used >= limit
        ? { reason: `reached ${limit} output tokens`, kind: 'cap', confidence: 1, safety }
        : undefined;
    },
  };
}
