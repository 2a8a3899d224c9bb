import { ignoreRejection, onRejection } from '../thenable.js';

/**
 * Calls a telemetry hook so that it can never break or delay the stream: a synchronous throw is
 * caught, a returned promise is not awaited and its rejection is caught. `onHookError` hears
 * about both (it is itself guarded, a promise it returns too). `owner` is the hook object the
 * hook was read from: a hook is called as its method, so an exporter written as a class (whose
 * hooks use `this`) works.
 */
export function notify<E>(
  hook: ((event: E) => void | PromiseLike<void>) | undefined,
  event: E,
  onHookError?: (error: unknown) => unknown,
  owner?: object,
): void {
  if (!hook) return;
  const report = (error: unknown) => {
    try {
      // An async `onHookError` that fails would otherwise be an unhandled rejection, which
      // ends a Node process by default: a telemetry mistake must never do that.
      ignoreRejection(onHookError?.(error));
    } catch {
      // A failing error reporter has nowhere left to report to.
    }
  };
  try {
    const returned = hook.call(owner, event);
    onRejection(returned, report);
  } catch (error) {
    report(error);
  }
}
