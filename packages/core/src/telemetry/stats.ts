import type { CallEndEvent } from './events.js';

/** Running totals of a group of calls. */
export interface SavingsTotals {
  /** Calls that ended, whatever the outcome. */
  calls: number;
  /** Calls a policy stopped. */
  stops: number;
  /** Calls run unstopped to calibrate estimates (see `holdout`). */
  holdouts: number;
  /** Calls that ended in a provider or stream error. */
  errors: number;
  /** Output tokens produced (billed). */
  outputTokens: number;
  /** Tokens saved by stops: the sum of point estimates only (calls with `tokensSaved: null` add nothing). */
  tokensSaved: number;
  /**
   * Σ `tokensSavedAtMost` over the stopped calls that had a cap: the most the stops can have
   * saved. A bound, summed apart from `tokensSaved`, never added to it.
   */
  tokensSavedAtMost: number;
  /** Stopped calls with no point estimate (`tokensSaved: null`): left out of `tokensSaved`. */
  unestimatedStops: number;
  /** USD saved, over the calls whose model has a known price. */
  costSaved: number;
  /**
   * Sums of the per-call `costSavedRange` ends, over the same calls as `costSaved`: every call's
   * saving at the low and at the high end of its own interval. A wide, conservative range for
   * the total (the ends of ~90% intervals, added up), not an interval with a stated coverage.
   */
  costSavedLow: number;
  costSavedHigh: number;
  /** Calls with a token estimate but no known price (`costSaved: null`), left out of `costSaved`. */
  unpricedCalls: number;
  /** Milliseconds of streaming the stops saved, where the token rate was known. */
  timeSavedMs: number;
}

/** `client.stats()`: totals over every call of the client, and broken down four ways. */
export interface SavingsStats {
  total: SavingsTotals;
  /** By resolved profile; calls without one under `(none)`. */
  byProfile: Record<string, SavingsTotals>;
  /** By the policy that stopped the call (stopped calls only). */
  byPolicy: Record<string, SavingsTotals>;
  /** By requested model. */
  byModel: Record<string, SavingsTotals>;
  /** By end-user id; calls without one under `(none)`. */
  byUser: Record<string, SavingsTotals>;
}

/** Group keys kept per breakdown; later new keys are pooled under `(other)` so memory stays bounded. */
const maxKeys = 10_000;

function emptyTotals(): SavingsTotals {
  return {
    calls: 0,
    stops: 0,
    holdouts: 0,
    errors: 0,
    outputTokens: 0,
    tokensSaved: 0,
    tokensSavedAtMost: 0,
    unestimatedStops: 0,
    costSaved: 0,
    costSavedLow: 0,
    costSavedHigh: 0,
    unpricedCalls: 0,
    timeSavedMs: 0,
  };
}

function add(totals: SavingsTotals, event: CallEndEvent): void {
  const { savings } = event;
  totals.calls += 1;
  if (event.outcome === 'policy-stop') totals.stops += 1;
  if (event.outcome === 'error') totals.errors += 1;
  if (savings.holdout) totals.holdouts += 1;
  totals.outputTokens += savings.outputTokens;
  // `== null`: an estimator written before the null headline may still give undefined.
  if (savings.tokensSaved == null) {
    if (event.outcome === 'policy-stop') totals.unestimatedStops += 1;
  } else totals.tokensSaved += savings.tokensSaved;
  if (event.outcome === 'policy-stop') totals.tokensSavedAtMost += savings.tokensSavedAtMost ?? 0;
  if (savings.costSaved === null) {
    // A stop with no token estimate has no cost either; that is not a missing price.
    if (savings.tokensSaved != null) totals.unpricedCalls += 1;
  } else {
    totals.costSaved += savings.costSaved;
    // An estimator that predates the range gives the point figure at both ends.
    totals.costSavedLow += savings.costSavedRange?.low ?? savings.costSaved;
    totals.costSavedHigh += savings.costSavedRange?.high ?? savings.costSaved;
  }
  totals.timeSavedMs += savings.timeSavedMs ?? 0;
}

/**
 * Accumulates call-end events into {@link SavingsStats}. A client keeps one (`client.stats()`);
 * exporters can keep their own.
 */
export class SavingsStatsCollector {
  private readonly total = emptyTotals();
  private readonly groups = {
    byProfile: new Map<string, SavingsTotals>(),
    byPolicy: new Map<string, SavingsTotals>(),
    byModel: new Map<string, SavingsTotals>(),
    byUser: new Map<string, SavingsTotals>(),
  };

  /** Adds one finished call. */
  add(event: CallEndEvent): void {
    add(this.total, event);
    this.addTo(this.groups.byProfile, event.profile ?? '(none)', event);
    this.addTo(this.groups.byModel, event.model, event);
    this.addTo(this.groups.byUser, event.user ?? '(none)', event);
    if (event.stoppedBy !== undefined) this.addTo(this.groups.byPolicy, event.stoppedBy, event);
  }

  /** A copy of the totals so far. */
  snapshot(): SavingsStats {
    const copy = (map: Map<string, SavingsTotals>) =>
      Object.fromEntries([...map].map(([key, totals]) => [key, { ...totals }]));
    return {
      total: { ...this.total },
      byProfile: copy(this.groups.byProfile),
      byPolicy: copy(this.groups.byPolicy),
      byModel: copy(this.groups.byModel),
      byUser: copy(this.groups.byUser),
    };
  }

  private addTo(map: Map<string, SavingsTotals>, key: string, event: CallEndEvent): void {
    let totals = map.get(key);
    if (totals === undefined) {
      const pooled = map.size >= maxKeys ? '(other)' : key;
      totals = map.get(pooled) ?? emptyTotals();
      map.set(pooled, totals);
    }
    add(totals, event);
  }
}
