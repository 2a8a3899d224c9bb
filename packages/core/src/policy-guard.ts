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
import { ignoreRejection, isThenable, onRejection } from './thenable.js';

/**
 * Normalises what `start` may return into a list. A promise (an `async start`) is no budget
 * change: `start` is not awaited (see {@link checkedStart}).
 */
export function budgetChanges(
  result: void | BudgetChange | readonly BudgetChange[],
): readonly BudgetChange[] {
  if (result === undefined || isThenable(result)) return [];
  return Array.isArray(result) ? result : [result as BudgetChange];
}

/**
 * The budget changes `policy.start` returned, checked: the runner multiplies the call's budget
 * scale by each, so one `scale` of NaN, 0 or a missing one (a `start` returning something else)
 * would silently turn every length budget of the call (other policies' too) into nonsense.
 * Throws a TypeError naming the problem; the caller switches the policy off and reports it. An
 * `async start` is run, not awaited: its promise's rejection goes to `onLateFailure` rather than
 * becoming an unhandled rejection.
 */
export function checkedStart(
  policy: StopPolicy,
  result: void | BudgetChange | readonly BudgetChange[],
  onLateFailure: (error: unknown) => void,
): readonly BudgetChange[] {
  if (isThenable(result)) {
    result.then(undefined, onLateFailure);
    return [];
  }
  const changes = budgetChanges(result);
  for (const change of changes) {
    const scale = (change as Partial<BudgetChange> | null)?.scale;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
      throw new TypeError(
        `${policy.name}: start() returned ${typeof change === 'object' && change !== null ? `a budget change with scale ${String(scale)}` : String(change)}: return nothing, or { scale: a number > 0, reason }`,
      );
    }
  }
  return changes;
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
        return checkedStart(policy, policy.start?.(context), (error) => fail(guard, 'start', error));
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
      ignoreRejection(decision);
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
        const ended: unknown = policy.end?.(end);
        // An `async end` is not awaited; its failure is reported like a throw, never unhandled.
        onRejection(ended, (error) => !guard.disabled && fail(guard, 'end', error));
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
 * ending the stream on nonsense. Every place that steps a policy on its own checks it (this
 * guard, `anyOf`'s chain, a holdout call's safety chain), so only the policy at fault goes off.
 */
export function decisionProblem(decision: unknown): string | undefined {
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
