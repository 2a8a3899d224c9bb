import { type AttributedDecision, anyOfChain, withPolicy } from './any-of.js';
import { ConfigError } from './errors.js';
import type {
  BudgetChange,
  CallContext,
  PolicyCallEnd,
  StopDecision,
  StopPolicy,
  StreamView,
} from './policy.js';
import { budgetChanges, guardPolicy } from './policy-guard.js';
import { assertPolicy } from './validate-policy.js';

function startAll(children: readonly StopPolicy[], call: CallContext): BudgetChange[] {
  return children.flatMap((child) => budgetChanges(child.start?.(call)));
}

function endAll(children: readonly StopPolicy[], end: PolicyCallEnd): void {
  for (const child of children) child.end?.(end);
}

function earliestCheck(children: readonly StopPolicy[]): number | undefined {
  let earliest: number | undefined;
  for (const child of children) {
    const at = child.nextCheckAt?.();
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

/**
 * `nextCheckAt` for a combinator: only when a child has timed checks. The runner asks for it
 * before every read, so a chain without timers should not answer "nothing" on every chunk.
 */
function timedChecks(children: readonly StopPolicy[]): Pick<StopPolicy, 'nextCheckAt'> {
  const timed = children.filter((child) => child.nextCheckAt !== undefined);
  return timed.length === 0 ? {} : { nextCheckAt: () => earliestCheck(timed) };
}

function guardedChildren(field: string, policies: readonly StopPolicy[]): StopPolicy[] {
  policies.forEach((policy, index) => {
    assertPolicy(`${field}[${index}]`, policy);
  });
  return policies.map(guardPolicy);
}

/**
 * The chain: asks each policy in order and stops on the first decision. Every policy sees every
 * delta until then (so stateful ones stay in sync). When several decide on the same delta, the
 * one due first (`decidedAt`) wins, then the first in chain order: the winner is then the same
 * however the text was split into deltas.
 */
export function anyOf(...policies: StopPolicy[]): StopPolicy {
  policies.forEach((policy, index) => {
    assertPolicy(`anyOf[${index}]`, policy);
  });
  return anyOfChain(policies);
}

/**
 * Stops once every policy has decided at least once (decisions are remembered). The stop lands
 * where the last of them asked; the reason lists them all. A policy switched off by a failure
 * never decides, so an `allOf` holding one no longer stops that call: the safe side, since
 * stopping on the others alone would stop on less than was asked for.
 */
export function allOf(...policies: StopPolicy[]): StopPolicy {
  const children = guardedChildren('allOf', policies);
  let decided: Array<StopDecision | undefined> = [];
  return {
    name: `allOf(${policies.map((p) => p.name).join(', ')})`,
    start(call) {
      decided = children.map(() => undefined);
      return startAll(children, call);
    },
    step(view) {
      let last: StopDecision | undefined;
      children.forEach((child, index) => {
        const decision = child.step(view);
        if (decision && !decided[index]) {
          decided[index] = withPolicy(decision, child.name);
          last = decided[index];
        }
      });
      if (!last || decided.some((decision) => !decision)) return undefined;
      return { ...last, reason: decided.map((decision) => decision?.reason).join(' and ') };
    },
    ...timedChecks(children),
    end: (end) => endAll(children, end),
  };
}

/** A condition for {@link when}: checked on every delta, with the call it belongs to. */
export type PolicyCondition = (view: StreamView, call: CallContext) => boolean;

/**
 * Applies `policy` only while `condition` holds. The policy still sees every delta (so its
 * state stays right); only its decisions are dropped while the condition is false.
 */
export function when(condition: PolicyCondition, policy: StopPolicy): StopPolicy {
  if (typeof condition !== 'function') {
    throw new ConfigError('when(condition)', 'must be a function (view, call) => boolean');
  }
  const [child] = guardedChildren('when', [policy]) as [StopPolicy];
  let call: CallContext | undefined;
  return {
    name: `when(${policy.name})`,
    start(context) {
      call = context;
      return child.start?.(context);
    },
    step(view) {
      const decision = child.step(view);
      return decision && call && condition(view, call) ? decision : undefined;
    },
    ...timedChecks([child]),
    end: (end) => child.end?.(end),
  };
}

/**
 * Runs `policy` for the record only: its decisions are reported (`shadow-decision`, once per
 * call, the first) and never stop the stream. Use it to try a policy on live traffic.
 */
export function shadow(policy: StopPolicy): StopPolicy {
  const [child] = guardedChildren('shadow', [policy]) as [StopPolicy];
  let call: CallContext | undefined;
  let reported = false;
  return {
    name: `shadow(${policy.name})`,
    start(context) {
      call = context;
      reported = false;
      return child.start?.(context);
    },
    step(view) {
      const decision = child.step(view);
      if (decision && !reported) {
        reported = true;
        call?.report({
          type: 'shadow-decision',
          policy: policy.name,
          decision,
          tokens: view.tokens,
          phase: view.phase,
        });
      }
      return undefined;
    },
    ...timedChecks([child]),
    end: (end) => child.end?.(end),
  };
}

export type { AttributedDecision };
