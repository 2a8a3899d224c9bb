import { ConfigError } from '../errors.js';
import type { CallContext } from '../policy.js';
import { savingsBucket } from './savings-buckets.js';
import type { SavingsHistory } from './savings-history.js';

/**
 * Runs a share of calls unstopped so savings estimates can be calibrated on them (the
 * `holdout` method). In a holdout call the chain still runs, in shadow: its first decision is
 * recorded (a shadow `policy-decision` event, `savings.holdout.wouldStopAtToken`) and the stream
 * goes on to its natural end. Holdout calls cost the full output: keep the fraction small
 * (0.02-0.1) in production.
 */
export interface HoldoutOptions {
  /** Share of calls held out, 0..1. */
  fraction: number;
  /**
   * Also hold out every call of a bucket until the bucket has this many holdout samples (calls
   * a policy would have stopped), so estimates are calibrated from the start. Default 0. Needs
   * the default savings estimator (not a custom `savings` function).
   */
  warmup?: number | undefined;
  /**
   * Source of randomness in [0, 1), for reproducible tests. Default `Math.random`. It is handed
   * the call, so a draw can also be a hash of something stable (the prompt, a request id in
   * `metadata`): the same calls are then held out on every run, whatever order they come in.
   */
  random?: ((call: CallContext) => number) | undefined;
}

/** Throws a {@link ConfigError} naming the field for a malformed `holdout` option. */
export function validateHoldout(
  field: string,
  holdout: unknown,
): asserts holdout is HoldoutOptions | undefined {
  if (holdout === undefined) return;
  if (typeof holdout !== 'object' || holdout === null) {
    throw new ConfigError(field, 'must be an object { fraction } with fraction between 0 and 1');
  }
  const { fraction, warmup, random } = holdout as Record<string, unknown>;
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new ConfigError(
      `${field}.fraction`,
      `must be a finite number between 0 and 1, got ${String(fraction)}`,
    );
  }
  if (warmup !== undefined && (typeof warmup !== 'number' || !Number.isInteger(warmup) || warmup < 0)) {
    throw new ConfigError(
      `${field}.warmup`,
      `must be an integer ≥ 0 (holdout samples per bucket), got ${String(warmup)}`,
    );
  }
  if (random !== undefined && typeof random !== 'function') {
    throw new ConfigError(
      `${field}.random`,
      `must be a function (call) => number in [0, 1), got ${typeof random}`,
    );
  }
}

/**
 * Decides, call by call, whether a call is held out: during a bucket's warm-up, else with
 * probability `fraction`. Never throws (a failing `random` means "not held out").
 */
export function holdoutPicker(
  holdout: HoldoutOptions | undefined,
  history: SavingsHistory | undefined,
): (call: CallContext) => boolean {
  if (holdout === undefined) return () => false;
  const { fraction, warmup = 0 } = holdout;
  const random = holdout.random ?? Math.random;
  return (call) => {
    try {
      if (warmup > 0 && history) {
        const bucket = savingsBucket({ model: call.model, metadata: call.metadata, context: call });
        if (history.holdouts(bucket).length < warmup) return true;
      }
      return fraction > 0 && random(call) < fraction;
    } catch {
      return false;
    }
  };
}
