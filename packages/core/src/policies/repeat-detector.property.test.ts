import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Loop, RepeatDetector } from './repeat-detector.js';

/** What a detector holds that its results depend on: not the stale end of pooled arrays. */
function stateOf(detector: RepeatDetector) {
  const { count, hash, candidates, mask, shift, buffer, table } = detector as unknown as {
    count: number;
    hash: number;
    candidates: unknown[];
    mask: number;
    shift: number;
    buffer: Uint16Array;
    table: Int32Array;
  };
  const held = Array.from(
    { length: Math.min(count, buffer.length) },
    (_, back) => buffer[(count - 1 - back) & mask],
  );
  return { count, hash, candidates, mask, shift, held, table: Array.from(table) };
}

describe('RepeatDetector.scan', () => {
  it('finds the loops, and leaves the state, that pushing each character does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('ab', 'abc ', 'the loop ', '\n', 'x', 'é', '😀', ' '), { maxLength: 80 }),
        fc.nat(6),
        fc.array(fc.nat(3000), { maxLength: 30 }),
        fc.integer({ min: 12, max: 60 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 64, max: 2000 }),
        (pieces, copies, cuts, minRepeatChars, minRepeats, windowChars) => {
          const base = pieces.join('');
          const text = base + base.slice(base.length >> 1).repeat(copies);
          const settings = { minRepeatChars: Math.min(minRepeatChars, windowChars), minRepeats, windowChars };
          const scanned = new RepeatDetector(settings);
          const pushed = new RepeatDetector(settings);
          const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const to of [...points, text.length]) {
            if (to <= from) continue;
            const found = scanned.scan(text.slice(from, to));
            let expected: { loop: Loop; index: number } | undefined;
            for (let index = from; index < to && !expected; index += 1) {
              const loop = pushed.push(text.charCodeAt(index));
              if (loop) expected = { loop, index: index - from };
            }
            expect(found).toEqual(expected);
            expect(stateOf(scanned)).toEqual(stateOf(pushed));
            if (found) break;
            from = to;
          }
          scanned.release();
          pushed.release();
        },
      ),
      { numRuns: 300 },
    );
  });
});
