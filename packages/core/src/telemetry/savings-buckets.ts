import type { SavingsInput } from './estimate-savings.js';

type BucketInput = Pick<SavingsInput, 'model' | 'metadata' | 'context'>;

/** The pool of every call of one model under one profile: `model|profile`. */
function modelPool(input: BucketInput): string {
  return `${input.model}|${input.context?.profile ?? '-'}`;
}

/**
 * The bucket a call's lengths are pooled in: `metadata.bucket` when the call set one (a task
 * type, a prompt template id), else the model and profile.
 */
export function savingsBucket(input: BucketInput): string {
  const bucket = input.metadata.bucket;
  if (typeof bucket === 'string' && bucket !== '') return bucket;
  return modelPool(input);
}

/**
 * The wider pools a call's samples are also recorded in, and that its estimates borrow from
 * while its own bucket has too few samples, most specific first: the model's pool
 * (`model|profile`) for a call that named its own bucket; none for a call already in it.
 *
 * Not the profile pooled across models: output lengths differ about tenfold between the shared
 * traces' models (a chat model's answer against a reasoning model's), so a new model's first
 * stops would borrow remainders that say nothing about it, and its cold start would report
 * what other models saved.
 */
export function savingsPools(input: BucketInput): string[] {
  const own = savingsBucket(input);
  const model = modelPool(input);
  return own === model ? [] : [model];
}
