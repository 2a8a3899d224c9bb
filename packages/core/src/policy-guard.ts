import { ConfigError } from './errors.js';
import type {
  BudgetChange,
  CallContext,
  PolicyCallEnd,
  StopDecision,
  StopPolicy,
  StreamView,
} from './policy.js';

/** Normalises what `start` may return into a list. */
export function budgetChanges(
  result: void | BudgetChange | readonly BudgetChange[],
): readonly BudgetChange[] {
  if (result === undefined) return [];
  return Array.isArray(result) ? result : [result as BudgetChange];
}

/**
 * Wraps a policy so that if it throws it is switched off for the rest of the call and the error
 * is reported through `call.report`; the stream goes on. The runner guards the root policy and
 * every combinator guards its children, so one failing child does not take its siblings down. A
 * `ConfigError` thrown by `start` is the caller's configuration, not a failing policy: it passes,
 * and the call fails before its request.
 */
export function guardPolicy(policy: StopPolicy): StopPolicy {
  // State in one object and the failure path a function of the module: the runner guards every
  // call's chain, and closures made per call cost allocations (under tsx, a `__name` call each).
  const guard: Guard = { policy, disabled: false, call: undefined };
  return {
    name: policy.name,
    ...(policy.safety === true && { safety: true }),
    start(context: CallContext) {
      guard.disabled = false;
      guard.call = context;
      try {
        return policy.start?.(context);
      } catch (error) {
        if (failsTheCall(error)) throw error;
        fail(guard, 'start', error);
        return undefined;
      }
    },
    step(view: StreamView): StopDecision | undefined {
      if (guard.disabled) return undefined;
      try {
        return policy.step(view);
      } catch (error) {
        fail(guard, 'step', error);
        return undefined;
      }
    },
    // Only for a policy with timed checks: the runner asks before every read.
    ...(policy.nextCheckAt && {
      nextCheckAt() {
        if (guard.disabled) return undefined;
        try {
          return policy.nextCheckAt?.();
        } catch (error) {
          fail(guard, 'step', error);
          return undefined;
        }
      },
    }),
    end(end: PolicyCallEnd) {
      // A policy that failed earlier still gets `end`, so it can release what it holds.
      try {
        policy.end?.(end);
      } catch (error) {
        if (!guard.disabled) fail(guard, 'end', error);
      }
    },
  };
}

/**
 * Whether an error thrown by a policy's `start` ends the call instead of switching the policy
 * off: a `ConfigError` is the caller's configuration, found only now (a regex only the engine
 * can refuse, see `compileLinearRegex`), and the call fails with it before its request, as with
 * any other. Every guard of `start` (this one, `anyOf`'s) asks this.
 */
export function failsTheCall(error: unknown): boolean {
  return error instanceof ConfigError;
}

interface Guard {
  readonly policy: StopPolicy;
  disabled: boolean;
  call: CallContext | undefined;
}

/** Switches the guarded policy off for the rest of the call and reports why. */
function fail(guard: Guard, during: 'start' | 'step' | 'end', error: unknown): void {
  guard.disabled = true;
  guard.call?.report({ type: 'policy-error', policy: guard.policy.name, error, during });
}
