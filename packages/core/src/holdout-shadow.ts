import type { PolicyReport, StopKind, StopPolicy } from './policy.js';
import type { RunRecord } from './run-outcome.js';
import { safetyChain } from './safety-chain.js';

/**
 * What a holdout call records of its chain. The call runs unstopped with the chain in shadow:
 * the chain's first decision is where it would have stopped (the calibration sample the savings
 * estimator learns from), and a safety stop (a token cap, a timeout) that ends the call early
 * makes it no sample at all.
 */
export class HoldoutShadow {
  private wouldStop:
    | { policy: string; atToken: number; kind: StopKind; providerFinished: boolean }
    | undefined;
  private cutBy: string | undefined;

  /** Whether the chain has decided already (only its first decision counts). */
  get decided(): boolean {
    return this.wouldStop !== undefined;
  }

  /** The chain's first decision: where, by which policy, of what kind (as its savings see it). */
  decide(stop: { policy: string; atToken: number; kind: StopKind; providerFinished: boolean }): void {
    this.wouldStop ??= stop;
  }

  /** A safety stop ended the call before its natural end. */
  cut(policy: string): void {
    this.cutBy = policy;
  }

  /** What the savings estimator hears of the call (see `HoldoutRecord`). */
  record(): NonNullable<RunRecord['holdout']> {
    return { ...this.wouldStop, cutBy: this.cutBy };
  }
}

/**
 * A holdout call's chain once it has recorded where it would have stopped: from then on only its
 * safety policies decide (the rest of the chain is done deciding for this call), and the chain
 * still gets `end()`, so it can learn the length.
 */
export function quietenedChain(
  held: StopPolicy,
  policies: readonly StopPolicy[],
  report: (entry: PolicyReport) => void,
  /** Names of the policies the full chain switched off: they stay off. */
  switchedOff: ReadonlySet<string>,
): StopPolicy {
  const safety = safetyChain(policies, report, switchedOff);
  return {
    name: held.name,
    step: safety?.step ?? (() => undefined),
    ...(safety?.nextCheckAt && { nextCheckAt: safety.nextCheckAt }),
    end: (end) => held.end?.(end),
  };
}
