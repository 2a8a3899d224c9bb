import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompletionMarker } from './answer-complete.js';
import { type Completion, CompletionScanner } from './completion-scanner.js';

/** Pieces of text that move the scanner's trackers: markers, math, fences, JSON, prose, astral. */
const piece = fc.constantFrom(
  'The answer is',
  ' the answer is ',
  'answer is',
  'Final answer:',
  'final answer',
  'Answer:',
  '**Answer:**',
  '\\boxed{',
  '}',
  '{',
  '[',
  ']',
  '$$',
  '$',
  '\\[',
  '\\]',
  '\\(',
  '\\)',
  '\\begin{align}',
  '\\end{align}',
  '```',
  '```json\n',
  '~~~',
  '\n',
  '\n\n',
  ' ',
  '.',
  ', ',
  '!',
  '?',
  's',
  'r',
  'is',
  'we',
  'wer',
  'if',
  'which',
  '42',
  '(B)',
  'é',
  '😀',
  '\t',
  '\r',
  ':',
  '#',
  'the river runs',
  ' answers',
  '{"a": [1, 2]}',
  '\ud83d',
);

const markers = fc.subarray<CompletionMarker>(['boxed', 'answer-is', 'final-answer', 'code-fence', 'json']);

/** The scanner's state, but for its fast-path flag. */
const stateOf = (scanner: CompletionScanner) => ({ ...scanner, calm: undefined });

describe('CompletionScanner.scan', () => {
  it('leaves the state, and finds the stop, that feeding each character through push does', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 120 }),
        fc.array(fc.nat(2000), { maxLength: 40 }),
        markers,
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 80 }),
        (pieces, cuts, watched, grace, quiet) => {
          const text = pieces.join('');
          const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          const scanned = new CompletionScanner(new Set(watched), grace, quiet);
          const pushed = new CompletionScanner(new Set(watched), grace, quiet);
          const push = (pushed as unknown as { push(code: number, index: number): Completion | undefined })
            .push;
          let from = 0;
          for (const to of [...points, text.length]) {
            if (to <= from) continue;
            const found = scanned.scan(text.slice(from, to), from);
            let expected: { completion: Completion; decidedAt: number } | undefined;
            for (let index = from; index < to && !expected; index += 1) {
              const completion = push.call(pushed, text.charCodeAt(index), index);
              if (completion) expected = { completion, decidedAt: index + 1 };
            }
            expect(found).toEqual(expected);
            expect(stateOf(scanned)).toEqual(stateOf(pushed));
            if (found) return;
            from = to;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
