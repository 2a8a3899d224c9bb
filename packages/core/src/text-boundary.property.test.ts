import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient, type StopPolicy, type StreamPart } from './index.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';
import { safeCutIndex } from './text-boundary.js';

/** Text mixing ASCII, BMP letters and astral characters (emoji, CJK extension B). */
const mixedText = fc
  .array(fc.oneof(fc.constantFrom('a', ' ', 'é', '日'), fc.constantFrom('😀', '👍🏽', '𠀋', '🇫🇷', '𝔸')), {
    minLength: 1,
    maxLength: 40,
  })
  .map((chars) => chars.join(''));

/** Splits `text` into chunks at arbitrary UTF-16 indexes: a provider may split a surrogate pair. */
function chunked(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of [...points, text.length]) {
    if (point > from) chunks.push(text.slice(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const highSurrogateLast = (text: string) => /[\uD800-\uDBFF]$/.test(text);

describe('a stop never keeps half a surrogate pair', () => {
  it('safeCutIndex: the kept prefix never ends in a high surrogate', () => {
    fc.assert(
      fc.property(mixedText, fc.integer({ min: -2, max: 100 }), (text, index) => {
        const cut = safeCutIndex(text, index);
        expect(highSurrogateLast(text.slice(0, cut))).toBe(false);
        // A cut at the end of a prefix that ends in a high surrogate backs off too.
        const prefix = text.slice(0, Math.max(0, Math.min(text.length, index)));
        expect(highSurrogateLast(prefix.slice(0, safeCutIndex(prefix, prefix.length)))).toBe(false);
      }),
    );
  });

  it('through the runner: random text, random chunking, a stop at a random delta and cut point', async () => {
    await fc.assert(
      fc.asyncProperty(
        mixedText,
        fc.array(fc.nat(200), { maxLength: 12 }),
        fc.nat(50),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (text, cuts, stopAtDelta, cutFraction) => {
          const deltas = chunked(text, cuts);
          let seen = 0;
          const cutter: StopPolicy = {
            name: 'cutter',
            step: (view) => {
              if (view.delta.length === 0 || seen++ !== stopAtDelta % deltas.length) return undefined;
              return { reason: 'random cut', cutAt: Math.floor(view.text.length * cutFraction) };
            },
          };
          const client = createClient({ provider: scriptedProvider(textScript(deltas)) });
          const run = client.stream({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: 'go' }],
            policy: { policies: [cutter] },
          });
          const parts: StreamPart[] = [];
          for await (const part of run) parts.push(part);
          const result = await run.result;
          expect(result.outcome).toBe('policy-stop');
          expect(highSurrogateLast(result.text)).toBe(false);
          expect(text.startsWith(result.text)).toBe(true);
          expect(loneSurrogate.test(result.text)).toBe(false);
          // What the consumer saw, less the retracted tail, is the kept text: no delta brought
          // half a pair that the result then dropped, or the reverse.
          const received = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
          const stop = parts.find((part) => part.type === 'policy-stop');
          const retracted = stop?.type === 'policy-stop' ? (stop.retractedChars ?? 0) : 0;
          expect(received.slice(0, received.length - retracted)).toBe(result.text);
        },
      ),
      { numRuns: 150 },
    );
  });
});
