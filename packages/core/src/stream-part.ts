import type { StopwiseError } from './errors.js';
import type { StopInfo } from './stop-info.js';

/** Why the provider ended its output, in stopwise's words and the provider's own. */
export interface FinishReason {
  unified: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';
  /** The provider's raw value, e.g. `end_turn`, `max_tokens`, `STOP`. */
  raw: string | undefined;
}

/** Token usage of a call. */
export interface Usage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  /** Reasoning tokens, when the provider reports them separately (included in outputTokens). */
  reasoningTokens?: number | undefined;
}

/** One token with its log probability, as providers that support logprobs send it. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  topLogprobs?: ReadonlyArray<{ token: string; logprob: number }>;
}

/**
 * What an adapter yields: the provider's stream, provider-neutral. Adapters never yield
 * policy-stop or abort: those belong to the runner.
 */
export type ProviderStreamPart =
  | { type: 'stream-start' }
  | { type: 'text-delta'; delta: string }
  | { type: 'reasoning-delta'; delta: string }
  | { type: 'logprobs'; tokens: readonly TokenLogprob[] }
  | {
      type: 'response-metadata';
      id?: string | undefined;
      model?: string | undefined;
      /** Usage known before the end (Anthropic sends input tokens at message_start). */
      usage?: Partial<Usage> | undefined;
    }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage };

/**
 * What a stopwise run yields, a union on `type`. A run ends with exactly one of `finish`,
 * `policy-stop`, `abort` or `error`.
 */
export type StreamPart =
  | ProviderStreamPart
  // The same fields as `result.stop`: one stop shape, read the same way wherever it arrives.
  | ({ type: 'policy-stop' } & StopInfo)
  | { type: 'abort'; reason: unknown }
  | { type: 'error'; error: StopwiseError };

/** The four ways a run can end. */
export type Outcome = 'finish' | 'policy-stop' | 'abort' | 'error';
