import { ConfigError } from 'stopwise';
import { rejectUnknownOptions } from 'stopwise/adapter';

/**
 * Extended thinking (`thinking`), with its fields in camelCase:
 * - `{ type: 'enabled', budgetTokens }`: think with a budget of at least 1024 tokens, less than
 *   the call's `max_tokens` (thinking counts towards it);
 * - `{ type: 'adaptive' }`: the model decides whether and how much to think (newer models);
 * - `{ type: 'disabled' }`: no thinking.
 *
 * `display: 'omitted'` asks for a signature without the thinking text (then no reasoning streams).
 * Thinking streams as `reasoning-delta` parts, so stop policies can act on it.
 */
export type AnthropicThinking =
  | { type: 'enabled'; budgetTokens: number; display?: 'summarized' | 'omitted' | undefined }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' | undefined }
  | { type: 'disabled' };

/** Anthropic-specific call options (`providerOptions` of a call), passed through to the request. */
export interface AnthropicProviderOptions {
  /** Extended thinking (`thinking`); see {@link AnthropicThinking}. */
  thinking?: AnthropicThinking | undefined;
  /**
   * Nucleus sampling (`top_p`, 0 to 1). `@anthropic-ai/sdk` 1.x (API version 2026-10-21) no longer
   * types the sampling parameters; they are still sent, and models that dropped them refuse them.
   */
  topP?: number | undefined;
  /** Sample from the `top_k` likeliest tokens only (an integer ≥ 1); same caveat as `topP`. */
  topK?: number | undefined;
  /**
   * Strings at which the API itself stops (`stop_sequences`): the finish reason is then `stop`
   * with raw `stop_sequence`, and nothing after the match is generated or billed. Plain strings
   * only; stopwise's own `stopOn` policy takes any number of strings and regexes, matched across
   * chunks, but ends the stream one round trip later.
   */
  stopSequences?: readonly string[] | undefined;
  /**
   * Request `metadata`. `userId` (`metadata.user_id`) defaults to the call's `user`; Anthropic
   * uses it to detect abuse, so send an opaque id (a UUID or a hash), never a name or an email
   * address. `null` sends no user id even when the call has a `user`.
   */
  metadata?: { userId?: string | null | undefined } | undefined;
  /**
   * Extra top-level request fields, sent as they are (e.g. `{ service_tier: 'standard_only' }`):
   * the escape hatch for parameters stopwise does not know. Applied last, so it overrides what
   * stopwise set, except `stream`, which the adapter needs.
   */
  extraBody?: Readonly<Record<string, unknown>> | undefined;
}

const knownOptions = ['thinking', 'topP', 'topK', 'stopSequences', 'metadata', 'extraBody'];
const displays = ['summarized', 'omitted'];
/** The fields each thinking type takes. */
const thinkingFields: Readonly<Record<string, readonly string[]>> = {
  enabled: ['type', 'budgetTokens', 'display'],
  adaptive: ['type', 'display'],
  disabled: ['type'],
};

/** What the options add to the request body, in the API's own field names. */
export type ProviderOptionsBody = Record<string, unknown>;

/**
 * Checks `providerOptions` and turns them into request fields. `maxTokens` is the request's
 * `max_tokens`, which a thinking budget must stay under. Throws a `ConfigError` naming the field.
 */
export function providerOptionsBody(
  options: AnthropicProviderOptions | undefined,
  context: { maxTokens: number; user: string | undefined },
): ProviderOptionsBody {
  const body: ProviderOptionsBody = {};
  if (options === undefined || options === null) {
    if (context.user !== undefined) body.metadata = { user_id: context.user };
    return body;
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(
      'providerOptions',
      'must be an object of Anthropic options such as { thinking, topP }',
    );
  }
  for (const key of Object.keys(options)) {
    if (!knownOptions.includes(key)) {
      throw new ConfigError(
        `providerOptions.${key}`,
        `is not an Anthropic option (known: ${knownOptions.join(', ')}); send other API fields through \`extraBody\``,
      );
    }
  }
  if (options.thinking !== undefined) body.thinking = thinkingBody(options.thinking, context.maxTokens);
  if (options.topP !== undefined) body.top_p = checkTopP(options.topP);
  if (options.topK !== undefined) body.top_k = checkTopK(options.topK);
  if (options.stopSequences !== undefined) body.stop_sequences = checkStopSequences(options.stopSequences);
  const userId = metadataUserId(options.metadata, context.user);
  if (userId !== undefined) body.metadata = { user_id: userId };
  if (options.extraBody !== undefined) {
    if (
      typeof options.extraBody !== 'object' ||
      options.extraBody === null ||
      Array.isArray(options.extraBody)
    ) {
      throw new ConfigError('providerOptions.extraBody', 'must be an object of extra request fields');
    }
    Object.assign(body, options.extraBody);
  }
  return body;
}

