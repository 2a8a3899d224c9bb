/**
 * Where an adaptive-length policy keeps a call's lengths: the store keys of a call (see
 * `length-bucket.ts`), reading the history a prediction is made from, and recording what a call
 * showed when it ends (censoring, see docs/adaptive-length.md).
 */
import type { CallContext, PolicyCallEnd } from '../policy.js';
import { ignoreRejection, isThenable } from '../thenable.js';
import { keywordText } from './keyword-context.js';
import { type LengthKeys, lengthKeys, type PromptFeatures, promptFeatures } from './length-bucket.js';
import type { LengthHistoryStore, LengthSample } from './length-history.js';
import type { PhaseHistory } from './length-prediction.js';

/** A phase of a call. */
export type Phase = 'reasoning' | 'answer';

/** What the store holds for a call, per phase. */
export type History = Record<Phase, PhaseHistory>;

// Frozen: predictLength takes a frozen empty list as one that never changes, so predictions
// for calls without history are cached too.
const noSamples: readonly LengthSample[] = Object.freeze([]);
const empty: PhaseHistory = { user: noSamples, fine: noSamples, coarse: noSamples };

/** The store keys of one phase of a call: its fine and coarse buckets, and the user's own. */
export interface PhaseKeys {
  fine: string;
  coarse: string;
  user: string | undefined;
}
/** The store keys of a call, per phase. */
export type CallKeys = Record<Phase, PhaseKeys>;

/**
 * The keys of `call`: from `metadata.bucket`, else from the prompt's features (made once per
 * features, model and user).
 */
export function keysOf(call: CallContext): CallKeys {
  const bucket = call.metadata.bucket;
  if (typeof bucket === 'string' && bucket !== '') return keysFrom(lengthKeys(call));
  // Without a bucket, the keys depend only on the prompt's features (one object per prompt
  // text, see `promptFeatures`), the model and the user: made once for them, they are the same
  // strings call after call, so a call builds none and the store's lookups and the cached
  // predictions find them by identity.
  const features = promptFeatures(keywordText(call, 'latest'));
  let byModel = keysByFeatures.get(features);
  if (byModel === undefined) {
    byModel = new Map();
    keysByFeatures.set(features, byModel);
  }
  let byUser = byModel.get(call.model);
  if (byUser === undefined) {
    if (byModel.size >= maxKeysPerFeatures) byModel.clear();
    byUser = new Map();
    byModel.set(call.model, byUser);
  }
  let keys = byUser.get(call.user);
  if (keys === undefined) {
    keys = keysFrom(lengthKeys(call));
    if (byUser.size >= maxKeysPerFeatures) byUser.clear();
    byUser.set(call.user, keys);
  }
  return keys;
}

const keysByFeatures = new WeakMap<PromptFeatures, Map<string, Map<string | undefined, CallKeys>>>();
const maxKeysPerFeatures = 256;

function keysFrom(keys: LengthKeys): CallKeys {
  return Object.freeze({ reasoning: phaseKeys(keys, 'reasoning'), answer: phaseKeys(keys, 'answer') });
}

function phaseKeys(keys: LengthKeys, phase: Phase): PhaseKeys {
  return Object.freeze({
    fine: `${keys.fine}|${phase}`,
    coarse: `${keys.coarse}|${phase}`,
    user: keys.user && `${keys.user}|${phase}`,
  });
}

/** A phase's three lists, an absent one empty. */
export function phaseHistory([user, fine, coarse]: Array<readonly LengthSample[] | undefined>): PhaseHistory {
  return { user: user ?? noSamples, fine: fine ?? noSamples, coarse: coarse ?? noSamples };
}

/** The lists a phase's keys hold (the user's, the fine bucket's, the coarse bucket's). */
export function phaseLists(store: LengthHistoryStore, phaseKeys: PhaseKeys) {
  return [load(store, phaseKeys.user), load(store, phaseKeys.fine), load(store, phaseKeys.coarse)];
}

function load(store: LengthHistoryStore, key: string | undefined) {
  return key === undefined ? noSamples : store.get(key);
}

/** The call's history read now: an async store read outside a profile (no prepare) gives none. */
export function readHistory(store: LengthHistoryStore, callKeys: CallKeys): History {
  return { reasoning: readPhase(store, callKeys.reasoning), answer: readPhase(store, callKeys.answer) };
}

function readPhase(store: LengthHistoryStore, phaseKeys: PhaseKeys): PhaseHistory {
  const lists = phaseLists(store, phaseKeys);
  if (lists.some(isThenable)) {
    // An async store read outside a profile (no prepare): no history this call.
    for (const list of lists) ignoreRejection(list);
    return empty;
  }
  return phaseHistory(lists as Array<readonly LengthSample[] | undefined>);
}

/** True when the call was cut for running long: a runaway or cap stop, or the provider's cap. */
function isRunaway(end: PolicyCallEnd): boolean {
  if (end.outcome === 'finish') return !end.natural;
  return end.outcome === 'policy-stop' && (end.stopKind === 'runaway' || end.stopKind === 'cap');
}

/** Kept at budget scale 1, so calls with and without "briefly" share a bucket on one footing. */
function unscaled(tokens: number, scale: number): number {
  return Math.round(tokens / scale);
}

/**
 * Records what the call showed. A phase that ended on its own (the answer after the model
 * finished; the reasoning once the answer began) is a length; a phase cut short is a censored
 * sample ("at least this long"); a phase that never started tells nothing and is not recorded.
 */
export function learn(
  store: LengthHistoryStore,
  keys: ReturnType<typeof keysOf>,
  seen: Record<Phase | 'scale', number>,
  end: PolicyCallEnd,
): void {
  const samples: Array<[Phase, LengthSample]> = [];
  const runaway = isRunaway(end);
  if (seen.reasoning > 0) {
    const ended = seen.answer > 0 || end.natural;
    samples.push([
      'reasoning',
      { tokens: unscaled(seen.reasoning, seen.scale), censored: !ended, runaway: !ended && runaway },
    ]);
  }
  if (seen.answer > 0 || end.natural) {
    samples.push([
      'answer',
      { tokens: unscaled(seen.answer, seen.scale), censored: !end.natural, runaway: !end.natural && runaway },
    ]);
  }
  for (const [phase, sample] of samples) {
    if (sample.censored && sample.tokens === 0) continue;
    for (const key of new Set([keys[phase].fine, keys[phase].coarse, keys[phase].user])) {
      if (key === undefined) continue;
      try {
        const added = store.add(key, sample);
        ignoreRejection(added);
      } catch {
        // A failing store must not break the call that is ending; the sample is lost.
      }
    }
  }
}
