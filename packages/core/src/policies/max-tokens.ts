import { ConfigError } from '../errors.js';
import type { StopPolicy } from '../policy.js';

/** Options of {@link maxTokens}. */
export interface MaxTokensOptions {
  /** Count only this phase's tokens; default both (all output tokens). */
  phase?: 'reasoning' | 'answer' | undefined;
}

/**
 * Stops once the output reaches `limit` tokens, counted client-side as deltas arrive. Unlike the
 * provider's `max_tokens`, it is a policy: it composes, shows in results, and can be shadowed.
 * The stop keeps the delta that crossed the limit.
 */
export function maxTokens(limit: number, options: MaxTokensOptions = {}): StopPolicy {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConfigError('maxTokens(limit)', `must be a positive integer, got ${String(limit)}`);
  }
  const { phase } = options;
  if (phase !== undefined && phase !== 'reasoning' && phase !== 'answer') {
    throw new ConfigError(
      'maxTokens.phase',
      `must be 'reasoning', 'answer' or omitted, got ${String(phase)}`,
    );
  }
  return {
    name: phase ? `maxTokens(${limit}, ${phase})` : `maxTokens(${limit})`,
    // A token cap protects the caller's budget: it must act in holdout calls too.
    safety: true,
    step(view) {
      if (phase && view.phase !== phase) return undefined;
      const used = phase ? view.phaseTokens : view.tokens;
      return used >= limit
        ? { reason: `reached ${limit} output tokens`, kind: 'cap', confidence: 1, safety: true }
        : undefined;
    },
  };
}
