import type { PolicyMethod, PolicyReport, StopDecision, StopPolicy, StreamView } from './policy.js';
import { decisionProblem } from './policy-guard.js';
import { ignoreRejection } from './thenable.js';

/**
 * The safety policies of a chain (`policy.safety`: token caps, timeouts) as a chain of their
 * own, for a holdout call once the full chain has recorded where it would have stopped: from
 * then on only these still decide, so a holdout call stays under its caps and deadlines. They
 * are the same objects the full chain stepped (their state is current), not restarted. A safety
 * policy that throws is switched off and reported, as `guardPolicy` does. Undefined when the
 * chain has none.
 */
export function safetyChain(
  policies: readonly StopPolicy[],
  report: (entry: PolicyReport) => void,
  switchedOff: ReadonlySet<string> = new Set(),
): Pick<StopPolicy, 'step' | 'nextCheckAt'> | undefined {
  // A policy the full chain switched off (it threw) stays off for the rest of the call.
  const active = policies.filter((policy) => policy.safety === true && !switchedOff.has(policy.name));
  if (active.length === 0) return undefined;
  const disabled = new Set<StopPolicy>();
  const guarded = <T>(policy: StopPolicy, during: PolicyMethod, run: () => T): T | undefined => {
    if (disabled.has(policy)) return undefined;
    try {
      return run();
    } catch (error) {
      disabled.add(policy);
      report({ type: 'policy-error', policy: policy.name, error, during });
      return undefined;
    }
  };
  const timed = active.filter((policy) => policy.nextCheckAt !== undefined);
  return {
    step(view: StreamView): (StopDecision & { policy: string }) | undefined {
      for (const policy of active) {
        const decision = guarded(policy, 'step', () => {
          const made = policy.step(view);
          // This chain is the runner's root in a holdout call, with no guard around it: a
          // malformed decision (a `cutAt` of NaN would keep no text) switches the policy off here.
          const problem = made ? decisionProblem(made) : undefined;
          if (problem !== undefined) {
            ignoreRejection(made);
            throw new TypeError(`${policy.name}: step() returned ${problem}`);
          }
          return made;
        });
        if (decision) return { ...decision, policy: policy.name, safety: true };
      }
      return undefined;
    },
    ...(timed.length > 0 && {
      nextCheckAt(): number | undefined {
        let earliest: number | undefined;
        for (const policy of timed) {
          const at = guarded(policy, 'nextCheckAt', () => policy.nextCheckAt?.());
          if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
        }
        return earliest;
      },
    }),
  };
}
