import { ConfigError } from './errors.js';
import type {
  BudgetChange,
  CallContext,
  PolicyCallEnd,
  PolicyMethod,
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
      let decision: StopDecision | undefined;
      try {
        decision = policy.step(view);
      } catch (error) {
        fail(guard, 'step', error);
        return undefined;
      }
      if (decision === undefined) return undefined;
      const problem = decisionProblem(decision);
      if (problem === undefined) return decision;
      fail(guard, 'step', new TypeError(`${policy.name}: step() returned ${problem}`));
      return undefined;
    },
    // Only for a policy with timed checks: the runner asks before every read.
    ...(policy.nextCheckAt && {
      nextCheckAt() {
        if (guard.disabled) return undefined;
        try {
          return policy.nextCheckAt?.();
        } catch (error) {
          fail(guard, 'nextCheckAt', error);
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

const stopKinds: readonly unknown[] = ['complete', 'runaway', 'cap'];
const isOffset = (value: unknown) =>
  value === undefined || (Number.isInteger(value) && (value as number) >= 0);

/**
 * What is wrong with a value a policy's `step` returned, if anything: a stop must be a
 * {@link StopDecision}. Checked only when a policy decides (rarely), so a custom policy's
 * mistake (an `async step`, whose promise would read as a stop at the first delta; a `cutAt` of
 * `NaN`, which would keep no text) switches that policy off, reported like a throw, instead of
 * ending the stream on nonsense.
 */
function decisionProblem(decision: unknown): string | undefined {
  if (typeof decision !== 'object' || decision === null)
    return `${typeof decision}, not undefined or a StopDecision`;
  if (typeof (decision as { then?: unknown }).then === 'function')
    return 'a promise: step() must decide synchronously (do slow work in start(), or return undefined and decide on a later delta)';
  const { reason, cutAt, decidedAt, kind, confidence, answer, safety } = decision as Record<string, unknown>;
  if (typeof reason !== 'string' || reason === '') return 'a stop without a reason (a non-empty string)';
  if (!isOffset(cutAt)) return `cutAt ${String(cutAt)}: it must be an integer offset ≥ 0 in the phase's text`;
  if (!isOffset(decidedAt)) return `decidedAt ${String(decidedAt)}: it must be an integer offset ≥ 0`;
  if (kind !== undefined && !stopKinds.includes(kind))
    return `kind ${JSON.stringify(kind)}: it must be 'complete', 'runaway' or 'cap'`;
  if (confidence !== undefined && !(typeof confidence === 'number' && confidence >= 0 && confidence <= 1))
    return `confidence ${String(confidence)}: it must be a number from 0 to 1`;
  if (answer !== undefined && typeof answer !== 'string') return 'an answer that is not a string';
  if (safety !== undefined && typeof safety !== 'boolean') return 'a safety flag that is not a boolean';
  return undefined;
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
function fail(guard: Guard, during: PolicyMethod, error: unknown): void {
  guard.disabled = true;
  guard.call?.report({ type: 'policy-error', policy: guard.policy.name, error, during });
}
