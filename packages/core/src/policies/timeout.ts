import { ConfigError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import type { StopPolicy } from '../policy.js';
import { optionNames } from './options.js';

/** Options of {@link timeout}; give at least one. All in milliseconds since the request was sent. */
export interface TimeoutOptions {
  /** Stop when no output token has arrived this long after the request was sent. */
  firstTokenMs?: number | undefined;
  /** Stop when no output token has arrived for this long after the last one (a stall). */
  idleMs?: number | undefined;
  /** Stop when the whole call has taken this long. */
  totalMs?: number | undefined;
}

/** The names {@link TimeoutOptions} takes (others are refused). */
export const timeoutOptionNames = optionNames<TimeoutOptions>({
  firstTokenMs: true,
  idleMs: true,
  totalMs: true,
});

function assertDuration(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(
      `timeout.${field}`,
      `must be a positive number of milliseconds, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Stops a call that takes too long to start, stalls, or runs too long. Unlike an HTTP timeout it
 * keeps everything received so far, and it fires even when no chunk arrives: the runner wakes it
 * at the deadline it asks for (`nextCheckAt`). The run ends with outcome `policy-stop`.
 */
export function timeout(options: TimeoutOptions): StopPolicy {
  return timeoutFrom(timeoutConfig(options));
}

/** Validated time limits: what each call's policy is made from. */
export interface TimeoutConfig {
  readonly name: string;
  readonly firstTokenMs: number | undefined;
  readonly idleMs: number | undefined;
  readonly totalMs: number | undefined;
}

/** Validates {@link TimeoutOptions}, as {@link timeout} does (a `ConfigError` naming the field). */
export function timeoutConfig(options: TimeoutOptions): TimeoutConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('timeout', 'must be an options object { firstTokenMs?, idleMs?, totalMs? }');
  }
  rejectUnknownOptions('timeout', options, timeoutOptionNames);
  const { firstTokenMs, idleMs, totalMs } = options;
  assertDuration('firstTokenMs', firstTokenMs);
  assertDuration('idleMs', idleMs);
  assertDuration('totalMs', totalMs);
  if (firstTokenMs === undefined && idleMs === undefined && totalMs === undefined) {
    throw new ConfigError('timeout', 'give at least one of firstTokenMs, idleMs, totalMs');
  }
  const parts = [
    firstTokenMs === undefined ? '' : `firstTokenMs: ${firstTokenMs}`,
    idleMs === undefined ? '' : `idleMs: ${idleMs}`,
    totalMs === undefined ? '' : `totalMs: ${totalMs}`,
  ].filter(Boolean);
  return Object.freeze({ name: `timeout(${parts.join(', ')})`, firstTokenMs, idleMs, totalMs });
}

/** A fresh timeout policy (per-call state only) from a validated {@link TimeoutConfig}. */
export function timeoutFrom(config: TimeoutConfig): StopPolicy {
  const { firstTokenMs, idleMs, totalMs } = config;
  let lastTokenAt: number | undefined;

  const deadlines = (): Array<[number, string]> => {
    const list: Array<[number, string]> = [];
    if (totalMs !== undefined) list.push([totalMs, `call took longer than ${totalMs} ms`]);
    if (lastTokenAt === undefined && firstTokenMs !== undefined) {
      list.push([firstTokenMs, `no output within ${firstTokenMs} ms`]);
    }
    if (lastTokenAt !== undefined && idleMs !== undefined) {
      list.push([lastTokenAt + idleMs, `stream stalled: no output for ${idleMs} ms`]);
    }
    return list;
  };

  return {
    name: config.name,
    // A deadline protects the caller: it must act in holdout calls too.
    safety: true,
    start() {
      lastTokenAt = undefined;
    },
    step(view) {
      if (view.delta.length > 0) lastTokenAt = view.elapsedMs;
      const due = deadlines().find(([at]) => view.elapsedMs >= at);
      return due ? { reason: due[1], kind: 'cap', confidence: 1, safety: true } : undefined;
    },
    nextCheckAt() {
      const ats = deadlines().map(([at]) => at);
      return ats.length === 0 ? undefined : Math.min(...ats);
    },
  };
}
