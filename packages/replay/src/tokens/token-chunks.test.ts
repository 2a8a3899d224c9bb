import fc from 'fast-check';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { chunkAt, encodingFor, tokenChunks } from './token-chunks.js';

const wellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('tokenChunks', () => {
  it('cuts text into one chunk per token, grouping tokens only to keep characters whole', () => {
    const text = 'Sum: 12 + 7 = 19 ✓ 数学 🧮 done.';
    const chunks = tokenChunks({ text, model: 'gpt-4o' });
    const pieces = Array.from({ length: chunks.count }, (_, i) => chunkAt(chunks, i));
    expect(pieces.join('')).toBe(text);
    expect(chunks.tokens).toBe(encode(text).length);
    expect([...chunks.tokensPerChunk].reduce((a, b) => a + b, 0)).toBe(chunks.tokens);
    // The emoji takes several byte-level tokens: they travel together.
    expect(pieces).toContain('🧮');
    expect(pieces.filter((piece) => piece.startsWith(' Sum') || piece === 'Sum')).toHaveLength(1);
    expect(chunks.count).toBeLessThan(chunks.tokens);
  });

  it('picks the encoding stopwise counts the model with', () => {
    expect(encodingFor('gpt-4o-mini-2024-07-18')).toBe('o200k_base');
    expect(encodingFor('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingFor('text-davinci-003')).toBe('cl100k_base');
    expect(encodingFor('Sky-T1-math-correct-5K-27B')).toBe('o200k_base');
  });

  it('encodes special-token text as plain text, and lone surrogates as U+FFFD', () => {
    const chunks = tokenChunks({ text: 'a <|endoftext|> b \uD83D end', model: 'gpt-4o' });
    expect(chunks.text).toBe('a <|endoftext|> b \uFFFD end');
    expect(chunks.offsets[chunks.count]).toBe(chunks.text.length);
  });

  it('property: chunks rebuild any text, each well formed, token counts add up', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.constantFrom('gpt-4o', 'gpt-3.5-turbo'),
        (text, model) => {
          const chunks = tokenChunks({ text, model });
          let joined = '';
          for (let i = 0; i < chunks.count; i += 1) {
            const piece = chunkAt(chunks, i);
            expect(piece.length).toBeGreaterThan(0);
            expect(wellFormed(piece)).toBe(true);
            joined += piece;
          }
          expect(joined).toBe(text);
          expect([...chunks.tokensPerChunk].reduce((a, b) => a + b, 0)).toBe(chunks.tokens);
        },
      ),
      { numRuns: 300 },
    );
  });
});
