/**
 * The linear-time regex engine (re2js), loaded on first use. It is a quarter-megabyte module
 * that took about 16 ms and 0.6 MB of heap at import, more than half of what importing stopwise
 * cost, while most apps never write a regex: the shipped keyword rules run on JS's own engine
 * (their patterns are stopwise's, and linear). So it loads when a pattern that needs it is
 * defined or put in a call's chain; the runner awaits the load before it runs a chain, and code
 * that drives policies itself awaits {@link loadRegexEngine}.
 */

type Engine = typeof import('re2js');

let engine: Engine | undefined;
let loading: Promise<Engine> | undefined;

/**
 * Loads the linear-time regex engine (once; later calls return the same promise). The runner
 * does this by itself; call it only when you drive a policy that holds a regex yourself (a test
 * that calls `stopOn([/x+/]).step()`), before its first step. Rejects if the engine cannot be
 * loaded (a bundle that left `re2js` out); a later call tries again.
 */
export function loadRegexEngine(): Promise<void> {
  return startLoading().then(() => undefined);
}

function startLoading(): Promise<Engine> {
  if (engine !== undefined) return Promise.resolve(engine);
  // `import()`, not `require`: it works in ESM, in the CommonJS build (tsup turns it into a
  // deferred require) and on every runtime stopwise supports.
  loading ??= import('re2js').then(
    (loaded) => {
      engine = loaded;
      return loaded;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Starts loading the engine in the background, for a pattern that will need it: the promise's
 * failure is left to whoever awaits {@link regexEngineLoading}.
 */
export function requestRegexEngine(): void {
  if (engine === undefined) startLoading().catch(() => {});
}

/** The load in flight, if one was started and has not finished: await it before running policies. */
export function regexEngineLoading(): Promise<void> | undefined {
  return engine === undefined && loading !== undefined ? loading.then(() => undefined) : undefined;
}

/** Whether the engine is loaded, so patterns can be compiled synchronously. */
export function regexEngineReady(): boolean {
  return engine !== undefined;
}

/** The loaded engine; throws if it is not loaded yet (see {@link loadRegexEngine}). */
export function regexEngine(): Engine {
  if (engine !== undefined) return engine;
  requestRegexEngine();
  throw new Error(
    "stopwise's regex engine (re2js) is not loaded yet: a client loads it before a call's chain runs; when you run a policy that holds a regex yourself, await loadRegexEngine() (from 'stopwise/adapter') first",
  );
}
