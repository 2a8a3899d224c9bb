/**
 * What a stop says about the rest of the output, which decides how its counterfactual length is
 * estimated when the bucket has too few holdout samples of the stopping policy itself:
 *
 * - `runaway`: the output was cut for running away: a loop (`repetition`) or a length far past
 *   that of similar answers (`adaptiveLength`). Such an output was not heading for a natural end:
 *   measured on recorded outputs, nearly every one ran on to the generation limit. Its
 *   counterfactual is the cap.
 * - `cap`: a fixed token or time limit (`maxTokens`, `timeout`). The stop says only "longer than
 *   here": the length model's assumption holds.
 * - `complete`: anything else (a stop string, an answer-complete marker, converged reasoning, a
 *   custom policy). The stop says the answer is done, so the rest is usually short: the length
 *   model overstates it, and the few holdout samples there are beat it.
 */
export type StopClass = 'runaway' | 'cap' | 'complete';

// Policy names as results report them (`repetition(400 chars x3)`); `when(...)` wraps a policy
// without changing what its stop means.
const runaway = /^(?:when\()*(?:repetition|adaptiveLength)\b/;
const cap = /^(?:when\()*(?:maxTokens|timeout)\b/;

/** The {@link StopClass} of the policy named `policy` (a custom policy counts as `complete`). */
export function stopClass(policy: string | undefined): StopClass {
  if (policy === undefined) return 'complete';
  if (runaway.test(policy)) return 'runaway';
  if (cap.test(policy)) return 'cap';
  return 'complete';
}

/**
 * The key under which holdout samples of every policy of one class are pooled. Policy names
 * contain no NUL character, so no policy can be mistaken for a pool.
 */
export function classPoolKey(kind: StopClass): string {
  return `\u0000${kind}`;
}
