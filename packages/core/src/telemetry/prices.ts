import type { calcPrice } from '@pydantic/genai-prices';
import { ConfigError } from '../errors.js';

type CalcPrice = typeof calcPrice;

/**
 * A user price for one model, replacing the price library's. Every number carries its unit in
 * its name (USD per million tokens), and `currency` says the currency, so a bare `0.6` cannot be
 * misread as per-token or per-thousand.
 */
export interface PriceOverride {
  /** USD per 1,000,000 output tokens (reasoning tokens included). */
  outputPerMTok: number;
  /** USD per 1,000,000 input tokens. Not needed for savings (a stop never changes the input). */
  inputPerMTok?: number | undefined;
  /** Only `USD` for now: savings are reported in USD. */
  currency: 'USD';
}

/** Price overrides by model id, matched exactly against the requested or the response model. */
export type PriceOverrides = Readonly<Record<string, PriceOverride>>;

/** What {@link outputCostDelta} needs to price the output a stop saved. */
export interface CostDeltaInput {
  /** The requested model, then the model the provider said answered (dated snapshot ids). */
  models: readonly string[];
  /** The adapter's name (`openai`, `anthropic`, ...): a hint for the price library. */
  provider: string;
  inputTokens: number;
  outputTokens: number;
  /** Output tokens the stop saved, priced at the margin (tiered prices stay right). */
  savedTokens: number;
  /** When the call ran: some prices depend on the date or the time of day (DeepSeek off-peak). */
  at: Date;
  overrides: PriceOverrides | undefined;
}

/** USD, or `null` with the reason when the model has no known price. */
export type CostDelta = { usd: number; reason?: undefined } | { usd: null; reason: string };

const priceLibrary = '@pydantic/genai-prices';

// The price library bundles its whole database (a tenth of a second and megabytes to load), and
// most calls never price anything (nothing saved costs nothing): it loads on first use. Lookups
// are synchronous, at the end of a call, so the runner starts the load when a call that can stop
// starts and waits for it before the result is assembled (`loadPriceData`, `priceDataReady`).
let calc: CalcPrice | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the price library's data, once per process. Rejects when it cannot be loaded (a bundle
 * that left it out); a later call tries again, and prices stay unknown meanwhile.
 */
