/**
 * Calls a telemetry hook so that it can never break or delay the stream: a synchronous throw is
 * caught, a returned promise is not awaited and its rejection is caught. `onHookError` hears
 * about both (it is itself guarded).
 */
export function notify<E>(
  hook: ((event: E) => void | PromiseLike<void>) | undefined,
  event: E,
  onHookError?: (error: unknown) => void,
): void {
  if (!hook) return;
  const report = (error: unknown) => {
    try {
      onHookError?.(error);
    } catch {
      // A failing error reporter has nowhere left to report to.
    }
  };
  try {
    const returned = hook(event);
    if (returned && typeof (returned as PromiseLike<void>).then === 'function') {
      (returned as PromiseLike<void>).then(undefined, report);
    }
  } catch (error) {
    report(error);
  }
}
