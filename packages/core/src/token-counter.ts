import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { safeCutIndex } from './text-boundary.js';

/** Counts tokens of text the way a model's tokenizer would (or as close as stopwise can). */
export interface TokenCounter {
  /** The encoding used, e.g. `o200k_base`. */
  readonly encoding: 'o200k_base' | 'cl100k_base';
  /** True when this is the model's own tokenizer; false for an approximation. */
  readonly exact: boolean;
  /** Number of tokens in `text`. */
  count(text: string): number;
}

/**
 * Memoises counts of short strings. Streams arrive in token-sized deltas that repeat constantly
 * (" the", ",", "\n"), and a map lookup costs a fraction of a BPE pass. Bounded: cleared when full.
 */
function memoised(count: (text: string) => number): (text: string) => number {
  const cache = new Map<string, number>();
  return (text) => {
    if (text.length > 24) return countInPieces(count, text);
    let tokens = cache.get(text);
    if (tokens === undefined) {
      if (cache.size >= 8192) cache.clear();
      tokens = count(text);
      cache.set(text, tokens);
    }
    return tokens;
  };
}

const pieceChars = 256;
const hardSplitChars = 64;

/**
 * BPE merges inside one pre-token are quadratic: a 2 MB run without whitespace (a base64 blob,
 * a long line of dashes) would take half an hour. Long texts are counted in pieces of at most
 * 256 characters, split just before whitespace (where the tokenizer splits anyway, so counts
 * are unchanged) and, inside an unbroken run, every 64 characters (a cut that costs at most one
 * token per piece). Never between the halves of a surrogate pair.
 */
function countInPieces(count: (text: string) => number, text: string): number {
  if (text.length <= pieceChars) return count(text);
  let total = 0;
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + pieceChars);
    if (end < text.length) {
      let split = end;
      while (split > start + hardSplitChars && text.charCodeAt(split) > 32) split -= 1;
      end = split > start + hardSplitChars ? split : safeCutIndex(text, start + hardSplitChars);
    }
    total += count(text.slice(start, end));
    start = end;
  }
  return total;
}

// Model output is text: a literal "<|im_start|>" in it is characters, not a control token.
// gpt-tokenizer throws on special tokens by default, which would end the run in an error.
const asText = { disallowedSpecial: new Set<string>() };

const countO200kMemo = memoised((text) => countO200k(text, asText));
const o200k: TokenCounter = { encoding: 'o200k_base', exact: true, count: countO200kMemo };
const cl100k: TokenCounter = {
  encoding: 'cl100k_base',
  exact: true,
  count: memoised((text) => countCl100k(text, asText)),
};
const approximate: TokenCounter = { encoding: 'o200k_base', exact: false, count: countO200kMemo };

// OpenAI models on o200k_base (GPT-4o and later, the o-series) and on cl100k_base (GPT-4,
// GPT-3.5, embeddings). text-davinci-003 used p50k_base; cl100k is within a few percent on
// English, and stopwise only needs counts for estimates.
const o200kModels = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4|gpt-oss)/;
const cl100kModels = /^(gpt-4|gpt-3\.5|text-embedding|text-davinci|davinci|babbage)/;

/**
 * The token counter for `model`. OpenAI models get their own encoding. Every other model
 * (Claude, Gemini, Llama, DeepSeek, ...) gets o200k_base as a documented approximation,
 * marked `exact: false`: modern BPE vocabularies of 100k-260k entries tokenise English prose
 * within about 10-20% of each other, which is what estimates of savings need.
 */
export function tokenCounterFor(model: string): TokenCounter {
  const name = model.toLowerCase().replace(/^(openai\/|azure\/)/, '');
  if (o200kModels.test(name)) return o200k;
  if (cl100kModels.test(name)) return cl100k;
  return approximate;
}
