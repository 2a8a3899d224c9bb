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
 * every combinator guards its children, so one failing child does not take its siblings down.
 */
export function guardPolicy(policy: StopPolicy): StopPolicy {
  let disabled = false;
  let call: CallContext | undefined;
  const fail = (during: 'start' | 'step' | 'end', error: unknown) => {
    disabled = true;
    call?.report({ type: 'policy-error', policy: policy.name, error, during });
  };
  return {
    name: policy.name,
    ...(policy.safety === true && { safety: true }),
    start(context: CallContext) {
      disabled = false;
      call = context;
      try {
        return policy.start?.(context);
      } catch (error) {
        fail('start', error);
        return undefined;
      }
    },
    step(view: StreamView): StopDecision | undefined {
      if (disabled) return undefined;
      try {
        return policy.step(view);
      } catch (error) {
        fail('step', error);
        return undefined;
      }
    },
    // Only for a policy with timed checks: the runner asks before every read.
    ...(policy.nextCheckAt && {
      nextCheckAt() {
        if (disabled) return undefined;
        try {
          return policy.nextCheckAt?.();
        } catch (error) {
          fail('step', error);
          return undefined;
        }
      },
    }),
    end(end: PolicyCallEnd) {
      // A policy that failed earlier still gets `end`, so it can release what it holds.
      try {
        policy.end?.(end);
      } catch (error) {
        if (!disabled) fail('end', error);
      }
    },
  };
}
