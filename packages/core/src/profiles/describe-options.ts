import type { KeywordContextOptions } from '../adaptive/keyword-context.js';
import type { KeywordRule } from '../adaptive/keyword-rules.js';
import { defaultLengthHistory } from '../adaptive/length-history.js';

// Descriptions of frozen options (a profile's settings), which profiles describe on every call.
const describedOptions = new WeakMap<object, Record<string, unknown>>();

/** What `explain` shows of an options object: RegExps as text, a store by kind. */
export function describeOptions(options: object): Record<string, unknown> {
  const cached = describedOptions.get(options);
  if (cached) return cached;
  const shown = describeUncached(options);
  if (Object.isFrozen(options)) describedOptions.set(options, Object.freeze(shown));
  return shown;
}

function describeUncached(options: object): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'store') shown[key] = value === defaultLengthHistory ? 'default (in memory)' : 'custom';
    else if (value instanceof RegExp) shown[key] = String(value);
    else if (Array.isArray(value))
      shown[key] = value.map((item) => (item instanceof RegExp ? String(item) : item));
    else shown[key] = value;
  }
  return shown;
}

const describedKeywords = new WeakMap<object, Record<string, unknown>>();

/** What `explain` shows of keyword options: the ids of the rules in force. */
export function describeKeywords(
  options: KeywordContextOptions,
  rules: readonly KeywordRule[],
): Record<string, unknown> {
  const cached = describedKeywords.get(options);
  if (cached) return cached;
  const shown = describeOptions({ ...options, rules: rules.map((rule) => rule.id) });
  if (Object.isFrozen(options)) describedKeywords.set(options, Object.freeze(shown));
  return shown;
}