function thinkingBody(thinking: AnthropicThinking, maxTokens: number): Record<string, unknown> {
  const field = 'providerOptions.thinking';
  if (typeof thinking !== 'object' || thinking === null) {
    throw new ConfigError(
      field,
      "must be { type: 'enabled', budgetTokens }, { type: 'adaptive' } or { type: 'disabled' }",
    );
  }
  const display = 'display' in thinking ? thinking.display : undefined;
  if (display !== undefined && !displays.includes(display)) {
    throw new ConfigError(
      `${field}.display`,
      `must be 'summarized' or 'omitted', got ${JSON.stringify(display)}`,
    );
  }
  // A field the type does not take is refused, not dropped: `{ type: 'adaptive', budgetTokens }`
  // sent no budget, and the API's own `budget_tokens` was lost next to a valid `budgetTokens`.
  const type = thinking.type as string;
  if (Object.hasOwn(thinkingFields, type)) rejectUnknownOptions(field, thinking, thinkingFields[type] ?? []);
  switch (thinking.type) {
    case 'enabled': {
      const budget = thinking.budgetTokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) {
        throw new ConfigError(
          `${field}.budgetTokens`,
          `must be an integer of at least 1024, got ${JSON.stringify(budget)}`,
        );
      }
      if (budget >= maxTokens) {
        throw new ConfigError(
          `${field}.budgetTokens`,
          `must be less than max_tokens (${maxTokens}, from maxOutputTokens or defaultMaxTokens), got ${budget}`,
        );
      }
      return compact({ type: 'enabled', budget_tokens: budget, display });
    }
    case 'adaptive':
      return compact({ type: 'adaptive', display });
    case 'disabled':
      return { type: 'disabled' };
    default:
      throw new ConfigError(
        `${field}.type`,
        `must be 'enabled', 'adaptive' or 'disabled', got ${JSON.stringify((thinking as { type?: unknown }).type)}`,
      );
  }
}

function checkTopP(value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ConfigError(
      'providerOptions.topP',
      `must be a number from 0 to 1, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function checkTopK(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(
      'providerOptions.topK',
      `must be an integer of at least 1, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function checkStopSequences(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new ConfigError('providerOptions.stopSequences', 'must be an array of non-empty strings');
  }
  value.forEach((item, index) => {
    if (typeof item !== 'string' || item === '') {
      throw new ConfigError(
        `providerOptions.stopSequences[${index}]`,
        `must be a non-empty string, got ${JSON.stringify(item)} (use stopwise's stopOn for regexes)`,
      );
    }
  });
  return [...value];
}

function metadataUserId(
  metadata: AnthropicProviderOptions['metadata'],
  user: string | undefined,
): string | undefined {
  if (metadata === undefined) return user;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ConfigError('providerOptions.metadata', 'must be an object { userId }');
  }
  for (const key of Object.keys(metadata)) {
    if (key !== 'userId') {
      throw new ConfigError(`providerOptions.metadata.${key}`, 'is not a metadata option (known: userId)');
    }
  }
  const { userId } = metadata;
  if (userId === null) return undefined;
  if (userId === undefined) return user;
  if (typeof userId !== 'string' || userId === '') {
    throw new ConfigError(
      'providerOptions.metadata.userId',
      `must be a non-empty string or null, got ${JSON.stringify(userId)}`,
    );
  }
  return userId;
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
