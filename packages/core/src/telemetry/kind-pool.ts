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
