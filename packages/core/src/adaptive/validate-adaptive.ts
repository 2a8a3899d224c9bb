import { ConfigError } from '../errors.js';
import type { AdaptiveLengthOptions, AdaptiveLengthSettings } from './adaptive-length.js';
import { defaultLengthHistory } from './length-history.js';

/** The fields {@link AdaptiveLengthOptions} allows, for unknown-key errors. */
export const adaptiveLengthKeys: readonly string[] = [
  'store',
  'quantile',
  'confidence',
  'slack',
  'minSamples',
  'graceTokens',
  'minBudget',
  'userWeight',
  'priorTokens',
  'phase',
  'learn',
  'reasoning',
];

function number(
  field: string,
  value: unknown,
  fallback: number,
  ok: (n: number) => boolean,
  allowed: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(field, `must be ${allowed}, got ${JSON.stringify(value)}`);
  }
  return value;
}

const integer = (n: number) => Number.isInteger(n);
const isLevel = (n: number) => n > 0 && n < 1;
const isConfidence = (n: number) => n >= 0 && n < 1;
const isSlack = (n: number) => n >= 1 && n <= 100;

/** Default of `reasoning.roomWithoutAnswer`: reasoning with no answer yet may run to twice its budget. */
const defaultRoomWithoutAnswer = 2;

function reasoningOptions(
  field: string,
  value: AdaptiveLengthOptions['reasoning'],
  answer: { quantile: number; confidence: number; slack: number },
): AdaptiveLengthSettings['reasoning'] {
  if (value === undefined) return { ...answer, roomWithoutAnswer: defaultRoomWithoutAnswer };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, 'must be an object { quantile?, confidence?, slack?, roomWithoutAnswer? }');
  }
  for (const key of Object.keys(value)) {
    if (!['quantile', 'confidence', 'slack', 'roomWithoutAnswer'].includes(key)) {
      throw new ConfigError(
        `${field}.${key}`,
        'is not a reasoning option; use quantile, confidence, slack, roomWithoutAnswer',
      );
    }
  }
  return {
    quantile: number(
      `${field}.quantile`,
      value.quantile,
      answer.quantile,
      isLevel,
      'a number between 0 and 1',
    ),
    confidence: number(
      `${field}.confidence`,
      value.confidence,
      answer.confidence,
      isConfidence,
      'a number in [0, 1)',
    ),
    slack: number(`${field}.slack`, value.slack, answer.slack, isSlack, 'a number from 1 to 100'),
    roomWithoutAnswer: number(
      `${field}.roomWithoutAnswer`,
      value.roomWithoutAnswer,
      defaultRoomWithoutAnswer,
      isSlack,
      'a number from 1 to 100',
    ),
  };
}

/**
 * Validates adaptive-length options and fills in the defaults. Each bad value is a
 * {@link ConfigError} naming `field.key`; an unknown key is one too.
 */
export function validateAdaptiveLengthOptions(
  field: string,
  options: AdaptiveLengthOptions,
): AdaptiveLengthSettings {
  const cached = typeof options === 'object' && options !== null ? validatedSettings.get(options) : undefined;
  if (cached) return cached;
  const settings = validateUncached(field, options);
  if (Object.isFrozen(options)) validatedSettings.set(options, settings);
  return settings;
}

// Settings of frozen options (every profile's), validated once: profiles build an adaptive-length
// policy for every call, and the same settings object lets length predictions be cached by it.
const validatedSettings = new WeakMap<object, AdaptiveLengthSettings>();

function validateUncached(field: string, options: AdaptiveLengthOptions): AdaptiveLengthSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(field, 'must be an options object');
  }
  for (const key of Object.keys(options)) {
    if (!adaptiveLengthKeys.includes(key)) {
      throw new ConfigError(
        `${field}.${key}`,
        `is not an adaptive-length option; use ${adaptiveLengthKeys.join(', ')}`,
      );
    }
  }
  const phase = options.phase ?? 'any';
  if (phase !== 'any' && phase !== 'answer' && phase !== 'reasoning') {
    throw new ConfigError(
      `${field}.phase`,
      `must be 'answer', 'reasoning' or 'any', got ${JSON.stringify(phase)}`,
    );
  }
  if (options.learn !== undefined && typeof options.learn !== 'boolean') {
    throw new ConfigError(`${field}.learn`, 'must be true or false');
  }
  const priorTokens =
    options.priorTokens === undefined
      ? undefined
      : number(
          `${field}.priorTokens`,
          options.priorTokens,
          0,
          (n) => integer(n) && n >= 1,
          'a positive integer',
        );
  const quantile = number(`${field}.quantile`, options.quantile, 0.95, isLevel, 'a number between 0 and 1');
  const confidence = number(
    `${field}.confidence`,
    options.confidence,
    0.9,
    isConfidence,
    'a number in [0, 1)',
  );
  const slack = number(`${field}.slack`, options.slack, 1.5, isSlack, 'a number from 1 to 100');
  return {
    store: options.store ?? defaultLengthHistory,
    quantile,
    confidence,
    slack,
    reasoning: reasoningOptions(`${field}.reasoning`, options.reasoning, { quantile, confidence, slack }),
    minSamples: number(
      `${field}.minSamples`,
      options.minSamples,
      12,
      (n) => integer(n) && n >= 1,
      'a positive integer',
    ),
    graceTokens: number(
      `${field}.graceTokens`,
      options.graceTokens,
      64,
      (n) => integer(n) && n >= 0,
      'an integer ≥ 0',
    ),
    minBudget: number(
      `${field}.minBudget`,
      options.minBudget,
      64,
      (n) => integer(n) && n >= 1,
      'a positive integer',
    ),
    userWeight: number(
      `${field}.userWeight`,
      options.userWeight,
      2,
      (n) => n > 0 && n <= 100,
      'a number in (0, 100]',
    ),
    priorTokens,
    phase,
    learn: options.learn ?? true,
  };
}
