import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { tokenCounterFor } from 'stopwise/adapter';

/**
 * A text cut into the chunks a provider would stream: one token each, except where a character
 * spans several tokens (a multi-byte character split between byte-level tokens), whose tokens
 * are grouped so that every chunk is valid text.
 */
export interface TokenChunks {
  readonly text: string;
  /** Character offsets: chunk `i` is `text.slice(offsets[i], offsets[i + 1])`. Length `count + 1`. */
  readonly offsets: Uint32Array;
  /** Tokens in each chunk (1 unless grouped). */
  readonly tokensPerChunk: Uint16Array;
  /** Number of chunks. */
  readonly count: number;
  /** Number of tokens: what a provider would bill for the whole text. */
  readonly tokens: number;
}

/** The tokenizer encoding stopwise counts `model`'s tokens with (see `tokenCounterFor`). */
export function encodingFor(model: string): 'o200k_base' | 'cl100k_base' {
  return tokenCounterFor(model).encoding;
}

const encodings = { o200k_base: o200k, cl100k_base: cl100k } as const;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Options of {@link tokenChunks}. */
export interface TokenChunksOptions {
  text: string;
  /** The model whose tokenizer cuts the text (the same one stopwise counts with). */
  model: string;
}

/**
 * Cuts `text` into token-sized chunks with gpt-tokenizer, grouping tokens until their decoded
 * bytes form whole characters, so no chunk splits a character (or a UTF-16 surrogate pair).
 */
export function tokenChunks(options: TokenChunksOptions): TokenChunks {
  // A lone UTF-16 surrogate has no UTF-8 bytes to tokenise: it becomes U+FFFD, as it would on
  // any provider's wire.
  const text = options.text.replace(loneSurrogate, '\uFFFD');
  const encoding = encodings[encodingFor(options.model)];
  // Special-token text (`<|endoftext|>`) in an output is text the model wrote, not a control token.
  const tokens = encoding.encode(text, { disallowedSpecial: new Set() });
  let pulled = 0;
  function* counted() {
    for (const token of tokens) {
      pulled += 1;
      yield token;
    }
  }
  const offsets: number[] = [0];
  const perChunk: number[] = [];
  let consumed = 0;
  let at = 0;
  // decodeGenerator yields as soon as the tokens pulled so far decode to whole characters, so
  // the tokens pulled between two yields are exactly one chunk's.
  for (const piece of encoding.decodeGenerator(counted())) {
    at += piece.length;
    offsets.push(at);
    perChunk.push(pulled - consumed);
    consumed = pulled;
  }
  if (at !== text.length)
    throw new Error(`tokenizer round trip changed the text (${at} of ${text.length} characters)`);
  return {
    text,
    offsets: Uint32Array.from(offsets),
    tokensPerChunk: Uint16Array.from(perChunk),
    count: perChunk.length,
    tokens: tokens.length,
  };
}

/** Chunk `index` of `chunks`. */
export function chunkAt(chunks: TokenChunks, index: number): string {
  return chunks.text.slice(chunks.offsets[index], chunks.offsets[index + 1]);
}
