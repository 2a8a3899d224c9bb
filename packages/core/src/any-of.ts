import type { BudgetChange, CallContext, PolicyMethod, StopDecision, StopPolicy } from './policy.js';
import { checkedStart, decisionProblem, failsTheCall } from './policy-guard.js';
import { answerStep, everyStep, reasoningStep } from './step-phases.js';
import { ignoreRejection, onRejection } from './thenable.js';

/** The innermost policy that decided, carried on the decision for results and telemetry. */
export interface AttributedDecision extends StopDecision {
  policy?: string;
}

/** `decision` with the policy that made it, unless an inner chain named one already. */
export function withPolicy(decision: StopDecision, policy: string): AttributedDecision {
  return (decision as AttributedDecision).policy ? decision : { ...decision, policy };
}

/**
 * The chain of `anyOf` (the policies already checked): asks each policy in order, every policy
 * sees every delta until a decision, and the one due first wins. Each child is guarded as
 * `guardPolicy` guards a policy (one that throws is switched off for the rest of the call and
 * reported through `call.report`), but in place, with a flag per child rather than a wrapper
 * around each: the chain is asked after every delta, and a profile's chain is made for every
 * call. `phases` (see `step-phases.ts`) lets it skip children for deltas of a phase their
 * `step` does not read; by default each child sees every delta.
 */
export function anyOfChain(policies: readonly StopPolicy[], phases?: readonly number[]): StopPolicy {
  // The callers' arrays are their own (a rest parameter, a fresh list): not copied.
  const children = policies;
  // Names when the chain was made (what `guardPolicy` kept), to attribute decisions.
  const names: string[] = [];
  const steps: number[] = [];
  const disabled: boolean[] = [];
  // Only when a child has timed checks: the runner asks for it before every read.
  const timed: number[] = [];
  children.forEach((policy, index) => {
    names.push(policy.name);
    steps.push(phases?.[index] ?? everyStep);
    disabled.push(false);
    if (policy.nextCheckAt) timed.push(index);
  });
  // State in one object, helpers functions of the module: a chain is made for every call, and
  // each closure made with it costs an allocation (under tsx, a `__name` call too).
  const chain: Chain = { children, disabled, call: undefined };

  return {
    name: `anyOf(${names.join(', ')})`,
    start(context) {
      chain.call = context;
      const changes: BudgetChange[] = [];
      children.forEach((child, index) => {
        disabled[index] = false;
        try {
          const started = child.start?.(context);
          if (started !== undefined)
            changes.push(...checkedStart(child, started, (error) => fail(chain, index, 'start', error)));
        } catch (error) {
          if (failsTheCall(error)) throw error;
          fail(chain, index, 'start', error);
        }
      });
      return changes;
    },
    step(view) {
      const phase = view.phase === 'answer' ? answerStep : reasoningStep;
      let first: StopDecision | undefined;
      let firstIndex = 0;
      let firstDue = 0;
      for (let index = 0; index < children.length; index += 1) {
        if (disabled[index] || ((steps[index] as number) & phase) === 0) continue;
        let decision: StopDecision | undefined;
        try {
          decision = (children[index] as StopPolicy).step(view);
        } catch (error) {
          fail(chain, index, 'step', error);
          continue;
        }
        if (!decision) continue;
        // Checked here, not only by the runner's guard around the whole chain: that guard would
        // switch off every policy of the chain (the profile's caps and stop strings with it)
        // for one child's malformed decision, and a `decidedAt` of NaN could win the race below.
        const problem = decisionProblem(decision);
        if (problem !== undefined) {
          ignoreRejection(decision);
          fail(chain, index, 'step', new TypeError(`${names[index]}: step() returned ${problem}`));
          continue;
        }
        const due = decision.decidedAt ?? view.deltaOffset + view.delta.length;
        if (!first || due < firstDue) {
          first = decision;
          firstIndex = index;
          firstDue = due;
        }
      }
      return first && withPolicy(first, names[firstIndex] as string);
    },
    ...(timed.length > 0 && {
      nextCheckAt() {
        return earliestCheck(chain, timed);
      },
    }),
    end(end) {
      children.forEach((child, index) => {
        // A policy that failed earlier still gets `end`, so it can release what it holds.
        try {
          const ended: unknown = child.end?.(end);
          // An `async end` is not awaited; its failure is reported like a throw, never unhandled.
          onRejection(ended, (error) => !disabled[index] && fail(chain, index, 'end', error));
        } catch (error) {
          if (!disabled[index]) fail(chain, index, 'end', error);
        }
      });
    },
  };
}

interface Chain {
  readonly children: readonly StopPolicy[];
  /** Children switched off for the rest of the call (they threw). */
  readonly disabled: boolean[];
  call: CallContext | undefined;
}

/** Switches child `index` off for the rest of the call and reports why, as `guardPolicy` does. */
function fail(chain: Chain, index: number, during: PolicyMethod, error: unknown): void {
  chain.disabled[index] = true;
  const policy = (chain.children[index] as StopPolicy).name;
  chain.call?.report({ type: 'policy-error', policy, error, during });
}

/** The earliest timed check the children still running ask for. */
function earliestCheck(chain: Chain, timed: readonly number[]): number | undefined {
  let earliest: number | undefined;
  for (const index of timed) {
    if (chain.disabled[index]) continue;
    let at: number | undefined;
    try {
      at = (chain.children[index] as StopPolicy).nextCheckAt?.();
    } catch (error) {
      fail(chain, index, 'nextCheckAt', error);
      continue;
    }
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}