export function loadPriceData(): Promise<void> {
  if (calc !== undefined) return Promise.resolve();
  loading ??= import('@pydantic/genai-prices').then(
    (library) => {
      calc = library.calcPrice;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Whether the price library's data is loaded, so lookups answer from it. */
export function priceDataReady(): boolean {
  return calc !== undefined;
}

/** Throws a {@link ConfigError} naming the field for a malformed `prices` option. */
export function validatePriceOverrides(
  field: string,
  prices: unknown,
): asserts prices is PriceOverrides | undefined {
  if (prices === undefined) return;
  if (typeof prices !== 'object' || prices === null || Array.isArray(prices)) {
    throw new ConfigError(
      field,
      'must be a map { [model]: { outputPerMTok, inputPerMTok?, currency: "USD" } }',
    );
  }
  for (const [model, price] of Object.entries(prices)) {
    const at = `${field}[${JSON.stringify(model)}]`;
    if (typeof price !== 'object' || price === null) {
      throw new ConfigError(
        at,
        `must say its unit: { outputPerMTok: <USD per million output tokens>, currency: "USD" }, got ${JSON.stringify(price)}`,
      );
    }
    const entry = price as Record<string, unknown>;
    const known = ['outputPerMTok', 'inputPerMTok', 'currency'];
    const unknown = Object.keys(entry).find((key) => !known.includes(key));
    if (unknown !== undefined) {
      throw new ConfigError(
        `${at}.${unknown}`,
        `is not a price field with a unit; use outputPerMTok and inputPerMTok (USD per million tokens)`,
      );
    }
    if (entry.currency !== 'USD') {
      throw new ConfigError(
        `${at}.currency`,
        `must be "USD" (the unit of every price), got ${JSON.stringify(entry.currency)}`,
      );
    }
    for (const key of ['outputPerMTok', 'inputPerMTok'] as const) {
      const value = entry[key];
      if (value === undefined && key === 'inputPerMTok') continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ConfigError(
          `${at}.${key}`,
          `must be a finite number ≥ 0 (USD per million tokens), got ${JSON.stringify(value)}`,
        );
      }
    }
  }
}

function libraryPrice(
  calcPrice: CalcPrice,
  model: string,
  provider: string,
  input: number,
  output: number,
  at: Date,
): number | undefined {
  const usage = { input_tokens: input, output_tokens: output };
  try {
    // The adapter name is usually the library's provider id (openai, anthropic, google via
    // gemini...); when it is not (an OpenAI-compatible server), match on the model id alone.
    const found =
      calcPrice(usage, model, { providerId: provider, timestamp: at }) ??
      calcPrice(usage, model, { timestamp: at });
    return found?.total_price;
  } catch {
    // The library throws on price data it cannot apply; that is an unknown price, not a crash.
    return undefined;
  }
}

/** What {@link outputCostDeltas} needs: {@link CostDeltaInput} with several saved-token counts. */
export type CostDeltasInput = Omit<CostDeltaInput, 'savedTokens'> & {
  /** Output tokens saved, one count per figure wanted (e.g. an estimate and its interval ends). */
  savedTokens: readonly number[];
};

/** USD for each saved-token count, in order, or `null` with the reason when the price is unknown. */
export type CostDeltas = { usd: number[]; reason?: undefined } | { usd: null; reason: string };

/**
 * USD each of `savedTokens` would have cost: the price of the call with them minus without
 * them, so tiered prices (longer contexts cost more per token) are applied at the margin. User
 * overrides win; otherwise the bundled data of `@pydantic/genai-prices`, once loaded
 * ({@link loadPriceData}). An unknown model, or data not loaded yet, gives `null` with a reason,
 * never 0. The price without the saved tokens is looked up once for all
 * counts, and a count of 0 costs nothing, so an estimate with its interval costs at most one
 * lookup per distinct non-zero count more.
 */
export function outputCostDeltas(input: CostDeltasInput): CostDeltas {
  const { savedTokens } = input;
  for (const model of input.models) {
    const override = input.overrides?.[model];
    if (override) return { usd: savedTokens.map((tokens) => (tokens * override.outputPerMTok) / 1_000_000) };
  }
  const calcPrice = calc;
  if (calcPrice === undefined) {
    // Nothing synchronous can load it: start the load for later calls, and say why this one has
    // no price rather than guess one.
    loadPriceData().then(undefined, () => {});
    return {
      usd: null,
      reason: `the price data of ${priceLibrary} was not loaded yet (await loadPriceData() first, or set the client's prices option)`,
    };
  }
  for (const model of input.models) {
    const without = libraryPrice(
      calcPrice,
      model,
      input.provider,
      input.inputTokens,
      input.outputTokens,
      input.at,
    );
    if (without === undefined) continue;
    const usd: number[] = [];
    for (const [index, tokens] of savedTokens.entries()) {
      const same = savedTokens.indexOf(tokens);
      if (tokens <= 0) usd.push(0);
      else if (same < index) usd.push(usd[same] as number);
      else {
        const withSaved = libraryPrice(
          calcPrice,
          model,
          input.provider,
          input.inputTokens,
          input.outputTokens + tokens,
          input.at,
        );
        if (withSaved === undefined) break;
        usd.push(Math.max(0, withSaved - without));
      }
    }
    if (usd.length === savedTokens.length) return { usd };
  }
  const names = [...new Set(input.models)].map((model) => JSON.stringify(model)).join(' / ');
  return {
    usd: null,
    reason: `no price for model ${names} in ${priceLibrary}; set the client's prices option, e.g. prices: { ${JSON.stringify(input.models[0] ?? 'model')}: { outputPerMTok: 0.6, currency: 'USD' } }`,
  };
}

/**
 * USD the `savedTokens` would have cost: the price of the call with them minus without them,
 * so tiered prices (longer contexts cost more per token) are applied at the margin. User
 * overrides win; otherwise the bundled data of `@pydantic/genai-prices`. An unknown model gives
 * `null` with a reason, never 0.
 */
export function outputCostDelta(input: CostDeltaInput): CostDelta {
  const found = outputCostDeltas({ ...input, savedTokens: [input.savedTokens] });
  return found.usd === null ? found : { usd: found.usd[0] as number };
}
