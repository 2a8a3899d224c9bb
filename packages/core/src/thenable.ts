/** True for a promise or any other thenable (an async store's answer, an `async` hook or policy method). */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Swallows the rejection of `value` when it is a promise that nobody awaits (a refused `async
 * step`, a failing error reporter, a cleanup): an unhandled rejection ends a Node process by
 * default, and stopwise's own mistakes-contained promise must not.
 */
export function ignoreRejection(value: unknown): void {
  onRejection(value, () => {});
}

/**
 * Hands the rejection of `value`, when it is a promise nobody awaits (an `async end`, an async
 * hook), to `handler`: reported like a throw, never an unhandled rejection.
 */
export function onRejection(value: unknown, handler: (error: unknown) => void): void {
  if (isThenable(value)) value.then(undefined, handler);
}
