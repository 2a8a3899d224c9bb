import type { SavingsInput } from './estimate-savings.js';

/**
 * A call that policy `p` stopped at token `position` of model `model`, in bucket `bucket`: what
 * the estimator is asked about. `extra` overrides any field.
 */
export function policyStop(options: {
  model: string;
  bucket: string;
  position: number;
  extra?: Partial<SavingsInput>;
}): SavingsInput {
  const { model, bucket, position, extra } = options;
  return {
    outcome: 'policy-stop',
    model,
    usage: { inputTokens: 10, outputTokens: position, source: 'estimated', inputSource: 'provider' },
    keptTokens: position,
    maxOutputTokens: undefined,
    stoppedBy: 'p',
    durationMs: 1000,
    timeToFirstTokenMs: 100,
    metadata: { bucket },
    context: undefined,
    receivedTokens: position,
    stopPosition: position,
    ...extra,
  };
}

/**
 * `stop` turned into the holdout call behind it: it ran on to `final` tokens, and its policy
 * `p` would have stopped it at `stopAt`. The estimator learns a sample from it.
 */
export function heldOutCall(stop: SavingsInput, stopAt: number, final: number): SavingsInput {
  return {
    ...stop,
    outcome: 'finish',
    usage: { inputTokens: 10, outputTokens: final, source: 'provider', inputSource: 'provider' },
    keptTokens: final,
    receivedTokens: final,
    stopPosition: undefined,
    stoppedBy: undefined,
    natural: true,
    holdout: { wouldStopAtToken: stopAt, policy: 'p' },
  };
}

/** A deterministic source of randomness in (0, 1) (a Lehmer generator), for repeatable runs. */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}
