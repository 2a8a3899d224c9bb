import type { StopKind } from '../policy.js';

/**
 * The key under which holdout samples of every policy whose stops are of one kind
 * (`StopDecision.kind`) are pooled: a bucket rarely has enough samples of one policy, and
 * stops of a kind leave similar remainders (a loop runs on to the cap whichever policy caught
 * it). Policy names contain no NUL character, so no policy can be mistaken for a pool.
 */
export function kindPoolKey(kind: StopKind): string {
  return `\u0000${kind}`;
}

/**
 * The key under which holdout samples of one policy are summarised: its name and the kind of
 * its stop. A policy's stops are mostly of one kind, but a cap's are `runaway` when the output
 * was looping at the cut, and those ran on far longer than the cap's other stops: mixing the
 * two would give every capped call the loops' remainder on average. Kinds contain no `\u0001`.
 */
export function policyKindKey(policy: string, kind: StopKind): string {
  return `${policy}\u0001${kind}`;
}
