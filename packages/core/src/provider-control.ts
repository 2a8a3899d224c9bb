import { ignoreRejection } from './thenable.js';

/**
 * Aborts the request for a policy stop, with errors made meanwhile carrying no stack frames.
 * The abort runs the SDK's and undici's handlers synchronously, which make AbortErrors and
 * close the connection through Node streams that read each error's `stack`: formatting those
 * frames (through source maps, when enabled) was most of the time from a stop to the socket
 * closing. A stop is not a bug: nobody needs where these errors were made.
 */
export function abortForStop(controller: AbortController, policy: string): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    controller.abort(new Error(`stopped by ${policy}`));
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** What {@link raceDeadline} resolves with when the deadline came first. */
export const timedOut = Symbol('timed-out');

/** Resolves with `promise`'s value, or with `timedOut` after `ms` (at least 1 ms, so a stale deadline cannot spin). */
export function raceDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), Math.max(1, ms));
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Calls the iterator's `return()`, ignoring whatever it throws or rejects with. */
export function closeQuietly(iterator: AsyncIterator<unknown>): void {
  try {
    const returned = iterator.return?.();
    ignoreRejection(returned);
  } catch {
    // The request is already aborted; a failing cleanup has nothing left to close.
  }
}

/** What {@link raceAbort} resolves with when `signal` aborted first. */
export const aborted = Symbol('aborted');

/**
 * Resolves with `promise`'s value, or with `aborted` as soon as `signal` aborts: a step the run
 * awaits before it has a request to abort (a user's profile resolver, a history lookup) must not
 * hold the call once the caller gave up. A late rejection of `promise` is swallowed.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof aborted> {
  if (signal.aborted) {
    promise.then(undefined, () => {});
    return Promise.resolve(aborted);
  }
  let onAbort: (() => void) | undefined;
  const abortedFirst = new Promise<typeof aborted>((resolve) => {
    onAbort = () => resolve(aborted);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.then(undefined, () => {});
  return Promise.race([promise, abortedFirst]).finally(() =>
    signal.removeEventListener('abort', onAbort as () => void),
  );
}
