import { defaultLengthHistory, type LengthHistoryStore } from '../adaptive/length-history.js';
import type { CallPolicyOptions } from '../call-options.js';
import { PairMemo } from '../pair-memo.js';
import { patternsKey } from './chain-plan.js';
import { withCutAlias } from './cut-alias.js';
import type { ProfileOverrides, ProfileSettings } from './settings.js';

/**
 * A call's profile settings with what the client and the call add to them (the client's length
 * store, the call's own stop strings and token cap), made once per settings object and addition
 * and frozen where nothing in them can change: profile plans are kept by the identity of the
 * settings (see `planFor`), so a fresh object per call would cost every call its plan.
 */

// The client's store put into an adaptive-length section left at the default store, once per
// section object and store, and once per settings object and store: policies cache what they
// build by the identity of their section, and profile plans by the identity of the settings.
const withStore = new PairMemo<object, LengthHistoryStore, object>();
const settingsWithStore = new PairMemo<ProfileSettings, LengthHistoryStore, ProfileSettings>();

/** `settings` with the client's length store in an adaptive-length section left at the default store. */
export function withLengthStore(settings: ProfileSettings, store: LengthHistoryStore): ProfileSettings {
  const length = settings.adaptiveLength;
  if (!length || (length.store !== undefined && length.store !== defaultLengthHistory)) return settings;
  // Only a frozen section can be reused: the caller cannot change it later.
  if (!Object.isFrozen(length)) return { ...settings, adaptiveLength: { ...length, store } };
  const section = withStore.get(length, store, () => Object.freeze({ ...length, store }));
  const merge = () => ({ ...settings, adaptiveLength: section as typeof length });
  return Object.isFrozen(settings)
    ? settingsWithStore.get(settings, store, () => Object.freeze(merge()))
    : merge();
}

// Settings with a call's own stop strings and token cap, per settings object and what the call
// gave (stop patterns told apart as they behave, a RegExp by its source and flags): calls that
// pass the same `policy.stopOn` or `cutAtTokens` share one plan. Bounded per settings object.
const withCallParts = new WeakMap<ProfileSettings, Map<string, ProfileSettings>>();
const maxCallParts = 64;

/** `settings` with the call's stop strings joined to its own and the call's token cap, if any. */
export function withCallSettings(
  settings: ProfileSettings,
  perCall: CallPolicyOptions | undefined,
): ProfileSettings {
  const cut = perCall && withCutAlias('policy', perCall).cutAtTokens;
  const stop = perCall?.stopOn;
  if (stop === undefined && cut === undefined) return settings;
  const merge = (): ProfileSettings => {
    const callSettings: ProfileOverrides = {};
    if (stop !== undefined) callSettings.stopOn = stop;
    if (cut !== undefined) callSettings.cutAtTokens = cut;
    return { ...settings, ...callSettings, stopOn: [...settings.stopOn, ...(stop ?? [])] } as ProfileSettings;
  };
  const key = callPartsKey(stop, cut);
  if (key === undefined || !Object.isFrozen(settings) || !Object.isFrozen(settings.stopOn)) return merge();
  let known = withCallParts.get(settings);
  if (known === undefined) {
    known = new Map();
    withCallParts.set(settings, known);
  }
  let merged = known.get(key);
  if (merged === undefined) {
    const fresh = merge();
    merged = Object.freeze({ ...fresh, stopOn: Object.freeze(fresh.stopOn) });
    if (known.size >= maxCallParts) known.clear();
    known.set(key, merged);
  }
  return merged;
}

/** What a call adds to its profile's settings, as a key; undefined when it cannot be told apart. */
function callPartsKey(stop: readonly unknown[] | undefined, cut: unknown): string | undefined {
  if (stop !== undefined && !Array.isArray(stop)) return undefined;
  const prefix = typeof cut === 'number' ? `${cut}|` : cut === undefined ? '|' : undefined;
  const patterns = patternsKey(stop ?? []);
  return prefix === undefined || patterns === undefined ? undefined : prefix + patterns;
}
