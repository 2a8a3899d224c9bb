import type { TraceRecord } from '../traces/trace-record.js';
import { pyLength, pyPrefix } from './python-text.js';

/** How many prefixes of each text the cross-checks score (k/8 of it, k = 1..7). */
export const variantFractions = 8;

/** One text a cross-check scores: the full output, or a prefix of the output or the reasoning. */
export interface TextVariant {
  /** `full`, `output<k>` or `reasoning<k>`: the same names as `scorers-driver.py` prints. */
  name: string;
  text: string;
  reasoning: string;
}

/**
 * The full output of a record and prefixes of it (what a stopped stream keeps), cut by code
 * points like Python slices, in step with `variants` in `scorers-driver.py`.
 */
export function* textVariants(record: TraceRecord): Generator<TextVariant> {
  const { output } = record;
  const reasoning = record.reasoning ?? '';
  yield { name: 'full', text: output, reasoning };
  const outputLength = pyLength(output);
  for (let k = 1; k < variantFractions; k += 1) {
    const end = Math.floor((outputLength * k) / variantFractions);
    yield { name: `output${k}`, text: pyPrefix(output, end), reasoning };
  }
  if (record.reasoning === undefined) return;
  const reasoningLength = pyLength(reasoning);
  for (let k = 1; k < variantFractions; k += 1) {
    const end = Math.floor((reasoningLength * k) / variantFractions);
    yield { name: `reasoning${k}`, text: '', reasoning: pyPrefix(reasoning, end) };
  }
}
