/**
 * Which phases' deltas a policy's `step` reads, as bits: a chain skips a policy for the phase it
 * does not watch (its `step` would return undefined and change nothing). Most profile chains
 * have policies for one phase only, and every delta of the other would pay for asking them.
 */
export const answerStep = 1;
export const reasoningStep = 2;
/** Every delta: what a chain assumes of a policy it knows nothing about. */
export const everyStep = answerStep | reasoningStep;

/** The bits of a policy watching `phase` (`none`: it never decides in `step`). */
export function stepBits(phase: 'answer' | 'reasoning' | 'any' | 'none'): number {
  if (phase === 'none') return 0;
  return phase === 'answer' ? answerStep : phase === 'reasoning' ? reasoningStep : everyStep;
}
