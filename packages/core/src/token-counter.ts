import { safeCutIndex } from './text-boundary.js';

/** A tokenizer encoding stopwise counts with. */
type TokenEncoding = 'o200k_base' | 'cl100k_base';

/**
 * Counts tokens of text the way a model's tokenizer would (or as close as stopwise can).
 *
 * The encoding's table (megabytes, a third of a second to load) is not loaded at import: it
 * loads on {@link TokenCounter.load}, or in the background on the first `count`. Until it is
 * loaded, `count` returns an approximation (one token per four characters) and `ready` is
 * false: code that needs exact counts awaits `load()` first, as the runner does.
 */
export interface TokenCounter {
  /** The encoding used, e.g. `o200k_base`. */
  readonly encoding: 'o200k_base' | 'cl100k_base';
  /** True when this is the model's own tokenizer; false for an approximation. */
  readonly exact: boolean;
  /** Whether the encoding's table is loaded, so `count` gives the tokenizer's counts. */
  readonly ready: boolean;
  /**
   * Loads the encoding's table, once per process; resolves to this counter. Rejects when the
   * table cannot be loaded (a bundle that left `gpt-tokenizer` out); a later call tries again.
   */
  load(): Promise<TokenCounter>;
  /** Number of tokens in `text`; an approximation until the table is loaded (see `ready`). */
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

type CountTokens = (text: string, options: typeof asText) => number;

// One loader per encoding, each with its own module specifier written out: bundlers split a
// literal `import()` into its own chunk, and only the encoding a model needs is ever loaded.
// `import()`, not `require`: it works in ESM, in the CommonJS build (tsup turns it into a
// deferred require) and on every runtime stopwise supports.
const loaders: Record<TokenEncoding, () => Promise<{ countTokens: CountTokens }>> = {
  o200k_base: () => import('gpt-tokenizer/encoding/o200k_base'),
  cl100k_base: () => import('gpt-tokenizer/encoding/cl100k_base'),
};

/** One encoding's table, loaded on first use and then shared by every counter on it. */
class EncodingTable {
  /** The memoised exact count, once the table is loaded. */
  count: ((text: string) => number) | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly encoding: TokenEncoding) {}

  load(): Promise<void> {
    if (this.count !== undefined) return Promise.resolve();
    this.loading ??= loaders[this.encoding]().then(
      ({ countTokens }) => {
        this.count = memoised((text) => countTokens(text, asText));
      },
      (error: unknown) => {
        // Forget the failure, so the next call tries again (a transient bundler chunk error).
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}

/**
 * Until the table is loaded: about four characters a token, the usual figure for English in
 * modern BPE vocabularies. Only code that did not await `load()` ever sees it.
 */
function approximateCount(text: string): number {
  return Math.ceil(text.length / 4);
}

class LazyTokenCounter implements TokenCounter {
  constructor(
    private readonly table: EncodingTable,
    readonly encoding: TokenEncoding,
    readonly exact: boolean,
  ) {}

  get ready(): boolean {
    return this.table.count !== undefined;
  }

  load(): Promise<TokenCounter> {
    return this.table.load().then(() => this);
  }

  count(text: string): number {
    const exact = this.table.count;
    if (exact !== undefined) return exact(text);
    // Start loading for the next caller; this one gets the approximation. A failed load is
    // retried by the next `load()` and stays an approximation meanwhile.
    this.table.load().then(undefined, () => {});
    return approximateCount(text);
  }
}

const o200kTable = new EncodingTable('o200k_base');
const o200k = new LazyTokenCounter(o200kTable, 'o200k_base', true);
const cl100k = new LazyTokenCounter(new EncodingTable('cl100k_base'), 'cl100k_base', true);
const approximate = new LazyTokenCounter(o200kTable, 'o200k_base', false);

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
